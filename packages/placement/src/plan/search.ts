import { explainRunnersUp, type RunnerUpComparison } from './explain.js'
import { modelStateBytes, REGIME_BYTES_PER_PARAM, transformerLayerActivationBytes } from '@dnnperf/cost-model'
import { InvalidValueError, isDnnperfError } from '@dnnperf/ir'
import { resolvePlanCluster } from './clusters.js'
import { DEFAULT_PLAN_EFFICIENCY, evaluatePlan } from './evaluate.js'
import { resolvePlan } from './plan.js'
import { inFlightMicrobatches, weightVersions } from './schedule.js'
import {
  layerForwardFlopsPerToken,
  transformerModelFlops,
  transformerParameterCount,
} from './internal/transformer-math.js'
import { resolveTransformerShape } from './shape.js'
import type {
  EvaluatePlanOptions,
  ParallelPlan,
  PipelineScheduleKind,
  PlanCluster,
  PlanClusterInput,
  PlanEvaluation,
  PlanInput,
  RecomputeMode,
  TransformerShape,
  ZeroStage,
} from './types.js'

/** Options of {@link searchPlans}. */
export interface PlanSearchOptions {
  /** Devices n. */
  readonly gpus: number
  /** Sequences per iteration B. */
  readonly globalBatch: number
  /** Largest tensor-parallel degree tried; default the devices per node (SC21 takeaway #1). */
  readonly maxTensorParallel?: number
  /** Microbatch sizes tried; default [1, 2, 4, 8]. */
  readonly microbatchSizes?: readonly number[]
  /** Schedules tried; default gpipe, 1f1b and interleaved (2BW changes the optimizer semantics: opt in). */
  readonly schedules?: readonly PipelineScheduleKind[]
  /** Largest v tried for interleaving; default 8. */
  readonly maxChunksPerDevice?: number
  /** Default none, selective, full. */
  readonly recompute?: readonly RecomputeMode[]
  /** Default [0, 1]. */
  readonly zeroStages?: readonly ZeroStage[]
  /** Sequence parallelism settings tried when t > 1; default [false, true]. */
  readonly sequenceParallel?: readonly boolean[]
  /** Plans returned (best plus runners-up); default 5. */
  readonly top?: number
  /** Passed to every evaluation. */
  readonly evaluate?: EvaluatePlanOptions
}

/** What the search found and how much of the space it proved. Plain JSON. */
export interface PlanSearchResult {
  /** `optimal`: the best fitting plan of the space under the model; `infeasible`: no plan fits. */
  readonly status: 'optimal' | 'infeasible'
  readonly best: PlanEvaluation | null
  /** Next-best fitting plans, fastest first. */
  readonly runnersUp: readonly PlanEvaluation[]
  /** Why each runner-up lost, in the same order: time per breakdown component over the best, and a sentence. */
  readonly runnersUpExplained: readonly RunnerUpComparison[]
  /** Best iteration time, s (null when infeasible). */
  readonly objectiveS: number | null
  /** Smallest compute lower bound over the candidates that passed the memory bound, s (null when none). */
  readonly lowerBoundS: number | null
  /** Combinations enumerated (degrees × microbatch × schedule × recompute × SP × ZeRO). */
  readonly candidates: number
  /** Rejected by the plan rules (divisibility, schedule constraints). */
  readonly invalid: number
  /**
   * Discarded because a lower bound on their memory (model states of the mean stage plus the first stage's layer
   * activations) exceeds the device.
   */
  readonly prunedByMemory: number
  /**
   * Discarded because their time lower bound (hardware FLOPs at the matrix-efficiency ceiling, stretched by the
   * uniform-stage pipeline fill) is no better than the top plans already found.
   */
  readonly prunedByBound: number
  /** Fully evaluated. */
  readonly evaluated: number
  /** Evaluated but over device memory. */
  readonly evaluatedNotFitting: number
  /** Share of valid candidates settled without doubt (evaluated, or pruned by a valid bound): always 1 here. */
  readonly provedFraction: number
  readonly timeS: number
  /** `exhaustive-bounded`: {@link searchPlans}; `pipedream-2bw`: `planPipeDream2bw` (exhaustive over its space). */
  readonly method: 'exhaustive-bounded' | 'pipedream-2bw'
}

function divisors(n: number): number[] {
  const out: number[] = []
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i)
  return out
}

