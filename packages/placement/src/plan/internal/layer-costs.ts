/**
 * Per-microbatch costs of a transformer's three node classes (embedding, one decoder layer, output layer) at each
 * tensor-parallel width and recomputation mode, from the plan evaluator's per-layer model. Shared by
 * `layerGraphProblem` (a Piper chain built from the shape) and `costPhazeLayerGraph` (a PHAZE DOT layer graph
 * costed with the same model), so both builders give a layer the same time.
 */

import { modelStateBytes, REGIME_BYTES_PER_PARAM, transformerLayerActivationBytes } from '@dnnperf/cost-model'
import { dtypeBytes, InvalidValueError, isDnnperfError, isDType } from '@dnnperf/ir'
import { resolvePlanCluster } from '../clusters.js'
import { evaluatePlanDetailed } from '../evaluate.js'
import { resolveTransformerShape } from '../shape.js'
import type { OptimizerRegime } from '@dnnperf/cost-model'
import type { ResolvedTransformerShape } from '../shape.js'
import type {
  EvaluatePlanOptions,
  PlanCluster,
  PlanClusterInput,
  RecomputeMode,
  TransformerShape,
} from '../types.js'
import { embeddingParameters, layerParameters } from './transformer-math.js'

/** Forward and backward time of one node for one microbatch, s. */
export interface PassTimes {
  /** Forward compute plus the forward tensor-parallel collectives. */
  readonly forwardS: number
  /** Backward compute (with recomputation) plus the exposed backward tensor-parallel collectives. */
  readonly backwardS: number
}

/** Costs of the three node classes at one width and recomputation mode, per microbatch of b sequences. */
export interface ModeCosts {
  readonly mode: RecomputeMode
  readonly embedding: PassTimes
  readonly layer: PassTimes
  readonly output: PassTimes
  /** Activation bytes one microbatch leaves on a device: one layer (Korthikanti Table 2 for this mode). */
  readonly layerActivationBytes: number
  /** Embedding output b·s·h/t at the compute dtype. */
  readonly embeddingActivationBytes: number
  /** Final norm, output-layer input and fp32 logits (Korthikanti §4.3): 4·b·s·h/t·(1 + V/h). */
  readonly outputActivationBytes: number
}

/** Costs at one tensor-parallel width, one entry per requested recomputation mode (in request order). */
export interface WidthCosts {
  readonly t: number
  readonly modes: readonly ModeCosts[]
}

/** Everything the problem builders need from the model, resolved once. */
export interface TransformerCostTable {
  readonly shape: ResolvedTransformerShape
  readonly cluster: PlanCluster
  /** Bytes per element of the compute dtype. */
  readonly elementBytes: number
  /** Bytes per parameter in the data-parallel gradient reduction. */
  readonly gradientBytesPerParam: number
  readonly regime: OptimizerRegime
  /** Unsplit parameter counts: one decoder layer, the input embedding, the output layer with the final norm. */
  readonly layerParameters: number
  readonly embeddingParameters: number
  readonly outputParameters: number
  /** Usable widths, ascending as requested; a width the evaluator rejects is left out. */
  readonly widths: readonly WidthCosts[]
  /** Widths tried. */
  readonly candidates: readonly number[]
}

/** Options of {@link transformerCostTable}. */
export interface CostTableOptions {
  /** Error location prefix, e.g. `layerGraphProblem options`. */
  readonly at: string
  /** Devices K: default widths are at most K. */
  readonly gpus: number
  /** b, sequences per microbatch. */
  readonly microbatchSize: number
  readonly tensorWidths?: readonly number[] | undefined
  readonly recompute?: readonly RecomputeMode[] | undefined
  readonly evaluate?: EvaluatePlanOptions | undefined
}

/** Model-state bytes (weights, gradients, optimizer state) of `params` parameters under the table's regime. */
export function stateBytes(table: TransformerCostTable, params: number): number {
  const s = modelStateBytes(params, { regime: table.regime, zeroStage: 0, dataParallel: 1 })
  return s.weightsBytes + s.gradientsBytes + s.optimizerBytes
}

/**
 * Per-width, per-mode costs of the embedding, one decoder layer and the output layer for microbatches of b
 * sequences: {@link evaluatePlanDetailed} at (t, p = 1, d = 1, b, one microbatch, mode). Default widths: every
 * divisor of the devices per node up to K dividing heads, kv heads and the MLP width (Megatron keeps
 * tensor-parallel groups on NVLink). Heuristic (the evaluator's closed form). O(widths · modes).
 * @throws InvalidValueError (`at` names the caller) for an unknown regime or when no width is usable; errors of
 *   `evaluatePlan` for a bad model or cluster.
 */
