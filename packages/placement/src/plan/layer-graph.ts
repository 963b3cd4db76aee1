import { modelStateBytes, REGIME_BYTES_PER_PARAM, transformerLayerActivationBytes } from '@dnnperf/cost-model'
import { dtypeBytes, InvalidValueError, isDnnperfError, isDType } from '@dnnperf/ir'
import type { PlacementEdge, PlacementNode, PlacementProblem, TensorParallelConfig } from '@dnnperf/ir'
import { resolvePlanCluster } from './clusters.js'
import { evaluatePlanDetailed } from './evaluate.js'
import { embeddingParameters, layerParameters } from './internal/transformer-math.js'
import { resolveTransformerShape } from './shape.js'
import type {
  LayerGraphProblemOptions,
  PlanCluster,
  PlanClusterInput,
  RecomputeMode,
  TransformerShape,
} from './types.js'

const CONFIG_ID: Readonly<Record<RecomputeMode, string>> = {
  none: 'vanilla',
  selective: 'selective recomp',
  full: 'activation recomp',
}

function posInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidValueError({
      at: 'layerGraphProblem options',
      field,
      value: v,
      expected: 'a positive integer',
    })
  }
  return v
}

/**
 * A transformer as a Piper placement problem (a chain embedding → L layers → output) for `planDownsetDp`: per node
 * and tensor width t, one configuration per recomputation mode, costed with the evaluator's per-layer model
 * ({@link evaluatePlan} at t, b): time per sample = (forward + backward + recomputation + exposed tensor-parallel
 * collectives)/b; parameter bytes = the node's parameters/t at the gradient-reduction width; memory = activations
 * per microbatch (Korthikanti Table 2) × in-flight + model states (weights, gradients, optimizer state) of the
 * node. Edges carry one sample's activation, s·h bytes at the compute dtype. Resources: K = gpus, M = device
 * memory, B = the stage-boundary bandwidth, N = globalBatch/b microbatches. Widths that the model cannot take (t
 * not dividing heads) are left out. Heuristic (per-layer closed form). O(L · widths · modes).
 * Not modelled: the recomputed layer's transient activations, tied-embedding copies, ZeRO.
 * @throws InvalidValueError for bad options (b not dividing the batch, no usable width); errors of
 *   `evaluatePlan` for a bad model or cluster.
 */