/**
 * Exhaustive search for the fastest fitting 3D-parallel plan of a transformer on n devices at a fixed global
 * batch: tensor degree (dividing the heads, up to `maxTensorParallel`) × pipeline degree (dividing the layers) ×
 * data degree (the rest) × microbatch size × schedule (GPipe, 1F1B, interleaved with each v dividing the layers
 * per stage, optionally 2BW) × recomputation × sequence parallelism × ZeRO stage. Candidates whose memory lower
 * bound (model states plus first-stage activations) overflows the device are dropped; the rest are evaluated with
 * {@link evaluatePlan} in order of a time lower bound (hardware FLOPs per device at the matrix efficiency ceiling,
 * times the uniform-stage fill factor 1 + (p−1)/(v·m)), and the search stops as soon as that bound reaches the
 * `top`-th best time found, which proves the remaining candidates cannot enter the top list.
 * Exact (optimal within the closed-form model and the enumerated space). O(candidates · log candidates) plus one
 * evaluation per surviving candidate.
 * @throws InvalidValueError for bad options; errors of `evaluatePlan` for a bad model or cluster.
 */
export function searchPlans(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: PlanSearchOptions,
): PlanSearchResult {
  const started = performance.now()
  const shape = resolveTransformerShape(model)
  const cluster = resolvePlanCluster(clusterIn)
  const posInt = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new InvalidValueError({
        at: 'searchPlans options',
        field,
        value: v,
        expected: 'a positive integer',
      })
    }
    return v
  }
  const n = posInt('gpus', options.gpus)
  const B = posInt('globalBatch', options.globalBatch)
  const top = posInt('top', options.top ?? 5)
  const maxT = posInt('maxTensorParallel', options.maxTensorParallel ?? cluster.devicesPerNode)
  const maxV = posInt('maxChunksPerDevice', options.maxChunksPerDevice ?? 8)
  const mbs = (options.microbatchSizes ?? [1, 2, 4, 8]).map((b, i) => posInt(`microbatchSizes[${i}]`, b))
  const schedules = options.schedules ?? ['gpipe', '1f1b', 'interleaved']
  const recomputes = options.recompute ?? ['none', 'selective', 'full']
  const zeros = options.zeroStages ?? [0, 1]
  const sps = options.sequenceParallel ?? [false, true]
  const evalOpts = options.evaluate ?? {}
  const regime = evalOpts.regime ?? 'megatron-adam'
  if (REGIME_BYTES_PER_PARAM[regime] === undefined) {
    throw new InvalidValueError({
      at: 'searchPlans options',
      field: 'evaluate.regime',
      value: regime,
      expected: Object.keys(REGIME_BYTES_PER_PARAM).join(' | '),
    })
  }
  const dtype = evalOpts.dtype ?? 'bf16'
  const peak = cluster.device.peakFlopPerS[dtype]
  if (peak === undefined || !(peak > 0)) {
    throw new InvalidValueError({
      at: `device ${cluster.device.name}`,
      field: `peakFlopPerS.${dtype}`,
      value: peak,
      expected: 'a peak for the compute dtype',
    })
  }
  const etaMax = { ...DEFAULT_PLAN_EFFICIENCY, ...evalOpts.efficiency }.matrix
  const capacity = cluster.device.offChip.capacityBytes
  const totalParams = transformerParameterCount(model)
  const modelFlops = transformerModelFlops(model, B)

  let candidates = 0
  let invalid = 0
  let prunedByMemory = 0
  const queue: { plan: ParallelPlan; lowerBoundS: number }[] = []
  const push = (input: PlanInput) => {
    candidates++
    let plan: ParallelPlan
    try {
      plan = resolvePlan(model, input)
    } catch (e) {
      if (isDnnperfError(e)) {
        invalid++
        return
      }
      throw e
    }
    // Memory lower bound: model states of the mean stage (the worst stage holds at least as many parameters).
    const states = modelStateBytes(totalParams / (plan.tensorParallel * plan.pipelineParallel), {
      regime,
      zeroStage: plan.zeroStage,
      dataParallel: plan.dataParallel,
    })
    const statesLb =
      states.weightsBytes * weightVersions(plan.schedule) + states.gradientsBytes + states.optimizerBytes
    // Plus the first stage's layer activations at its peak in-flight count (the evaluator adds more on top).
    const layerAct = transformerLayerActivationBytes({
      seq: shape.seq,
      microBatch: plan.microbatchSize,
      hidden: shape.hidden,
      heads: shape.heads,
      tensorParallel: plan.tensorParallel,
      sequenceParallel: plan.sequenceParallel,
      recompute: plan.recompute,
      flashAttention: evalOpts.flashAttention ?? false,
    })
    const inflight = inFlightMicrobatches(
      plan.schedule,
      plan.pipelineParallel,
      plan.microbatches,
      0,
      plan.chunksPerDevice,
    )
    const memoryLb = statesLb + layerAct * plan.stageLayers[0]! * inflight
    if (memoryLb > capacity) {
      prunedByMemory++
      return
    }
    const recomputeFlops =
      plan.recompute === 'full'
        ? layerForwardFlopsPerToken(shape)
        : plan.recompute === 'selective'
          ? 4 * shape.seq * shape.hidden
          : 0
    const hwFlops = modelFlops + B * shape.seq * shape.layers * recomputeFlops
    // Compute at the efficiency ceiling, stretched by the fill/drain of uniform stages: the evaluator's
    // m·max T + (Σ T − max T)/v is at least (m + (p−1)/v)·mean T. 0.99: head and vocabulary shards are rounded
    // to whole columns per device.
    const computeLb = (0.99 * hwFlops) / (n * peak * etaMax)
    const p = plan.pipelineParallel
    const fill = plan.schedule === '2bw' ? 1 : 1 + (p - 1) / (plan.chunksPerDevice * plan.microbatches)
    queue.push({ plan, lowerBoundS: computeLb * fill })
  }
  for (const t of divisors(n)) {
    if (t > maxT || shape.heads % t !== 0) continue
    for (const p of divisors(n / t)) {
      if (p > shape.layers || shape.layers % p !== 0) continue
      const d = n / (t * p)
      for (const b of mbs) {
        for (const schedule of schedules) {
          if (p === 1 && schedule !== '1f1b') continue
          const vs =
            schedule === 'interleaved' ? divisors(shape.layers / p).filter((v) => v >= 2 && v <= maxV) : [1]
          for (const v of vs) {
            for (const recompute of recomputes) {
              for (const sequenceParallel of t > 1 ? sps : [false]) {
                for (const zeroStage of d > 1 ? zeros : [0 as ZeroStage]) {
                  push({
                    gpus: n,
                    tensorParallel: t,
                    pipelineParallel: p,
                    dataParallel: d,
                    microbatchSize: b,
                    globalBatch: B,
                    schedule,
                    chunksPerDevice: v,
                    recompute,
                    sequenceParallel,
                    zeroStage,
                  })
                }
              }
            }
          }
        }
      }
    }
  }
  queue.sort((a, b) => a.lowerBoundS - b.lowerBoundS)
  const kept: PlanEvaluation[] = []
  let evaluated = 0
  let evaluatedNotFitting = 0
  let prunedByBound = 0
  for (let i = 0; i < queue.length; i++) {
    const c = queue[i]!
    const kth = kept.length >= top ? kept[top - 1]!.iterationTimeS : Number.POSITIVE_INFINITY
    if (c.lowerBoundS >= kth) {
      prunedByBound = queue.length - i
      break
    }
    const r = evaluatePlan(model, cluster, c.plan, evalOpts)
    evaluated++
    if (!r.fits) {
      evaluatedNotFitting++
      continue
    }
    kept.push(r)
    kept.sort(
      (a, b) =>
        a.iterationTimeS - b.iterationTimeS || a.memoryPerDeviceBytes.total - b.memoryPerDeviceBytes.total,
    )
    if (kept.length > top) kept.length = top
  }
  const best = kept[0] ?? null
  const valid = candidates - invalid
  return {
    status: best === null ? 'infeasible' : 'optimal',
    best,
    runnersUp: kept.slice(1),
    runnersUpExplained: best === null ? [] : explainRunnersUp(best, kept.slice(1)),
    objectiveS: best === null ? null : best.iterationTimeS,
    lowerBoundS: queue.length > 0 ? queue[0]!.lowerBoundS : null,
    candidates,
    invalid,
    prunedByMemory,
    prunedByBound,
    evaluated,
    evaluatedNotFitting,
    provedFraction: valid === 0 ? 1 : (evaluated + prunedByBound + prunedByMemory) / valid,
    timeS: (performance.now() - started) / 1000,
    method: 'exhaustive-bounded',
  }
}
