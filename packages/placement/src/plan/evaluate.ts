import { modelStateBytes, REGIME_BYTES_PER_PARAM, transformerLayerActivationBytes } from '@dnnperf/cost-model'
import { dtypeBytes, InvalidValueError, isDType } from '@dnnperf/ir'
import { resolvePlanCluster } from './clusters.js'
import { InvalidPlanError } from './errors.js'
import { groupCollectiveS, groupPlacement, p2pS } from './internal/collectives.js'
import type { Tier } from './internal/collectives.js'
import { embeddingTime, layerTime, outputTime } from './internal/layer-time.js'
import type { LayerTimeInput, PartTime } from './internal/layer-time.js'
import { resolvePlan } from './plan.js'
import { inFlightMicrobatches, pipelineTimeS, weightVersions } from './schedule.js'
import {
  embeddingParameters,
  layerForwardFlopsPerToken,
  layerParameters,
  transformerModelFlops,
} from './internal/transformer-math.js'
import { resolveTransformerShape } from './shape.js'
import type {
  EvaluatePlanOptions,
  ParallelPlan,
  PlanCluster,
  PlanClusterInput,
  PlanEfficiency,
  PlanEvaluation,
  PlanInput,
  TransformerShape,
} from './types.js'

/**
 * Default efficiencies. `matrix` is fitted by `tools/bench/plan-validate.mjs` on rows 1, 3, 5, 7 and 9 of
 * Megatron-LM SC21 Table 1 (A100 Selene); the other rows and Korthikanti et al. Table 5 are held back
 * (docs/validation.md). Network factors are Calculon's A100 calibration (NVLink 0.65, InfiniBand 0.9;
 * calculon@caa4b11:systems/a100_80g.json); memory 0.8 is an assumption.
 */
export const DEFAULT_PLAN_EFFICIENCY: PlanEfficiency = {
  matrix: 0.68,
  matrixHalfFlops: 0,
  memory: 0.8,
  intraNode: 0.65,
  interNode: 0.9,
}

function efficiencyOf(o: EvaluatePlanOptions): PlanEfficiency {
  const eff = { ...DEFAULT_PLAN_EFFICIENCY, ...o.efficiency }
  if (
    typeof eff.matrixHalfFlops !== 'number' ||
    !Number.isFinite(eff.matrixHalfFlops) ||
    eff.matrixHalfFlops < 0
  ) {
    throw new InvalidValueError({
      at: 'evaluatePlan options',
      field: 'efficiency.matrixHalfFlops',
      value: eff.matrixHalfFlops,
      expected: 'a number ≥ 0',
    })
  }
  for (const [k, v] of Object.entries(eff)) {
    if (k === 'matrixHalfFlops') continue
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1) {
      throw new InvalidValueError({
        at: 'evaluatePlan options',
        field: `efficiency.${k}`,
        value: v,
        expected: 'a number in (0, 1]',
      })
    }
  }
  return eff
}

/** A resolved plan back to an input: balanced stages are re-derived so `balancedStages` survives a round trip. */
function asInput(p: PlanInput | ParallelPlan): PlanInput {
  if (typeof p !== 'object' || p === null || !('balancedStages' in p)) return p
  const { balancedStages, stageLayers, ...rest } = p
  return balancedStages ? rest : { ...rest, stageLayers }
}

/** Per-device per-microbatch pieces of the pipeline. */
interface DeviceTime {
  computeS: number
  tensorParallelS: number
  pipelineS: number
  backwardS: number
}

/**
 * The per-stage pieces behind an evaluation, for lowering a plan to a task graph (lower.ts). Per device and
 * microbatch: forward and backward compute (recomputation in the backward), exposed tensor-parallel collectives
 * of each pass, the first and last model chunk's extra parts; one pipeline message; per-stage data-parallel
 * communication and optimizer step. Internal.
 */
export interface PlanTimingDetail {
  readonly layerS: { readonly forwardS: number; readonly backwardS: number }
  readonly layerTensorParallelS: { readonly forwardS: number; readonly backwardS: number }
  readonly embeddingS: { readonly forwardS: number; readonly backwardS: number }
  readonly outputS: { readonly forwardS: number; readonly backwardS: number }
  readonly embeddingTensorParallelS: number
  readonly outputTensorParallelS: number
  readonly p2pMessageS: number
  /** Per stage: data-parallel communication before overlap, and the extra ZeRO-3 gathers (not overlappable). */
  readonly dataParallelCommS: readonly number[]
  readonly zero3GatherS: readonly number[]
  readonly optimizerS: readonly number[]
  readonly tiedEmbeddingS: number
  readonly overlapGradReduce: boolean
  readonly cluster: PlanCluster
}

