import { InvalidValueError } from '@dnnperf/ir'
import { UnsupportedDtypeError } from '../errors.js'
import type { AcceleratorSpec } from '../hardware/types.js'
import type { Bound, Combine, CostOptions, LevelTraffic } from './types.js'

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  fp64: 8,
  fp32: 4,
  tf32: 4,
  fp16: 2,
  bf16: 2,
  fp8: 1,
  fp8e4m3: 1,
  fp8e5m2: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
}

// The IR names the two fp8 formats; datasheets quote one fp8 peak for both.
const PEAK_ALIAS: Readonly<Record<string, string>> = { fp8e4m3: 'fp8', fp8e5m2: 'fp8' }

/**
 * Bytes per element of a dtype (tf32 is stored as 4 bytes).
 * @throws InvalidValueError for an unknown dtype.
 */
export function dtypeBytes(dtype: string): number {
  const b = DTYPE_BYTES[dtype]
  if (b === undefined) {
    throw new InvalidValueError({
      at: 'dtype',
      field: 'dtype',
      value: dtype,
      expected: Object.keys(DTYPE_BYTES).join(' | '),
    })
  }
  return b
}

/** The matrix- or vector-engine peak for a dtype; throws naming the missing table key. */
export function enginePeak(hw: AcceleratorSpec, dtype: string, engine: 'matrix' | 'vector'): number {
  const table = engine === 'vector' ? (hw.vectorPeakFlopPerS ?? hw.peakFlopPerS) : hw.peakFlopPerS
  const field =
    engine === 'vector' && hw.vectorPeakFlopPerS !== undefined ? 'vectorPeakFlopPerS' : 'peakFlopPerS'
  const p = table[dtype] ?? table[PEAK_ALIAS[dtype] ?? dtype]
  if (p === undefined) {
    throw new UnsupportedDtypeError({
      hardware: hw.name,
      dtype,
      field: `${field}.${dtype}`,
      known: Object.keys(table),
    })
  }
  return p
}

export function requirePositiveInt(at: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidValueError({ at, field, value: v, expected: 'an integer >= 1' })
  }
  return v
}

export function requireNonNegative(at: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidValueError({ at, field, value: v, expected: 'a finite number >= 0' })
  }
  return v
}

export function efficiencies(opts: CostOptions | undefined): {
  matrix: number
  vector: number
  memory: number
} {
  const e = opts?.efficiency ?? {}
  const out = { matrix: e.matrix ?? 1, vector: e.vector ?? 1, memory: e.memory ?? 1 }
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new InvalidValueError({
        at: 'options',
        field: `efficiency.${k}`,
        value: v,
        expected: 'a number > 0',
      })
    }
  }
  return out
}

/** Time to move `read` and `write` bytes through a port: shared channel, or independent read/write channels. */
export function transferS(
  read: number,
  write: number,
  bw: number,
  writeBw: number | undefined,
  eta: number,
): number {
  if (writeBw === undefined) return (read + write) / (bw * eta)
  return Math.max(read / (bw * eta), write / (writeBw * eta))
}

/** Combines compute, memory levels and the launch floor into a latency and a bound. */
export function combineTimes(
  computeS: number,
  levels: readonly LevelTraffic[],
  launchFloorS: number,
  combine: Combine,
): { latencyS: number; bound: Bound; memoryS: number; limitingLevel: string | undefined } {
  let memoryS = 0
  let limitingLevel: string | undefined
  for (const l of levels) {
    if (l.timeS > memoryS) {
      memoryS = l.timeS
      limitingLevel = l.level
    }
  }
  const work = combine === 'sum' ? computeS + memoryS : Math.max(computeS, memoryS)
  if (launchFloorS > work) return { latencyS: launchFloorS, bound: 'launch', memoryS, limitingLevel }
  // Ties go to compute: an op exactly on the ridge counts as compute-bound.
  const bound: Bound = memoryS > computeS ? 'memory' : 'compute'
  return { latencyS: work, bound, memoryS, limitingLevel: bound === 'memory' ? limitingLevel : undefined }
}
