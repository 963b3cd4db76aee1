import { LimitExceededError } from '@dnnperf/ir'
import { lowerBoundsOf } from './internal/bounds.js'
import { prepareProblem } from './internal/prepare.js'
import { assignCores, makespanOf, serialSchedule } from './internal/sgs.js'
import type { Placed } from './internal/timeline.js'
import type { LayerSchedulingProblem, LayerScheduleResult } from './types.js'

/** Options of {@link exhaustiveSchedule}. */
export interface ExhaustiveOptions {
  /** Refuse problems with more ops than this (default 6): the work grows as n!·2ⁿ. */
  readonly maxOps?: number
}

/**
 * Exact minimum-makespan schedule by enumeration: every precedence-feasible op list × every single/all-core mode
 * vector, each placed by the serial schedule-generation scheme, which reaches every active schedule and so an
 * optimal one (Kolisch 1996). A test oracle for the ILP, independent of any solver. O(n!·2ⁿ·n³).
 *
 * @throws LimitExceededError when the problem has more than `maxOps` ops; the validation errors of
 *   {@link scheduleLayer}.
 */
export function exhaustiveSchedule(
  problem: LayerSchedulingProblem,
  options: ExhaustiveOptions = {},
): LayerScheduleResult {
  const t0 = performance.now()
  const maxOps = options.maxOps ?? 6
  const p = prepareProblem(problem)
  if (p.n > maxOps) throw new LimitExceededError({ what: `exhaustive schedule of ${p.n} ops`, limit: maxOps })
  const lists: number[][] = []
  const remaining = p.preds.map((ps) => ps.length)
  const used = new Uint8Array(p.n)
  const list: number[] = []
  const extend = (): void => {
    if (list.length === p.n) {
      lists.push([...list])
      return
    }
    for (let i = 0; i < p.n; i++) {
      if (used[i] === 1 || remaining[i] !== 0) continue
      used[i] = 1
      list.push(i)
      for (const j of p.succs[i]!) remaining[j]!--
      extend()
      for (const j of p.succs[i]!) remaining[j]!++
      list.pop()
      used[i] = 0
    }
  }
  extend()
  let best: Placed[] = []
  let bestT = Number.POSITIVE_INFINITY
  for (let mask = 0; mask < 1 << p.n; mask++) {
    const modes = Array.from({ length: p.n }, (_, i) => ((mask >> i) & 1) === 1)
    for (const l of lists) {
      const s = serialSchedule(p, l, modes)
      const t = makespanOf(s)
      if (t < bestT) {
        bestT = t
        best = s
      }
    }
  }
  if (p.n === 0) bestT = 0
  return {
    ...(problem.name === undefined ? {} : { name: problem.name }),
    status: 'optimal',
    makespanS: bestT,
    bestBoundS: bestT,
    gap: 0,
    solver: 'none',
    algorithm: 'exhaustive',
    timeS: (performance.now() - t0) / 1000,
    schedule: assignCores(p, best),
    lowerBounds: lowerBoundsOf(p),
    heuristicMakespanS: bestT,
    milpSolves: 0,
    coreBlocks: { tensor: false, vector: false },
  }
}
