import { InvalidValueError } from '@dnnperf/ir'

/** The parts of an op that decide its measured time. Structurally compatible with the IR's `OpNode`. */
export interface OpSignatureInput {
  readonly kind: string
  readonly inputs: readonly { readonly shape: readonly number[]; readonly dtype: string }[]
  readonly attrs?: { readonly [k: string]: unknown }
  readonly phase?: string
}

/** Measured times keyed by op signature. Plain JSON. */
export interface ProfileTable {
  readonly entries: { readonly [signature: string]: number }
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/**
 * The signature two ops share exactly when a measured time of one applies to the other: kind, phase, input
 * shapes and dtypes, and attributes (keys sorted). Example: `matmul|forward|[512,1024]bf16,[1024,4096]bf16|{}`.
 * Exact. O(size of the op).
 */
export function opSignature(op: OpSignatureInput): string {
  const ins = op.inputs.map((t) => `[${t.shape.join(',')}]${t.dtype}`).join(',')
  return `${op.kind}|${op.phase ?? 'forward'}|${ins}|${stable(op.attrs ?? {})}`
}

/**
 * A profile table from measured (op, seconds) pairs; repeated signatures keep the mean time.
 * Exact. O(n).
 * @throws InvalidValueError for a negative or non-finite time.
 */
export function buildProfileTable(
  measurements: readonly { readonly op: OpSignatureInput; readonly latencyS: number }[],
): ProfileTable {
  const sum = new Map<string, { total: number; n: number }>()
  measurements.forEach((m, i) => {
    if (!Number.isFinite(m.latencyS) || m.latencyS < 0) {
      throw new InvalidValueError({
        at: `measurements[${i}]`,
        field: 'latencyS',
        value: m.latencyS,
        expected: 'a finite number >= 0',
      })
    }
    const sig = opSignature(m.op)
    const cur = sum.get(sig) ?? { total: 0, n: 0 }
    sum.set(sig, { total: cur.total + m.latencyS, n: cur.n + 1 })
  })
  const entries: Record<string, number> = {}
  for (const [k, v] of sum) entries[k] = v.total / v.n
  return { entries }
}

/** The measured time of `op`, or undefined when the table has none. Exact. O(size of the op). */
export function lookupProfile(table: ProfileTable, op: OpSignatureInput): number | undefined {
  return table.entries[opSignature(op)]
}