/**
 * Predicts one training iteration of a decoder transformer under a 3D-parallel plan: iteration time with a
 * breakdown (compute, tensor-parallel communication, pipeline point-to-point, bubble, data-parallel
 * communication, optimizer step), throughput in samples and tokens per second, MFU and HFU, and peak memory per
 * device (weights, gradients, optimizer state, activations, workspace) with whether it fits. A plan that does not
 * fit is still evaluated (`fits: false`).
 *
 * Model (Narayanan et al. SC21 §2–3; Korthikanti et al. 2022; parallelism reference §7.1): each device's time per
 * microbatch = its layers' GEMMs (cost-model tile/wave model × a matrix efficiency) and element-wise bytes, plus
 * recomputation, plus exposed tensor-parallel collectives (2 all-reduces forward and 2 backward per layer,
 * 2 more with full recomputation, the backward ones hidden behind weight-gradient GEMMs as far as they fit;
 * all-gather/reduce-scatter pairs with SP, same bytes), plus pipeline sends of
 * b·s·h (split t ways with scatter/gather). The pipeline time is m·max_j T_j + (Σ T_j − max T_j)/v (2BW: m·max,
 * no flush). Data-parallel reduction (ring or two-level, by group placement under Megatron's rank order) is exposed
 * unless `overlapGradReduce`; ZeRO-1/2 reduce-scatter gradients and all-gather weights; ZeRO-3 also gathers weights
 * forward and backward for every microbatch. Memory: model states from `modelStateBytes`, activations per layer
 * from Korthikanti Table 2 times the schedule's in-flight microbatches, on the worst stage.
 * Heuristic (closed-form, uniform-per-layer). O(p) plus a few dozen GEMM cost calls.
 * @throws InvalidPlanError naming the field when the plan cannot run; InvalidValueError/NotFoundError for a bad
 *   model, cluster or option (including a dtype the device has no peak for).
 */
export function evaluatePlan(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  planIn: PlanInput | ParallelPlan,
  options: EvaluatePlanOptions = {},
): PlanEvaluation {
  return evaluatePlanDetailed(model, clusterIn, planIn, options).evaluation
}

