import { lowerBoundsOf } from './internal/bounds.js'
import { heuristicSchedule } from './internal/heuristic.js'
import { prepareProblem } from './internal/prepare.js'
import { assignCores, makespanOf } from './internal/sgs.js'
import type { LayerSchedulingProblem, LayerScheduleResult } from './types.js'

/**
 * List-scheduling heuristic for a layer (the ILP's warm start and fallback): serial schedule generation on the
 * bottom-level priority list, best of single-core, all-core and earlier-finish modes. Returns a feasible schedule
 * (seconds) with the lower bounds and gap; `status` is `'optimal'` only when the makespan meets a bound.
 * Heuristic. O(n³) for n ops.
 *
 * @throws the validation errors of {@link scheduleLayer}.
 */
export function listScheduleLayer(problem: LayerSchedulingProblem): LayerScheduleResult {
  const t0 = performance.now()
  const p = prepareProblem(problem)
  const placed = heuristicSchedule(p)
  const lowerBounds = lowerBoundsOf(p)
  const makespanS = makespanOf(placed)
  const bound = Math.min(makespanS, Math.max(lowerBounds.criticalPathS, lowerBounds.workS))
  const gap = makespanS > 0 ? (makespanS - bound) / makespanS : 0
  return {
    ...(problem.name === undefined ? {} : { name: problem.name }),
    status: gap <= 1e-9 ? 'optimal' : 'feasible',
    makespanS,
    bestBoundS: bound,
    gap,
    solver: 'none',
    algorithm: 'list-heuristic',
    timeS: (performance.now() - t0) / 1000,
    schedule: assignCores(p, placed),
    lowerBounds,
    heuristicMakespanS: makespanS,
    milpSolves: 0,
    coreBlocks: { tensor: false, vector: false },
  }
}
