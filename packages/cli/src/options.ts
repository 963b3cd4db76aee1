import { InvalidValueError } from '@dnnperf/ir'

/** A positive integer flag, or a typed error naming the flag. */
export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const v = Number(raw)
  if (!Number.isInteger(v) || v <= 0) {
    throw new InvalidValueError({
      at: 'command line',
      field: flag,
      value: raw,
      expected: 'a positive integer',
    })
  }
  return v
}

/** A positive finite number flag. */
export function positiveNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const v = Number(raw)
  if (!Number.isFinite(v) || v <= 0) {
    throw new InvalidValueError({
      at: 'command line',
      field: flag,
      value: raw,
      expected: 'a positive number',
    })
  }
  return v
}

/** A non-negative integer flag (an index or step number). */
export function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const v = Number(raw)
  if (!Number.isInteger(v) || v < 0) {
    throw new InvalidValueError({
      at: 'command line',
      field: flag,
      value: raw,
      expected: 'a non-negative integer',
    })
  }
  return v
}
