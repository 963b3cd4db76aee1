import { lowerBoundsOf } from './internal/bounds.js'
import { prepareProblem } from './internal/prepare.js'
import type { LayerSchedulingProblem, MakespanLowerBounds } from './types.js'

/**
 * Lower bounds on the optimal makespan of a layer, in seconds: the critical path with every op at its faster
 * latency min(ℓ, ℓ̂), and per core type the least core-seconds Σ min(ℓ, n·ℓ̂) over the n cores. Exact bounds
 * (never above the optimum), not estimates. O(n² + n·e) including validation.
 *
 * @throws the validation errors of {@link scheduleLayer}.
 */
export function layerLowerBounds(problem: LayerSchedulingProblem): MakespanLowerBounds {
  return lowerBoundsOf(prepareProblem(problem))
}
