import type { ScheduledOp } from '../types.js'
import type { PreparedProblem } from './prepare.js'
import { type Placed, Timeline } from './timeline.js'

/** Mode rule for the serial schedule: `'single'`, `'all'`, a fixed vector, or the earlier finish of the two. */
export type ModeRule = 'single' | 'all' | 'earliest-finish' | readonly boolean[]

/**
 * Serial schedule-generation scheme (Kolisch 1996): take ops in `list` order (a precedence-feasible list), place
 * each at its earliest resource-feasible start after its predecessors. Over all lists and mode vectors it
 * reaches every active schedule, hence an optimal one. O(n · k²) per op.
 */
export function serialSchedule(p: PreparedProblem, list: readonly number[], mode: ModeRule): Placed[] {
  const tl = new Timeline(p)
  const endOf = new Float64Array(p.n)
  for (const i of list) {
    let est = 0
    for (const j of p.preds[i]!) if (endOf[j]! > est) est = endOf[j]!
    let all: boolean
    let start: number
    if (mode === 'earliest-finish') {
      const s0 = tl.earliestStart(i, est, false)
      const s1 = tl.earliestStart(i, est, true)
      // Ties go to the single core: it leaves the other cores free.
      all = s1 + p.all[i]! < s0 + p.single[i]!
      start = all ? s1 : s0
    } else {
      // 'all' keeps an op on one core when all cores are no faster: single-core then dominates.
      all = mode === 'all' ? p.all[i]! < p.single[i]! : mode === 'single' ? false : mode[i] === true
      start = tl.earliestStart(i, est, all)
    }
    endOf[i] = tl.add(i, start, all).end
  }
  return tl.placed
}

/** Longest path from each op to a sink, counting each op at its faster latency (a priority for list order). */
export function bottomLevels(p: PreparedProblem): Float64Array {
  const level = new Float64Array(p.n)
  for (let k = p.n - 1; k >= 0; k--) {
    const i = p.topo[k]!
    let tail = 0
    for (const j of p.succs[i]!) if (level[j]! > tail) tail = level[j]!
    level[i] = Math.min(p.single[i]!, p.all[i]!) + tail
  }
  return level
}

/** Precedence-feasible list: among ready ops, the largest priority first (ties by topological rank). O(n²). */
export function priorityList(p: PreparedProblem, priority: ArrayLike<number>): number[] {
  const remaining = new Int32Array(p.n)
  for (let i = 0; i < p.n; i++) remaining[i] = p.preds[i]!.length
  const rank = new Int32Array(p.n)
  p.topo.forEach((v, r) => {
    rank[v] = r
  })
  const ready: number[] = []
  for (let i = 0; i < p.n; i++) if (remaining[i] === 0) ready.push(i)
  const list: number[] = []
  while (ready.length > 0) {
    let best = 0
    for (let k = 1; k < ready.length; k++) {
      const a = ready[k]!
      const b = ready[best]!
      if (priority[a]! > priority[b]! || (priority[a] === priority[b] && rank[a]! < rank[b]!)) best = k
    }
    const i = ready.splice(best, 1)[0]!
    list.push(i)
    for (const j of p.succs[i]!) if (--remaining[j]! === 0) ready.push(j)
  }
  return list
}

/** Makespan of a set of placements, in seconds. */
export const makespanOf = (placed: readonly Placed[]): number =>
  placed.reduce((m, x) => Math.max(m, x.end), 0)

/**
 * Turn placements into a schedule with core indices: greedy interval colouring by start time per core type,
 * which needs no more cores than the largest set of ops running together. Output in op order.
 */
export function assignCores(p: PreparedProblem, placed: readonly Placed[]): ScheduledOp[] {
  const byStart = [...placed].sort((a, b) => a.start - b.start || a.end - b.end || a.op - b.op)
  const freeAt: [number[], number[]] = [[], []]
  const core = new Map<number, number>()
  for (const x of byStart) {
    if (x.all) continue
    const e = p.engine[x.op]!
    const free = freeAt[e]!
    let c = free.findIndex((t) => t <= x.start)
    if (c < 0) {
      c = free.length
      free.push(0)
    }
    // A zero-length op leaves its core free at its instant.
    free[c] = Math.max(free[c]!, x.end)
    core.set(x.op, c)
  }
  const out: ScheduledOp[] = []
  for (const x of [...placed].sort((a, b) => a.op - b.op)) {
    out.push({
      opId: p.ids[x.op]!,
      engine: p.engine[x.op] === 0 ? 'tensor' : 'vector',
      startS: x.start,
      endS: x.end,
      cores: x.all ? 'all' : core.get(x.op)!,
    })
  }
  return out
}
