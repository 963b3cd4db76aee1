import type { MakespanLowerBounds } from '../types.js'
import type { PreparedProblem } from './prepare.js'
import { bottomLevels } from './sgs.js'

/** Critical-path and work bounds of a prepared problem; see {@link layerLowerBounds}. O(n + e). */
export function lowerBoundsOf(p: PreparedProblem): MakespanLowerBounds {
  let criticalPathS = 0
  for (const v of bottomLevels(p)) if (v > criticalPathS) criticalPathS = v
  // An op takes ℓ core-seconds on one core or n·ℓ̂ on all n cores of its type (it then also blocks the rest).
  const work = [0, 0]
  for (let i = 0; i < p.n; i++) {
    const e = p.engine[i]!
    const n = p.cores[e]!
    work[e]! += Math.min(p.single[i]!, n * p.all[i]!) / n
  }
  return { criticalPathS, workS: Math.max(work[0]!, work[1]!) }
}
