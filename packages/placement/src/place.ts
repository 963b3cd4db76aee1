import type { PlacementProblem } from '@dnnperf/ir'
import { placeGreedy, placeSingleDevice } from './baselines.js'
import { MethodUnavailableError } from './errors.js'
import { placeMaxLoadDp } from './max-load-dp.js'
import type { MaxLoadOptions, MaxLoadResult, PlacementMethod } from './types.js'

/** Options of {@link place}: the method, the objective, and the max-load options. */
export interface PlaceOptions extends MaxLoadOptions {
  /** Default `dp`. */
  readonly method?: PlacementMethod
  /** Default `throughput` (minimise the maximum device load). */
  readonly objective?: 'throughput' | 'latency'
}

const AVAILABLE = ['dp', 'greedy', 'single-device'] as const

/**
 * Place a Tarnawski-model problem with the chosen method (the library side of `dnnperf place`); returns the
 * method's MaxLoadResult, plain JSON. Throughput methods available: `dp` (exact, Tarnawski et al. 2020),
 * `greedy`, `single-device`. Cost: that of the method.
 *
 * @throws MethodUnavailableError (`METHOD_UNAVAILABLE`) for the integer programs, PipeDream and the latency
 *   objective, which this version does not implement.
 */
export function place(problem: PlacementProblem, options: PlaceOptions = {}): MaxLoadResult {
  const method = options.method ?? 'dp'
  const objective = options.objective ?? 'throughput'
  if (objective === 'throughput') {
    if (method === 'dp') return placeMaxLoadDp(problem, options)
    if (method === 'greedy') return placeGreedy(problem, options)
    if (method === 'single-device') return placeSingleDevice(problem, options)
  }
  throw new MethodUnavailableError({
    method,
    objective,
    available: AVAILABLE.map((m) => `${m} (throughput)`),
  })
}