export function transformerCostTable(
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: CostTableOptions,
): TransformerCostTable {
  const shape = resolveTransformerShape(model)
  const cluster = resolvePlanCluster(clusterIn)
  const evalOpts = options.evaluate ?? {}
  const b = options.microbatchSize
  const dtype = evalOpts.dtype ?? 'bf16'
  const e = isDType(dtype) ? dtypeBytes(dtype) : 2
  const regime = evalOpts.regime ?? 'megatron-adam'
  if (REGIME_BYTES_PER_PARAM[regime] === undefined) {
    throw new InvalidValueError({
      at: options.at,
      field: 'evaluate.regime',
      value: regime,
      expected: Object.keys(REGIME_BYTES_PER_PARAM).join(' | '),
    })
  }
  const modes = options.recompute ?? ['none', 'full']
  const candidates =
    options.tensorWidths ??
    Array.from({ length: Math.min(options.gpus, cluster.devicesPerNode) }, (_, i) => i + 1).filter(
      (t) =>
        cluster.devicesPerNode % t === 0 &&
        shape.heads % t === 0 &&
        shape.kvHeads % t === 0 &&
        shape.ffnHidden % t === 0,
    )
  const ep = embeddingParameters(shape)
  const widths: WidthCosts[] = []
  for (const t of candidates) {
    const perMode: ModeCosts[] = []
    try {
      for (const mode of modes) {
        const { detail: d } = evaluatePlanDetailed(
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
        perMode.push({
          mode,
          // Vocabulary-parallel embedding: its all-reduce is in the forward; the output layer's in the backward.
          embedding: {
            forwardS: d.embeddingS.forwardS + d.embeddingTensorParallelS,
            backwardS: d.embeddingS.backwardS,
          },
          layer: {
            forwardS: d.layerS.forwardS + d.layerTensorParallelS.forwardS,
            backwardS: d.layerS.backwardS + d.layerTensorParallelS.backwardS,
          },
          output: {
            forwardS: d.outputS.forwardS,
            backwardS: d.outputS.backwardS + d.outputTensorParallelS,
          },
          layerActivationBytes: transformerLayerActivationBytes({
            seq: shape.seq,
            microBatch: b,
            hidden: shape.hidden,
            heads: shape.heads,
            tensorParallel: t,
            sequenceParallel: false,
            recompute: mode,
            flashAttention: evalOpts.flashAttention ?? false,
          }),
          embeddingActivationBytes: (b * shape.seq * shape.hidden * e) / t,
          outputActivationBytes: ((4 * b * shape.seq * shape.hidden) / t) * (1 + shape.vocab / shape.hidden),
        })
      }
    } catch (err) {
      if (isDnnperfError(err) && (err as { code?: string }).code === 'PLAN_INVALID') continue
      throw err
    }
    widths.push({ t, modes: perMode })
  }
  if (widths.length === 0) {
    throw new InvalidValueError({
      at: options.at,
      field: 'tensorWidths',
      value: candidates,
      expected: `a width dividing the ${shape.heads} heads`,
    })
  }
  return {
    shape,
    cluster,
    elementBytes: e,
    gradientBytesPerParam: evalOpts.gradientReduceBytesPerParam ?? e,
    regime,
    layerParameters: layerParameters(shape),
    embeddingParameters: ep.input,
    outputParameters: (shape.tiedEmbeddings ? 0 : ep.output) + 2 * shape.hidden,
    widths,
    candidates,
  }
}

/** Piper configuration ids of the recomputation modes (Piper's BERT file names the first and last). */
export const CONFIG_ID: Readonly<Record<RecomputeMode, string>> = {
  none: 'vanilla',
  selective: 'selective recomp',
  full: 'activation recomp',
}

/** `v` as a positive integer, or InvalidValueError naming `field` of the options at `at`. */
export function positiveIntegerOption(at: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidValueError({ at, field, value: v, expected: 'a positive integer' })
  }
  return v
}

/** Default stage-boundary bandwidth: the scale-out share when K exceeds a node, else scale-up. */
export function defaultBoundaryBandwidth(cluster: PlanCluster, gpus: number): number {
  return gpus > cluster.devicesPerNode
    ? cluster.interNodeBandwidthBytesPerS
    : cluster.intraNodeBandwidthBytesPerS
}
