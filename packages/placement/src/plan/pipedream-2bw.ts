import { explainRunnersUp } from './explain.js'
import { InvalidValueError, isDnnperfError } from '@dnnperf/ir'
import { resolvePlanCluster } from './clusters.js'
import { evaluatePlan } from './evaluate.js'
import { resolvePlan } from './plan.js'
import type { PlanSearchResult } from './search.js'
import { resolveTransformerShape } from './shape.js'
import type {
  EvaluatePlanOptions,
  ParallelPlan,
  PlanCluster,
  PlanClusterInput,
  PlanEvaluation,
  RecomputeMode,
  TransformerShape,
} from './types.js'

/** Options of {@link planPipeDream2bw}. */
export interface PipeDream2bwOptions {
  /** Devices n = width · depth (· tensor degree). */
  readonly gpus: number
  /** Sequences per optimizer step B = width · b · m. */
  readonly globalBatch: number
  /** Microbatch sizes b tried; default [1, 2, 4, 8, 16, 32]. */
  readonly microbatchSizes?: readonly number[]
  /** Recomputation settings tried; default none and full (the paper's r ∈ {off, on}). */
  readonly recompute?: readonly RecomputeMode[]
  /** Tensor-parallel degree inside each stage; default 1 (the paper's planner has none). */
  readonly tensorParallel?: number
  /** Plans returned (best plus runners-up); default 5. */
  readonly top?: number
  /** Passed to every evaluation. */
  readonly evaluate?: EvaluatePlanOptions
}

function posInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidValueError({
      at: 'planPipeDream2bw options',
      field,
      value: v,
      expected: 'a positive integer',
    })
  }
  return v
}

/**
 * The PipeDream-2BW planner (Narayanan et al. ICML 2021 §4): the fastest fitting configuration of a model of L
 * identical transformer blocks on n devices at a fixed batch, over pipeline depth d dividing L (L/d blocks per
 * stage), data-parallel width w = n/(t·d), microbatch size b (m = B/(w·b) microbatches per step, m ≥ d) and
 * recomputation on or off. Each candidate is scored with the 2BW cost model of {@link evaluatePlan}: time per step
 * m·max over stages of (compute of its blocks at b, plus a recomputed forward when on, plus its boundary
 * sends) plus the non-overlapped data-parallel all-reduce of the stage's weights over w replicas and the optimizer
 * step; memory per stage two weight versions, gradients and optimizer state of the stage, plus d in-flight
 * microbatches of activations (stage inputs only, and one layer's full activations, when recomputing).
 * Deviation from the paper: the per-block time comes from dnnperf's GEMM model rather than a profile, and
 * recomputation stashes every block's input (Megatron) rather than only the stage's.
 * Exact (exhaustive: every candidate of the space is evaluated). O(divisors(n) · |b| · |r|) evaluations.
 * Returns the same shape as `searchPlans` (method `pipedream-2bw`).
 * @throws InvalidValueError for bad options; errors of `evaluatePlan` for a bad model or cluster.
 */
export function planPipeDream2bw(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: PipeDream2bwOptions,
): PlanSearchResult {
  const started = performance.now()
  resolveTransformerShape(model)
  const cluster = resolvePlanCluster(clusterIn)
  const n = posInt('gpus', options.gpus)
  const B = posInt('globalBatch', options.globalBatch)
  const t = posInt('tensorParallel', options.tensorParallel ?? 1)
  const top = posInt('top', options.top ?? 5)
  const mbs = (options.microbatchSizes ?? [1, 2, 4, 8, 16, 32]).map((b, i) =>
    posInt(`microbatchSizes[${i}]`, b),
  )
  const recomputes = options.recompute ?? ['none', 'full']
  recomputes.forEach((r, i) => {
    if (r !== 'none' && r !== 'selective' && r !== 'full') {
      throw new InvalidValueError({
        at: 'planPipeDream2bw options',
        field: `recompute[${i}]`,
        value: r,
        expected: 'none | selective | full',
      })
    }
  })
  let candidates = 0
  let invalid = 0
  let evaluated = 0
  let evaluatedNotFitting = 0
  const kept: PlanEvaluation[] = []
  if (n % t === 0) {
    const rest = n / t
    for (let depth = 1; depth <= rest; depth++) {
      if (rest % depth !== 0) continue
      const width = rest / depth
      for (const b of mbs) {
        for (const recompute of recomputes) {
          candidates++
          let plan: ParallelPlan
          try {
            // L/d identical blocks per stage: depth must divide L (resolvePlan checks it), and m = B/(w·b) ≥ d.
            plan = resolvePlan(model, {
              gpus: n,
              tensorParallel: t,
              pipelineParallel: depth,
              dataParallel: width,
              microbatchSize: b,
              globalBatch: B,
              schedule: depth > 1 ? '2bw' : '1f1b',
              recompute,
            })
          } catch (e) {
            if (isDnnperfError(e)) {
              invalid++
              continue
            }
            throw e
          }
          const r = evaluatePlan(model, cluster, plan, options.evaluate ?? {})
          evaluated++
          if (!r.fits) {
            evaluatedNotFitting++
            continue
          }
          kept.push(r)
        }
      }
    }
  }
  kept.sort(
    (a, b) =>
      a.iterationTimeS - b.iterationTimeS || a.memoryPerDeviceBytes.total - b.memoryPerDeviceBytes.total,
  )
  const best = kept[0] ?? null
  return {
    status: best === null ? 'infeasible' : 'optimal',
    best,
    runnersUp: kept.slice(1, top),
    runnersUpExplained: best === null ? [] : explainRunnersUp(best, kept.slice(1, top)),
    objectiveS: best === null ? null : best.iterationTimeS,
    // Exhaustive: the best found is also the bound.
    lowerBoundS: best === null ? null : best.iterationTimeS,
    candidates,
    invalid,
    prunedByMemory: 0,
    prunedByBound: 0,
    evaluated,
    evaluatedNotFitting,
    provedFraction: 1,
    timeS: (performance.now() - started) / 1000,
    method: 'pipedream-2bw',
  }
}
