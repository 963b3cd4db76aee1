import { compileDag, InvalidValueError } from '@dnnperf/ir'
import { ScheduleInfeasibleError } from '../errors.js'
import type { LayerSchedulingProblem } from '../types.js'

/** Engine codes in the integer-indexed form. */
export const TENSOR = 0
export const VECTOR = 1

/**
 * A validated problem in integer-indexed form. Op `i` is `problem.ops[i]`.
 * `reach[i * n + j] === 1` iff j is a descendant of i (a path i → … → j exists).
 */
export interface PreparedProblem {
  readonly n: number
  readonly ids: readonly string[]
  readonly engine: Uint8Array
  readonly single: Float64Array
  readonly all: Float64Array
  readonly buffer: Float64Array
  /** Cores per engine code. */
  readonly cores: readonly [number, number]
  /** Infinity when the problem sets no buffer capacity. */
  readonly capacity: number
  readonly preds: readonly (readonly number[])[]
  readonly succs: readonly (readonly number[])[]
  readonly topo: readonly number[]
  readonly reach: Uint8Array
}

const finiteNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

/**
 * Validate `problem` and build its integer-indexed form. O(n·(n + e)) for the reachability matrix.
 *
 * @throws InvalidValueError for a malformed field, DuplicateNodeError / DanglingEdgeError / GraphCycleError
 *   (from the IR) for bad dependencies, ScheduleInfeasibleError when no schedule can exist.
 */
export function prepareProblem(problem: LayerSchedulingProblem): PreparedProblem {
  if (typeof problem !== 'object' || problem === null) {
    throw new InvalidValueError({ at: 'problem', field: 'problem', value: problem, expected: 'an object' })
  }
  const { ops, deps, cores } = problem
  if (!Array.isArray(ops))
    throw new InvalidValueError({ at: 'problem', field: 'ops', value: ops, expected: 'an array' })
  if (!Array.isArray(deps)) {
    throw new InvalidValueError({
      at: 'problem',
      field: 'deps',
      value: deps,
      expected: 'an array of [from, to]',
    })
  }
  if (typeof cores !== 'object' || cores === null) {
    throw new InvalidValueError({
      at: 'problem',
      field: 'cores',
      value: cores,
      expected: '{ tensor, vector }',
    })
  }
  for (const key of ['tensor', 'vector'] as const) {
    const c = cores[key]
    if (!Number.isInteger(c) || c < 0 || c > 1_000_000) {
      throw new InvalidValueError({
        at: 'problem.cores',
        field: key,
        value: c,
        expected: 'an integer in [0, 1e6]',
      })
    }
  }
  const capacity = problem.bufferCapacityBytes ?? Number.POSITIVE_INFINITY
  if (problem.bufferCapacityBytes !== undefined && !finiteNonNegative(problem.bufferCapacityBytes)) {
    throw new InvalidValueError({
      at: 'problem',
      field: 'bufferCapacityBytes',
      value: problem.bufferCapacityBytes,
      expected: 'a finite number ≥ 0',
    })
  }

  const n = ops.length
  const ids: string[] = []
  const engine = new Uint8Array(n)
  const single = new Float64Array(n)
  const all = new Float64Array(n)
  const buffer = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const op = ops[i]
    const at = `ops[${i}]`
    if (typeof op !== 'object' || op === null) {
      throw new InvalidValueError({ at, field: 'op', value: op, expected: 'an object' })
    }
    if (typeof op.id !== 'string' || op.id.length === 0) {
      throw new InvalidValueError({ at, field: 'id', value: op.id, expected: 'a non-empty string' })
    }
    if (op.engine !== 'tensor' && op.engine !== 'vector') {
      throw new InvalidValueError({
        at: op.id,
        field: 'engine',
        value: op.engine,
        expected: "'tensor' or 'vector'",
      })
    }
    if (!finiteNonNegative(op.singleCoreS)) {
      throw new InvalidValueError({
        at: op.id,
        field: 'singleCoreS',
        value: op.singleCoreS,
        expected: 'finite ≥ 0',
      })
    }
    if (!finiteNonNegative(op.allCoresS)) {
      throw new InvalidValueError({
        at: op.id,
        field: 'allCoresS',
        value: op.allCoresS,
        expected: 'finite ≥ 0',
      })
    }
    const b = op.bufferBytes ?? 0
    if (!finiteNonNegative(b)) {
      throw new InvalidValueError({ at: op.id, field: 'bufferBytes', value: b, expected: 'finite ≥ 0' })
    }
    ids.push(op.id)
    engine[i] = op.engine === 'tensor' ? TENSOR : VECTOR
    single[i] = op.singleCoreS
    all[i] = op.allCoresS
    buffer[i] = b
    if ((op.engine === 'tensor' ? cores.tensor : cores.vector) === 0) {
      throw new ScheduleInfeasibleError({
        opId: op.id,
        reason: 'no-cores',
        detail: `it runs on ${op.engine} cores and the accelerator has none`,
      })
    }
    if (b > capacity) {
      throw new ScheduleInfeasibleError({
        opId: op.id,
        reason: 'buffer',
        detail: `it holds ${b} B on chip and the buffer has ${capacity} B`,
      })
    }
  }

  const edges = deps.map((d, k) => {
    if (!Array.isArray(d) || d.length !== 2 || typeof d[0] !== 'string' || typeof d[1] !== 'string') {
      throw new InvalidValueError({ at: `deps[${k}]`, field: 'dep', value: d, expected: '[fromId, toId]' })
    }
    return { from: d[0], to: d[1] }
  })
  const dag = compileDag(ids, edges) // throws on duplicates, dangling ids and cycles
  const preds: number[][] = []
  const succs: number[][] = []
  for (let i = 0; i < n; i++) {
    preds.push(Array.from(dag.pred.subarray(dag.predStart[i]!, dag.predStart[i + 1]!)))
    succs.push(Array.from(dag.succ.subarray(dag.succStart[i]!, dag.succStart[i + 1]!)))
  }
  const topo = Array.from(dag.topoOrder)
  const reach = new Uint8Array(n * n)
  // Reverse topological order: a node reaches its successors and everything they reach.
  for (let k = n - 1; k >= 0; k--) {
    const i = topo[k]!
    for (const j of succs[i]!) {
      reach[i * n + j] = 1
      for (let m = 0; m < n; m++) if (reach[j * n + m] === 1) reach[i * n + m] = 1
    }
  }
  return {
    n,
    ids,
    engine,
    single,
    all,
    buffer,
    cores: [cores.tensor, cores.vector],
    capacity,
    preds,
    succs,
    topo,
    reach,
  }
}

/** True when neither op reaches the other (PHAZE i ∥ j). */
export const incomparable = (p: PreparedProblem, i: number, j: number): boolean =>
  i !== j && p.reach[i * p.n + j] === 0 && p.reach[j * p.n + i] === 0

/** Duration of op i in the given mode (1 = all cores). */
export const durationOf = (p: PreparedProblem, i: number, allCores: boolean): number =>
  allCores ? p.all[i]! : p.single[i]!
