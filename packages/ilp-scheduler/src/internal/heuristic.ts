import type { PreparedProblem } from './prepare.js'
import { bottomLevels, makespanOf, priorityList, serialSchedule } from './sgs.js'
import type { Placed } from './timeline.js'

/**
 * Best of three serial list schedules on the bottom-level priority list: all ops on one core, all ops on all
 * cores, and the earlier-finish mode per op. Heuristic. O(n · n²) per pass.
 */
export function heuristicSchedule(p: PreparedProblem): Placed[] {
  const list = priorityList(p, bottomLevels(p))
  let best: Placed[] | undefined
  for (const rule of ['earliest-finish', 'single', 'all'] as const) {
    const s = serialSchedule(p, list, rule)
    if (best === undefined || makespanOf(s) < makespanOf(best) - 1e-15) best = s
  }
  return best ?? []
}
