import { InvalidValueError } from '@dnnperf/ir'
import type { PlacementProblem } from '@dnnperf/ir'
import type { DownsetDpResult, PhazeResultJson, PhazeResultOptions, PhazeResultStage } from './types.js'

/** PHAZE's time per batch for an infeasible instance. */
const INFEASIBLE_TIME = 1e30

/**
 * A downset-DP plan as PHAZE's device-placement solver output (phaze reference §6.8): `stages` first to last with
 * their node ids (integers, as in the input) and `devicesForStage` (the stage's tensor width t, PHAZE's `a`),
 * `dataParallelDegree`, `tensorParallelDegree` and `finalTimePerBatch`; `stages: []` and 1e30 when infeasible.
 *
 * PHAZE has one (t, d) for the whole pipeline; the DP picks them per stage, so each stage also carries its own
 * `dataParallelDegree` and `tensorParallelDegree` (readers of PHAZE's format ignore them) and the top-level values
 * are the common value, or the largest when stages differ.
 *
 * `finalTimePerBatch` = objective · (N + Σᵢ dᵢ − d_b), b the bottleneck stage (first on ties): for a uniform d this
 * is PHAZE's load · (⌈N/d⌉ + p − 1) with load = d · the bottleneck time per microbatch, i.e. N microbatches through
 * the bottleneck plus the 1F1B fill and drain. Heuristic: the DP's objective has no bubble, and its data-parallel
 * term (already in the objective) is multiplied by the fill too. Exact otherwise (a format conversion). O(V).
 * The objective must be per microbatch (PHAZE inputs, `costPhazeLayerGraph`) for the time to be per batch.
 *
 * @throws InvalidValueError naming the stage and node when a node id is not an integer, or
 *   `resources.microbatchCount` when the problem has no microbatch count.
 */
export function exportDownsetDpResult(
  result: DownsetDpResult,
  problem: PlacementProblem,
  options: PhazeResultOptions = {},
): PhazeResultJson {
  const N = problem.resources.microbatchCount
  if (typeof N !== 'number' || !Number.isInteger(N) || N <= 0) {
    throw new InvalidValueError({
      at: 'exportDownsetDpResult problem',
      field: 'resources.microbatchCount',
      value: N,
      expected: 'a positive integer (PHAZE mbsInBatch)',
    })
  }
  const fixed =
    options.fixedStrategyTimePerBatchS === undefined
      ? {}
      : { fixedStrategyTimePerBatch: options.fixedStrategyTimePerBatchS }
  if (result.status !== 'optimal' || result.objectiveS === null || result.stages.length === 0) {
    return {
      stages: [],
      dataParallelDegree: 0,
      tensorParallelDegree: 0,
      finalTimePerBatch: INFEASIBLE_TIME,
      ...fixed,
    }
  }
  const stages: PhazeResultStage[] = result.stages.map((s, i) => ({
    nodes: s.nodes.map((id, j) => {
      if (!/^-?\d+$/.test(id)) {
        throw new InvalidValueError({
          at: `exportDownsetDpResult stages[${i}]`,
          field: `nodes[${j}]`,
          value: id,
          expected: 'an integer node id (PHAZE ids are integers)',
        })
      }
      return Number(id)
    }),
    devicesForStage: s.tensorParallel,
    dataParallelDegree: s.dataParallel,
    tensorParallelDegree: s.tensorParallel,
  }))
  let bottleneck = 0
  result.stages.forEach((s, i) => {
    if (s.timePerSampleS > result.stages[bottleneck]!.timePerSampleS) bottleneck = i
  })
  const dSum = result.stages.reduce((acc, s) => acc + s.dataParallel, 0)
  const fill = dSum - result.stages[bottleneck]!.dataParallel
  return {
    stages,
    dataParallelDegree: Math.max(...result.stages.map((s) => s.dataParallel)),
    tensorParallelDegree: Math.max(...result.stages.map((s) => s.tensorParallel)),
    finalTimePerBatch: result.objectiveS * (N + fill),
    ...fixed,
  }
}
