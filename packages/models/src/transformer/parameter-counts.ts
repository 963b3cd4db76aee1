import { checkTransformerConfig } from './check-config.js'
import type { TransformerConfig, TransformerParameterCounts } from './types.js'

/**
 * Parameters of a transformer config in closed form: total (tied tensors once), active per token (MoE: the
 * non-expert parameters plus `topK` experts per block) and embedding tables.
 *
 * Exact for the architectures {@link buildTransformer} builds; tests check it against the built graphs and
 * against published counts. O(1).
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for an inconsistent config.
 */
export function transformerParameterCounts(c: TransformerConfig): TransformerParameterCounts {
  checkTransformerConfig(c)
  const d = c.hidden
  const bias = c.bias ? 1 : 0
  const normParams = c.norm === 'layernorm' ? 2 * d : d
  const qDim = c.heads * c.headDim
  const kvDim = c.kvHeads * c.headDim
  const attention = d * (qDim + 2 * kvDim) + qDim * d + bias * (qDim + 2 * kvDim + d)
  const f = c.ffnHidden
  const swiglu = 3 * d * f + bias * (2 * f + d)
  const dense = c.activation === 'swiglu' ? swiglu : 2 * d * f + bias * (f + d)
  const experts = c.moe?.experts ?? 0
  const mlp = c.moe === undefined ? dense : d * experts + experts * swiglu
  const untiedHead = c.kind === 'decoder' && !c.tieEmbeddings ? c.vocab * c.embedDim : 0
  const embedding =
    c.vocab * c.embedDim +
    (c.positions === 'learned' ? (c.maxPositions + c.positionOffset) * d : 0) +
    c.tokenTypes * d +
    untiedHead
  const total =
    embedding +
    c.layers * (attention + mlp + 2 * normParams) +
    (c.embeddingNorm ? normParams : 0) +
    (c.finalNorm ? normParams : 0) +
    (c.embedDim !== d ? 2 * c.embedDim * d : 0) +
    (c.pooler ? d * d + d : 0)
  const inactive = c.moe === undefined ? 0 : c.layers * (c.moe.experts - c.moe.topK) * swiglu
  return { total, active: total - inactive, embedding }
}
