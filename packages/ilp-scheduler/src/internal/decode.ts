import type { IlpIndex } from './ilp-model.js'
import type { PreparedProblem } from './prepare.js'
import { maxCliqueWeight, type Placed } from './timeline.js'

/** A MILP solution read back: modes, the order relation, and each op's start in the solver's solution (s). */
export interface DecodedSolution {
  readonly all: boolean[]
  /** Ops in an order consistent with precedence and with x (solver start time breaks ties). */
  readonly list: number[]
  /** Left-shifted schedule: each op starts when its precedence and x predecessors have ended. */
  readonly placed: Placed[]
}

/**
 * Read a solution: round binaries, order ops by the relation "DAG edge or x_ij = 1" (a DAG whenever durations are
 * positive; solver start times break ties and any cycle among zero-length ops), and start each op as early as that
 * relation allows (PHAZE §5.4 step 2). The left shift never lengthens the solver's schedule. O(n²).
 */
export function decodeSolution(p: PreparedProblem, idx: IlpIndex, values: Float64Array): DecodedSolution {
  const n = p.n
  const all = Array.from({ length: n }, (_, i) => idx.y[i]! >= 0 && values[idx.y[i]!]! > 0.5)
  const startOf = Array.from({ length: n }, (_, i) => values[idx.t[i]!]!)
  const before = (k: number, i: number): boolean => {
    const v = idx.x[k * n + i]!
    return v >= 0 && values[v]! > 0.5
  }
  const indeg = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    indeg[i] = p.preds[i]!.length
    for (let k = 0; k < n; k++) if (before(k, i)) indeg[i]!++
  }
  const done = new Uint8Array(n)
  const list: number[] = []
  while (list.length < n) {
    let pick = -1
    for (let i = 0; i < n; i++) {
      if (done[i] === 1 || indeg[i]! > 0) continue
      if (pick < 0 || startOf[i]! < startOf[pick]!) pick = i
    }
    if (pick < 0) {
      // Cycle in x (zero-length ops only): take the earliest op whose DAG predecessors are done.
      for (let i = 0; i < n; i++) {
        if (done[i] === 1 || p.preds[i]!.some((j) => done[j] === 0)) continue
        if (pick < 0 || startOf[i]! < startOf[pick]!) pick = i
      }
    }
    done[pick] = 1
    list.push(pick)
    for (const j of p.succs[pick]!) indeg[j]!--
    for (let j = 0; j < n; j++) if (before(pick, j)) indeg[j]!--
  }
  const end = new Float64Array(n)
  const placed: Placed[] = []
  const pos = new Int32Array(n)
  list.forEach((v, k) => {
    pos[v] = k
  })
  for (const i of list) {
    let s = 0
    for (const j of p.preds[i]!) s = Math.max(s, end[j]!)
    for (let k = 0; k < n; k++) if (pos[k]! < pos[i]! && before(k, i)) s = Math.max(s, end[k]!)
    end[i] = s + (all[i] ? p.all[i]! : p.single[i]!)
    placed.push({ op: i, start: s, end: end[i]!, all: all[i]! })
  }
  return { all, list, placed }
}

/** Placements running at `probe`'s start (just after it), or strictly around a zero-length probe's instant. */
const runningAt = (placed: readonly Placed[], probe: Placed): Placed[] =>
  placed.filter((x) =>
    probe.end > probe.start
      ? x.end > x.start && x.start <= probe.start && probe.start < x.end
      : x === probe || (x.end > x.start && x.start < probe.start && probe.start < x.end),
  )

/** Sets of n_e + 1 single-core ops of engine `e` that run together (one per distinct instant found). */
export function coreViolations(p: PreparedProblem, placed: readonly Placed[], e: number): number[][] {
  const mine = placed.filter((x) => !x.all && p.engine[x.op] === e)
  const found = new Map<string, number[]>()
  for (const probe of mine) {
    const running = runningAt(mine, probe)
    if (running.length <= p.cores[e]!) continue
    // Keep the probe and the first n_e others: a minimal over-subscribed set.
    const set = [probe.op, ...running.filter((x) => x !== probe).map((x) => x.op)]
      .slice(0, p.cores[e]! + 1)
      .sort((a, b) => a - b)
    found.set(set.join(','), set)
  }
  return [...found.values()]
}

/** Largest number of single-core ops of engine `e` running together. */
export const peakCores = (p: PreparedProblem, placed: readonly Placed[], e: number): number =>
  maxCliqueWeight(
    placed.filter((x) => !x.all && p.engine[x.op] === e),
    () => 1,
  )

/** A set of ops running together whose buffer bytes exceed the capacity (a minimal prefix by size), if any. */
export function bufferViolation(p: PreparedProblem, placed: readonly Placed[]): number[] | undefined {
  if (!Number.isFinite(p.capacity)) return undefined
  for (const probe of placed) {
    const running = runningAt(placed, probe)
    const total = running.reduce((s, x) => s + p.buffer[x.op]!, 0)
    if (total <= p.capacity * (1 + 1e-12)) continue
    running.sort((a, b) => p.buffer[b.op]! - p.buffer[a.op]!)
    const set: number[] = []
    let sum = 0
    for (const x of running) {
      set.push(x.op)
      sum += p.buffer[x.op]!
      if (sum > p.capacity * (1 + 1e-12)) break
    }
    return set
  }
  return undefined
}
