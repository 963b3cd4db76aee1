import type { PlacementProblem } from '@dnnperf/ir'
import { placeGreedy, placeSingleDevice } from './baselines.js'
import { MethodUnavailableError } from './errors.js'
import { placeLatencyIp } from './ip/latency-ip.js'
import { placeIp, placeIpNonContiguous } from './ip/throughput-ip.js'
import type { LatencyIpOptions } from './ip/types.js'
import { placeMaxLoadDp } from './max-load-dp.js'
import { placePipeDream } from './pipedream/place-pipedream.js'
import type { PipeDreamOptions } from './pipedream/types.js'
import type { MaxLoadOptions, MaxLoadResult, PlacementMethod } from './types.js'

/** Options of {@link place}: the method, the objective, and the max-load options. */
export interface PlaceOptions extends MaxLoadOptions {
  /** Default `dp`. */
  readonly method?: PlacementMethod
  /** Default `throughput` (minimise the maximum device load). */
  readonly objective?: 'throughput' | 'latency'
}

/** Options of {@link placeAsync}: those of place, the integer programs and the PipeDream planner. */
export interface PlaceAsyncOptions
  extends PlaceOptions,
    Omit<LatencyIpOptions, keyof MaxLoadOptions>,
    Omit<PipeDreamOptions, 'memoryBytes'> {}

const AVAILABLE = ['dp', 'greedy', 'single-device'] as const

/**
 * Place a Tarnawski-model problem with the chosen method (the library side of `dnnperf place`); returns the
 * method's MaxLoadResult, plain JSON. Throughput methods available: `dp` (exact, Tarnawski et al. 2020),
 * `greedy`, `single-device`. Cost: that of the method. The integer programs and PipeDream are in
 * {@link placeAsync}.
 *
 * @throws MethodUnavailableError (`METHOD_UNAVAILABLE`) for the integer programs, PipeDream and the latency
 *   objective, which need placeAsync.
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

const ASYNC_AVAILABLE = [
  'dp (throughput)',
  'greedy (throughput)',
  'single-device (throughput)',
  'ip (throughput, latency)',
  'ip-noncontiguous (throughput)',
  'pipedream (throughput)',
]

/**
 * Place a problem with any method, resolving to its MaxLoadResult: the synchronous methods of {@link place},
 * the Tarnawski integer programs `ip` (throughput or `objective: 'latency'`) and `ip-noncontiguous` (solved by
 * @dnnperf/milp in a worker thread under `timeLimitS`, default 60 s, back-end `solver`, default HiGHS), and the
 * PipeDream planner `pipedream`. Cost: that of the method.
 *
 * @throws MethodUnavailableError for a method/objective pair that does not exist (`linear-dp`, a latency DP…);
 *   otherwise the method's errors (rejected promise).
 */
export async function placeAsync(
  problem: PlacementProblem,
  options: PlaceAsyncOptions = {},
): Promise<MaxLoadResult> {
  const method = options.method ?? 'dp'
  const objective = options.objective ?? 'throughput'
  if (objective === 'latency' && method === 'ip') return placeLatencyIp(problem, options)
  if (objective === 'throughput') {
    if (method === 'ip') return placeIp(problem, options)
    if (method === 'ip-noncontiguous') return placeIpNonContiguous(problem, options)
    if (method === 'pipedream') {
      const { acceleratorMemoryBytes, ...rest } = options
      return placePipeDream(problem, {
        ...rest,
        ...(acceleratorMemoryBytes === undefined ? {} : { memoryBytes: acceleratorMemoryBytes }),
      })
    }
    if (method === 'dp' || method === 'greedy' || method === 'single-device') return place(problem, options)
  }
  throw new MethodUnavailableError({ method, objective, available: ASYNC_AVAILABLE })
}