export function layerGraphProblem(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: LayerGraphProblemOptions,
): PlacementProblem {
  const shape = resolveTransformerShape(model)
  const cluster = resolvePlanCluster(clusterIn)
  const K = posInt('gpus', options.gpus)
  const batch = posInt('globalBatch', options.globalBatch)
  const b = posInt('microbatchSize', options.microbatchSize ?? 1)
  if (batch % b !== 0) {
    throw new InvalidValueError({
      at: 'layerGraphProblem options',
      field: 'microbatchSize',
      value: b,
      expected: `a divisor of the global batch ${batch}`,
    })
  }
  const evalOpts = options.evaluate ?? {}
  const dtype = evalOpts.dtype ?? 'bf16'
  const e = isDType(dtype) ? dtypeBytes(dtype) : 2
  const regime = evalOpts.regime ?? 'megatron-adam'
  if (REGIME_BYTES_PER_PARAM[regime] === undefined) {
    throw new InvalidValueError({
      at: 'layerGraphProblem options',
      field: 'evaluate.regime',
      value: regime,
      expected: Object.keys(REGIME_BYTES_PER_PARAM).join(' | '),
    })
  }
  const gradBytes = evalOpts.gradientReduceBytesPerParam ?? e
  const modes = options.recompute ?? ['none', 'full']
  const candidates =
    options.tensorWidths ??
    Array.from({ length: Math.min(K, cluster.devicesPerNode) }, (_, i) => i + 1).filter(
      // Tensor-parallel groups tile a node (Megatron keeps them on NVLink).
      (t) =>
        cluster.devicesPerNode % t === 0 &&
        shape.heads % t === 0 &&
        shape.kvHeads % t === 0 &&
        shape.ffnHidden % t === 0,
    )
  const L = shape.layers
  const ids = Array.from({ length: L + 2 }, (_, i) => String(i))
  const configs: Record<string, TensorParallelConfig[]>[] = ids.map(() => ({}))
  const lp = layerParameters(shape)
  const ep = embeddingParameters(shape)
  const outParams = (shape.tiedEmbeddings ? 0 : ep.output) + 2 * shape.hidden
  const states = (params: number) => {
    const s = modelStateBytes(params, { regime, zeroStage: 0, dataParallel: 1 })
    return s.weightsBytes + s.gradientsBytes + s.optimizerBytes
  }
  const usable: number[] = []
  for (const t of candidates) {
    const perMode: { mode: RecomputeMode; d: ReturnType<typeof evaluatePlanDetailed>['detail'] }[] = []
    try {
      for (const mode of modes) {
        const { detail } = evaluatePlanDetailed(
          model,
          cluster,
          {
            tensorParallel: t,
            pipelineParallel: 1,
            dataParallel: 1,
            microbatchSize: b,
            microbatches: 1,
            recompute: mode,
          },
          evalOpts,
        )
        perMode.push({ mode, d: detail })
      }
    } catch (err) {
      if (isDnnperfError(err) && (err as { code?: string }).code === 'PLAN_INVALID') continue
      throw err
    }
    usable.push(t)
    const w = String(t)
    ids.forEach((_, i) => {
      configs[i]![w] = perMode.map(({ mode, d }) => {
        const act = transformerLayerActivationBytes({
          seq: shape.seq,
          microBatch: b,
          hidden: shape.hidden,
          heads: shape.heads,
          tensorParallel: t,
          sequenceParallel: false,
          recompute: mode,
          flashAttention: evalOpts.flashAttention ?? false,
        })
        let timeS: number
        let params: number
        let actBytes: number
        if (i === 0) {
          timeS = d.embeddingS.forwardS + d.embeddingS.backwardS + d.embeddingTensorParallelS
          params = ep.input / t
          actBytes = (b * shape.seq * shape.hidden * e) / t
        } else if (i === L + 1) {
          timeS = d.outputS.forwardS + d.outputS.backwardS + d.outputTensorParallelS
          params = outParams / t
          // Final LayerNorm, output-layer input and fp32 logits (Korthikanti §4.3), for one microbatch.
          actBytes = ((4 * b * shape.seq * shape.hidden) / t) * (1 + shape.vocab / shape.hidden)
        } else {
          timeS =
            d.layerS.forwardS +
            d.layerS.backwardS +
            d.layerTensorParallelS.forwardS +
            d.layerTensorParallelS.backwardS
          params = lp / t
          actBytes = act
        }
        return {
          id: CONFIG_ID[mode],
          timePerSampleS: timeS / b,
          parameterBytes: params * gradBytes,
          memoryBytesPerMicrobatch: actBytes,
          memoryBytesFixed: states(params),
          syncBytesIn: i > 0 ? { [String(i - 1)]: 0 } : {},
          syncBytesOut: i <= L ? { [String(i + 1)]: 0 } : {},
        }
      })
    })
  }
  if (usable.length === 0) {
    throw new InvalidValueError({
      at: 'layerGraphProblem options',
      field: 'tensorWidths',
      value: candidates,
      expected: `a width dividing the ${shape.heads} heads`,
    })
  }
  const nodes: PlacementNode[] = ids.map((id, i) => ({
    id,
    name: i === 0 ? 'embedding' : i === L + 1 ? 'output' : 'ParallelTransformerLayer',
    role: 'forward',
    tensorParallel: configs[i]!,
  }))
  const edges: PlacementEdge[] = ids.slice(1).map((id, i) => ({
    from: String(i),
    to: id,
    bytes: shape.seq * shape.hidden * e,
  }))
  return {
    schemaVersion: 1,
    format: 'piper',
    timeUnit: 's',
    nodes,
    edges,
    resources: {
      acceleratorCount: K,
      acceleratorMemoryBytes: cluster.device.offChip.capacityBytes,
      bandwidthBytesPerS:
        options.bandwidthBytesPerS ??
        (K > cluster.devicesPerNode
          ? cluster.interNodeBandwidthBytesPerS
          : cluster.intraNodeBandwidthBytesPerS),
      microbatchCount: batch / b,
    },
  }
}
