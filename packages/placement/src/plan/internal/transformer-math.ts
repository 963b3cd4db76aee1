/**
 * Parameter and FLOP counts of a decoder transformer with GQA and gated MLPs.
 * TODO(cost-model): `transformerParams` in `@dnnperf/cost-model` covers only the GPT shape and there is no
 * model-FLOPs (MFU) helper yet; generalise `transformerParams` to these shapes and add `transformerModelFlops`
 * there, then import them here and delete this file.
 */

import { resolveTransformerShape } from '../shape.js'
import type { ResolvedTransformerShape } from '../shape.js'
import type { TransformerShape } from '../types.js'

/** Parameters of one transformer layer: QKV (GQA-aware), output projection, MLP, biases and two LayerNorms. */
export function layerParameters(x: ResolvedTransformerShape): number {
  const h = x.hidden
  const kv = (x.kvHeads / x.heads) * h
  const attention = h * (h + 2 * kv) + (h + 2 * kv) + h * h + h
  const mlpMatrices = x.gatedMlp ? 3 : 2
  const mlp = mlpMatrices * h * x.ffnHidden + (x.gatedMlp ? 2 : 1) * x.ffnHidden + h
  return attention + mlp + 4 * h
}

/** Parameters of the input embedding (tokens and learned positions) and, when untied, the output projection. */
export function embeddingParameters(x: ResolvedTransformerShape): { input: number; output: number } {
  const input = x.vocab * x.hidden + x.seq * x.hidden
  return { input, output: x.tiedEmbeddings ? 0 : x.vocab * x.hidden }
}

/**
 * Total parameters of a decoder transformer: L layers, embeddings and the final LayerNorm. For a GPT shape this is
 * 12·L·h²·(1 + 13/(12h) + (V + s)/(12·L·h)) (Narayanan et al. SC21 §5.1), which `transformerParams` in
 * `@dnnperf/cost-model` also computes. Exact for the architecture. O(1).
 * @throws InvalidValueError for an invalid shape.
 */
export function transformerParameterCount(shape: TransformerShape): number {
  const x = resolveTransformerShape(shape)
  const e = embeddingParameters(x)
  return x.layers * layerParameters(x) + e.input + e.output + 2 * x.hidden
}

/**
 * Model FLOPs of one training iteration over `sequences` sequences (forward + backward, no recomputation):
 * per token and layer 3·(2·matrix params + 4·s·h), plus 6·h·V for the logits. For GPT this equals Korthikanti
 * et al.'s 72·B·L·s·h²·(1 + s/(6h) + V/(12hL)) (App. A, Eq. 7). Exact for the formula. O(1).
 * @throws InvalidValueError for an invalid shape.
 */
export function transformerModelFlops(shape: TransformerShape, sequences: number): number {
  const x = resolveTransformerShape(shape)
  return sequences * x.seq * (x.layers * 3 * layerForwardFlopsPerToken(x) + 6 * x.hidden * x.vocab)
}

/** Forward FLOPs per token of one layer: GEMMs 2·(matrix params) plus the attention core 4·s·h. */
export function layerForwardFlopsPerToken(x: ResolvedTransformerShape): number {
  const h = x.hidden
  const kv = (x.kvHeads / x.heads) * h
  const matrixParams = h * (h + 2 * kv) + h * h + (x.gatedMlp ? 3 : 2) * h * x.ffnHidden
  return 2 * matrixParams + 4 * x.seq * h
}