/** {@link evaluatePlan} plus the per-stage pieces it was built from. Internal (lower.ts). */
export function evaluatePlanDetailed(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  planIn: PlanInput | ParallelPlan,
  options: EvaluatePlanOptions = {},
): { evaluation: PlanEvaluation; detail: PlanTimingDetail } {
  const shape = resolveTransformerShape(model)
  const cluster = resolvePlanCluster(clusterIn)
  const plan = resolvePlan(model, asInput(planIn))
  if (cluster.nodes !== null && plan.gpus > cluster.nodes * cluster.devicesPerNode) {
    throw new InvalidPlanError({
      field: 'gpus',
      value: plan.gpus,
      reason: `cluster ${cluster.name} has ${cluster.nodes * cluster.devicesPerNode} devices`,
    })
  }
  const dtype = options.dtype ?? 'bf16'
  if (!isDType(dtype)) {
    throw new InvalidValueError({
      at: 'evaluatePlan options',
      field: 'dtype',
      value: dtype,
      expected: 'a known dtype such as bf16, fp16, fp8',
    })
  }
  const e = dtypeBytes(dtype)
  const regime = options.regime ?? 'megatron-adam'
  const bpp = REGIME_BYTES_PER_PARAM[regime]
  if (bpp === undefined) {
    throw new InvalidValueError({
      at: 'evaluatePlan options',
      field: 'regime',
      value: regime,
      expected: Object.keys(REGIME_BYTES_PER_PARAM).join(' | '),
    })
  }
  const eff = efficiencyOf(options)
  const gradReduceBytes = options.gradientReduceBytesPerParam ?? e
  if (!Number.isFinite(gradReduceBytes) || gradReduceBytes <= 0) {
    throw new InvalidValueError({
      at: 'evaluatePlan options',
      field: 'gradientReduceBytesPerParam',
      value: gradReduceBytes,
      expected: 'a number > 0',
    })
  }
  const peak = cluster.device.peakFlopPerS[dtype]
  if (peak === undefined || !(peak > 0)) {
    throw new InvalidValueError({
      at: `device ${cluster.device.name}`,
      field: `peakFlopPerS.${dtype}`,
      value: peak,
      expected: 'a peak for the compute dtype',
    })
  }
  const flash = options.flashAttention ?? false
  const scatterGather = options.scatterGather ?? true
  const reserved = options.reservedBytesPerDevice ?? 0
  if (!Number.isFinite(reserved) || reserved < 0) {
    throw new InvalidValueError({
      at: 'evaluatePlan options',
      field: 'reservedBytesPerDevice',
      value: reserved,
      expected: 'a number ≥ 0',
    })
  }

  const { tensorParallel: t, pipelineParallel: p, dataParallel: d, microbatchSize: b, microbatches: m } = plan
  const v = plan.chunksPerDevice
  const intra: Tier = {
    bandwidthBytesPerS: cluster.intraNodeBandwidthBytesPerS * eff.intraNode,
    latencyS: cluster.intraNodeLatencyS,
  }
  const inter: Tier = {
    bandwidthBytesPerS: cluster.interNodeBandwidthBytesPerS * eff.interNode,
    latencyS: cluster.interNodeLatencyS,
  }
  const place = groupPlacement(t, d, cluster.devicesPerNode)

  // ---- time per microbatch on each device ----
  const lt: LayerTimeInput = {
    hw: cluster.device,
    shape,
    dtype,
    elementBytes: e,
    tensorParallel: t,
    microbatchSize: b,
    sequenceParallel: plan.sequenceParallel,
    recompute: plan.recompute,
    flashAttention: flash,
    efficiency: eff,
  }
  const layer = layerTime(lt)
  const emb = embeddingTime(lt)
  const out = outputTime(lt)
  const actBytes = b * shape.seq * shape.hidden * e
  // One all-reduce of b·s·h (or an all-gather + reduce-scatter pair with SP: same ring bytes and steps).
  const tpCollS = groupCollectiveS('all-reduce', t, place.tpPerNode, actBytes, intra, inter)
  // Forward: 2 per layer (2 more when the forward is recomputed). Backward: 2, each hidden behind the weight-gradient
  // GEMM of the column-parallel layer whose input gradient it reduces, unless overlap is switched off.
  const overlapTp = options.overlapTensorParallelBackward ?? true
  const tpBackwardS = overlapTp
    ? layer.backwardOverlapWindowsS.reduce((acc, w) => acc + Math.max(0, tpCollS - w), 0)
    : 2 * tpCollS
  const tpPerLayerS = tpCollS * (2 + (plan.recompute === 'full' ? 2 : 0)) + tpBackwardS
  // Vocabulary-parallel embedding: one all-reduce forward; output layer: one backward.
  const tpEmbS = tpCollS
  const tpOutS = tpCollS
  // Pipeline message per boundary and direction.
  const p2pTier = place.pipelineCrossNode ? inter : intra
  let p2pMsgS = 0
  if (p > 1) {
    if (plan.sequenceParallel) p2pMsgS = p2pS(actBytes / t, p2pTier)
    else if (scatterGather && t > 1)
      p2pMsgS =
        p2pS(actBytes / t, p2pTier) +
        groupCollectiveS('all-gather', t, place.tpPerNode, actBytes, intra, inter)
    else p2pMsgS = p2pS(actBytes, p2pTier)
  }
  const partS = (x: PartTime) => x.forwardS + x.backwardS + x.recomputeS
  const devices: DeviceTime[] = []
  for (let j = 0; j < p; j++) {
    const layers = plan.stageLayers[j]!
    let computeS = layers * partS(layer)
    let backwardS = (layers / v) * (layer.backwardS + layer.recomputeS)
    let tensorParallelS = layers * tpPerLayerS
    if (j === 0) {
      computeS += partS(emb)
      tensorParallelS += tpEmbS
    }
    if (j === p - 1) {
      computeS += partS(out)
      backwardS += out.backwardS
      tensorParallelS += tpOutS
    }
    // Sends per microbatch: one activation forward per chunk (not after the model's last chunk) and one gradient
    // backward per chunk (not before the model's first chunk).
    const sends = p > 1 ? 2 * v - (j === p - 1 ? 1 : 0) - (j === 0 ? 1 : 0) : 0
    devices.push({ computeS, tensorParallelS, pipelineS: sends * p2pMsgS, backwardS })
  }
  const perDevice = devices.map((x) => x.computeS + x.tensorParallelS + x.pipelineS)
  const pipe = pipelineTimeS(plan.schedule, perDevice, m, v)
  const crit = devices[pipe.criticalDevice]!

  // ---- parameters per device (stage j, divided by t) ----
  const lp = layerParameters(shape)
  const ep = embeddingParameters(shape)
  const stageParams = plan.stageLayers.map((layers, j) => {
    let params = layers * lp
    if (j === 0) params += ep.input
    // Tied embeddings: Megatron keeps a copy of the word embedding on the last stage when p > 1.
    if (j === p - 1)
      params +=
        (shape.tiedEmbeddings ? (p > 1 ? shape.vocab * shape.hidden : 0) : ep.output) + 2 * shape.hidden
    return params / t
  })

  // ---- data-parallel communication and optimizer, worst stage ----
  let dpS = 0
  let optS = 0
  const dpCommPerStage: number[] = []
  const z3PerStage: number[] = []
  const optPerStage: number[] = []
  const hbm = cluster.device.offChip.bandwidthBytesPerS * eff.memory
  plan.stageLayers.forEach((_, j) => {
    const params = stageParams[j]!
    const gradBytes = params * gradReduceBytes
    const weightBytes = params * bpp.weights
    let commS = 0
    let z3S = 0
    if (plan.zeroStage === 0) {
      commS = groupCollectiveS('all-reduce', d, place.dpPerNode, gradBytes, intra, inter)
    } else if (plan.zeroStage < 3) {
      // Reduce-scatter the gradients, step on the shard, all-gather the updated weights.
      commS =
        groupCollectiveS('reduce-scatter', d, place.dpPerNode, gradBytes, intra, inter) +
        groupCollectiveS('all-gather', d, place.dpPerNode, weightBytes, intra, inter)
    } else {
      commS = groupCollectiveS('reduce-scatter', d, place.dpPerNode, gradBytes, intra, inter)
      // Weights gathered before each microbatch's forward and backward; prefetching hides them behind that
      // microbatch's compute, so only the excess is exposed.
      const gatherS = groupCollectiveS('all-gather', d, place.dpPerNode, weightBytes, intra, inter)
      z3S = m * Math.max(0, 2 * gatherS - devices[j]!.computeS)
    }
    const window = options.overlapGradReduce ? devices[j]!.backwardS : 0
    dpS = Math.max(dpS, Math.max(0, commS - window) + z3S)
    const localParams = plan.zeroStage >= 1 ? params / d : params
    const stageOptS = (localParams * (2 * bpp.optimizer + bpp.gradients + bpp.weights)) / hbm
    optS = Math.max(optS, stageOptS)
    dpCommPerStage.push(commS)
    z3PerStage.push(z3S)
    optPerStage.push(stageOptS)
  })
  // Tied embeddings across the first and last stage: their gradients are all-reduced once per iteration.
  let tiedS = 0
  if (shape.tiedEmbeddings && p > 1) {
    tiedS = groupCollectiveS(
      'all-reduce',
      2,
      1,
      ((shape.vocab * shape.hidden) / t) * gradReduceBytes,
      intra,
      place.pipelineCrossNode ? inter : intra,
    )
    dpS += tiedS
  }

  const breakdownS = {
    compute: m * crit.computeS,
    tensorParallelComm: m * crit.tensorParallelS,
    pipelineComm: m * crit.pipelineS,
    bubble: pipe.bubbleS,
    dataParallelComm: dpS,
    optimizer: optS,
  }
  const iterationTimeS =
    breakdownS.compute +
    breakdownS.tensorParallelComm +
    breakdownS.pipelineComm +
    breakdownS.bubble +
    breakdownS.dataParallelComm +
    breakdownS.optimizer

  // ---- memory, worst stage ----
  const layerAct = transformerLayerActivationBytes({
    seq: shape.seq,
    microBatch: b,
    hidden: shape.hidden,
    heads: shape.heads,
    tensorParallel: t,
    sequenceParallel: plan.sequenceParallel,
    recompute: plan.recompute,
    flashAttention: flash,
  })
  const layerActNoRecompute =
    plan.recompute === 'none'
      ? layerAct
      : transformerLayerActivationBytes({
          seq: shape.seq,
          microBatch: b,
          hidden: shape.hidden,
          heads: shape.heads,
          tensorParallel: t,
          sequenceParallel: plan.sequenceParallel,
          recompute: 'none',
          flashAttention: flash,
        })
  const sbh = b * shape.seq * shape.hidden
  const versions = weightVersions(plan.schedule)
  const capacity = cluster.device.offChip.capacityBytes
  let best:
    | { total: number; j: number; mem: PlanEvaluation['memoryPerDeviceBytes']; inflight: number }
    | undefined
  plan.stageLayers.forEach((layers, j) => {
    const states = modelStateBytes(stageParams[j]!, { regime, zeroStage: plan.zeroStage, dataParallel: d })
    const inflight = inFlightMicrobatches(plan.schedule, p, m, j, v)
    let activations = layerAct * layers * inflight
    // Korthikanti §4.3: embedding dropout (sbh/t per in-flight microbatch) on the first stage; final LayerNorm,
    // output-layer input and fp32 logits, 4·sbh/t·(1 + V/h), for the one microbatch on the last stage.
    if (j === 0) activations += (sbh / t) * inflight
    if (j === p - 1) activations += ((4 * sbh) / t) * (1 + shape.vocab / shape.hidden)
    // The layer being recomputed needs its full activations during its backward; ZeRO-3 holds one gathered
    // layer of weights plus the next one being prefetched.
    const gathered = plan.zeroStage === 3 ? ((2 * lp) / t) * bpp.weights : 0
    const workspace = (plan.recompute === 'none' ? 0 : layerActNoRecompute) + gathered + reserved
    const weights = states.weightsBytes * versions
    const total = weights + states.gradientsBytes + states.optimizerBytes + activations + workspace
    if (best === undefined || total > best.total) {
      best = {
        total,
        j,
        inflight,
        mem: {
          weights,
          gradients: states.gradientsBytes,
          optimizerState: states.optimizerBytes,
          activations,
          workspace,
          total,
        },
      }
    }
  })
  const peakMem = best!

  const modelFlops = transformerModelFlops(model, plan.globalBatch)
  const recomputeFlopsPerToken =
    plan.recompute === 'full'
      ? layerForwardFlopsPerToken(shape)
      : plan.recompute === 'selective'
        ? 4 * shape.seq * shape.hidden
        : 0
  const hardwareFlops = modelFlops + plan.globalBatch * shape.seq * shape.layers * recomputeFlopsPerToken
  const n = plan.gpus
  const detail: PlanTimingDetail = {
    layerS: { forwardS: layer.forwardS, backwardS: layer.backwardS + layer.recomputeS },
    layerTensorParallelS: {
      forwardS: 2 * tpCollS,
      backwardS: tpCollS * (plan.recompute === 'full' ? 2 : 0) + tpBackwardS,
    },
    embeddingS: { forwardS: emb.forwardS, backwardS: emb.backwardS + emb.recomputeS },
    outputS: { forwardS: out.forwardS, backwardS: out.backwardS + out.recomputeS },
    embeddingTensorParallelS: tpEmbS,
    outputTensorParallelS: tpOutS,
    p2pMessageS: p2pMsgS,
    dataParallelCommS: dpCommPerStage,
    zero3GatherS: z3PerStage,
    optimizerS: optPerStage,
    tiedEmbeddingS: tiedS,
    overlapGradReduce: options.overlapGradReduce ?? false,
    cluster,
  }
  const evaluation: PlanEvaluation = {
    iterationTimeS,
    breakdownS,
    throughputSamplesPerS: plan.globalBatch / iterationTimeS,
    throughputTokensPerS: (plan.globalBatch * shape.seq) / iterationTimeS,
    mfu: modelFlops / (iterationTimeS * n * peak),
    hfu: hardwareFlops / (iterationTimeS * n * peak),
    modelFlopPerSPerDevice: modelFlops / (iterationTimeS * n),
    memoryPerDeviceBytes: peakMem.mem,
    deviceMemoryBytes: capacity,
    fits: peakMem.total <= capacity,
    peakMemoryStage: peakMem.j,
    bubbleFraction: pipe.totalS > 0 ? pipe.bubbleS / pipe.totalS : 0,
    weightVersions: versions,
    inFlightMicrobatches: peakMem.inflight,
    parameters: shape.layers * lp + ep.input + ep.output + 2 * shape.hidden,
    modelFlopsPerIteration: modelFlops,
    hardwareFlopsPerIteration: hardwareFlops,
    plan,
    model: shape.name,
    cluster: cluster.name,
    method: 'closed-form',
  }
  return { evaluation, detail }
}
