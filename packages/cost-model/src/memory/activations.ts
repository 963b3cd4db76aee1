import { InvalidValueError } from '@dnnperf/ir'
import { requirePositiveInt } from '../ops/common.js'

/** What is recomputed in the backward pass. */
export type Recompute = 'none' | 'selective' | 'full'

/** One transformer layer's activation setting (Korthikanti et al. 2022 notation). */
export interface TransformerActivationShape {
  /** s: sequence length. */
  readonly seq: number
  /** b: microbatch size. */
  readonly microBatch: number
  /** h: hidden size. */
  readonly hidden: number
  /** a: attention heads. */
  readonly heads: number
  /** t: tensor-parallel degree (default 1). */
  readonly tensorParallel?: number
  /** Shard the LayerNorm/dropout regions along the sequence too (default false). */
  readonly sequenceParallel?: boolean
  /** Default `none`. `selective` recomputes the attention core (softmax, dropout, QKᵀ·V). */
  readonly recompute?: Recompute
  /**
   * FlashAttention-style kernel: the a·s²·b terms vanish and fp32 row statistics (4·a·s·b/t bytes) are kept.
   * Derived, not validated against a measurement. Default false.
   */
  readonly flashAttention?: boolean
}

function dims(x: TransformerActivationShape) {
  const s = requirePositiveInt('activations', 'seq', x.seq)
  const b = requirePositiveInt('activations', 'microBatch', x.microBatch)
  const h = requirePositiveInt('activations', 'hidden', x.hidden)
  const a = requirePositiveInt('activations', 'heads', x.heads)
  const t = requirePositiveInt('activations', 'tensorParallel', x.tensorParallel ?? 1)
  return { s, b, h, a, t }
}

/**
 * Bytes of activations one transformer layer keeps for the backward pass, per device, with 16-bit activations
 * and 1-byte dropout masks:
 * none sbh(34 + 5as/h) · TP sbh(10 + 24/t + 5as/(ht)) · TP+SP sbh/t(34 + 5as/h) · TP+selective sbh(10 + 24/t) ·
 * TP+SP+selective 34sbh/t · full recompute 2sbh (2sbh/t with SP).
 * Source: Korthikanti et al. 2022 (arXiv 2205.05198) §4, Table 2. Exact for the formula. O(1).
 * @throws InvalidValueError for non-positive sizes or an unknown recompute mode.
 */
export function transformerLayerActivationBytes(x: TransformerActivationShape): number {
  const { s, b, h, a, t } = dims(x)
  const sbh = s * b * h
  const sp = x.sequenceParallel ?? false
  const attn = x.flashAttention ? 0 : (5 * a * s) / h
  const flashStats = x.flashAttention ? (4 * a * s * b) / t : 0
  switch (x.recompute ?? 'none') {
    case 'none':
      return (sp ? (sbh / t) * (34 + attn) : sbh * (10 + 24 / t + attn / t)) + flashStats
    case 'selective':
      return (sp ? (34 * sbh) / t : sbh * (10 + 24 / t)) + flashStats
    case 'full':
      return sp ? (2 * sbh) / t : 2 * sbh
    default:
      throw new InvalidValueError({
        at: 'activations',
        field: 'recompute',
        value: x.recompute,
        expected: 'none | selective | full',
      })
  }
}

/** A whole model's first pipeline stage, the one holding the most activations. */
export interface TransformerStageActivationShape extends TransformerActivationShape {
  readonly layers: number
  /** p: pipeline-parallel degree (default 1). */
  readonly pipelineParallel?: number
  /** v: model chunks per device for interleaved 1F1B (default 1 = plain 1F1B). */
  readonly interleave?: number
  /** Microbatches per iteration m (default: ≥ p). */
  readonly microBatches?: number
  readonly vocab: number
  /** Add the embedding dropout, final LayerNorm, output-layer input and fp32 logits (default true). */
  readonly includeEmbeddingAndOutput?: boolean
}

/**
 * Activation bytes held by the first pipeline stage at its peak under 1F1B: L layers' worth (p in-flight
 * microbatches × L/p layers), × (1 + (p−1)/(p·v)) when interleaved with v chunks, × min(1, m/p) when fewer
 * microbatches than stages, plus sbhL/t·(p/L + δ_{p=1}·(4/L)(1 + V/h)) for embedding dropout, last LayerNorm,
 * output-projection input and fp32 logits.
 * Source: Korthikanti et al. 2022 §4.2–4.3; Megatron-LM theoretical_memory_usage.py (in-flight scaling).
 * Exact for the formula. O(1).
 * @throws InvalidValueError for non-positive sizes.
 */
export function transformerStageActivationBytes(x: TransformerStageActivationShape): number {
  const { s, b, h, t } = dims(x)
  const layers = requirePositiveInt('activations', 'layers', x.layers)
  const p = requirePositiveInt('activations', 'pipelineParallel', x.pipelineParallel ?? 1)
  const v = requirePositiveInt('activations', 'interleave', x.interleave ?? 1)
  const vocab = requirePositiveInt('activations', 'vocab', x.vocab)
  const m =
    x.microBatches === undefined ? p : requirePositiveInt('activations', 'microBatches', x.microBatches)
  let total = transformerLayerActivationBytes(x) * layers
  if (v > 1) total *= 1 + (p - 1) / (p * v)
  else if (m < p) total *= m / p
  if (x.includeEmbeddingAndOutput ?? true) {
    const sbh = s * b * h
    total += ((sbh * layers) / t) * (p / layers + (p === 1 ? (4 / layers) * (1 + vocab / h) : 0))
  }
  return total
}
