import { InvalidValueError } from '@dnnperf/ir'
import type { PlacementEdge, PlacementNode, PlacementProblem, TensorParallelConfig } from '@dnnperf/ir'
import {
  CONFIG_ID,
  defaultBoundaryBandwidth,
  positiveIntegerOption,
  stateBytes,
  transformerCostTable,
} from './internal/layer-costs.js'
import type { LayerGraphProblemOptions, PlanCluster, PlanClusterInput, TransformerShape } from './types.js'

/**
 * A transformer as a Piper placement problem (a chain embedding → L layers → output) for `planDownsetDp`: per node
 * and tensor width t, one configuration per recomputation mode, costed with the evaluator's per-layer model
 * ({@link evaluatePlan} at t, b): time per microbatch = forward + backward + recomputation + exposed
 * tensor-parallel collectives; parameter bytes = the node's parameters/t at the gradient-reduction width; memory =
 * activations per microbatch (Korthikanti Table 2) × in-flight + model states (weights, gradients, optimizer state)
 * of the node. Edges carry one microbatch's activation, b·s·h bytes at the compute dtype. Resources: K = gpus,
 * M = device memory, B = the stage-boundary bandwidth, N = globalBatch/b microbatches. Piper's "sample" is thus one
 * microbatch of b sequences, as in `costPhazeLayerGraph`, so the DP's objective is the bottleneck time per
 * microbatch. Widths that the model cannot take (t not dividing heads) are left out. Heuristic (per-layer closed
 * form). O(L · widths · modes).
 * Not modelled: the recomputed layer's transient activations, tied-embedding copies, ZeRO.
 * @throws InvalidValueError for bad options (b not dividing the batch, no usable width); errors of
 *   `evaluatePlan` for a bad model or cluster.
 */
export function layerGraphProblem(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: LayerGraphProblemOptions,
): PlacementProblem {
  const at = 'layerGraphProblem options'
  const K = positiveIntegerOption(at, 'gpus', options.gpus)
  const batch = positiveIntegerOption(at, 'globalBatch', options.globalBatch)
  const b = positiveIntegerOption(at, 'microbatchSize', options.microbatchSize ?? 1)
  if (batch % b !== 0) {
    throw new InvalidValueError({
      at,
      field: 'microbatchSize',
      value: b,
      expected: `a divisor of the global batch ${batch}`,
    })
  }
  const table = transformerCostTable(model, clusterIn, {
    at,
    gpus: K,
    microbatchSize: b,
    tensorWidths: options.tensorWidths,
    recompute: options.recompute,
    evaluate: options.evaluate,
  })
  const { shape, cluster, elementBytes: e } = table
  const L = shape.layers
  const ids = Array.from({ length: L + 2 }, (_, i) => String(i))
  const configs: Record<string, TensorParallelConfig[]>[] = ids.map(() => ({}))
  for (const { t, modes } of table.widths) {
    const w = String(t)
    ids.forEach((_, i) => {
      configs[i]![w] = modes.map((c) => {
        const [pass, params, actBytes] =
          i === 0
            ? [c.embedding, table.embeddingParameters / t, c.embeddingActivationBytes]
            : i === L + 1
              ? [c.output, table.outputParameters / t, c.outputActivationBytes]
              : [c.layer, table.layerParameters / t, c.layerActivationBytes]
        return {
          id: CONFIG_ID[c.mode],
          timePerSampleS: pass.forwardS + pass.backwardS,
          parameterBytes: params * table.gradientBytesPerParam,
          memoryBytesPerMicrobatch: actBytes,
          memoryBytesFixed: stateBytes(table, params),
          syncBytesIn: i > 0 ? { [String(i - 1)]: 0 } : {},
          syncBytesOut: i <= L ? { [String(i + 1)]: 0 } : {},
        }
      })
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
    bytes: b * shape.seq * shape.hidden * e,
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
      bandwidthBytesPerS: options.bandwidthBytesPerS ?? defaultBoundaryBandwidth(cluster, K),
      microbatchCount: batch / b,
    },
  }
}
