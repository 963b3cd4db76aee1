/** How parameters are named, following the Hugging Face state dict of each family. */
export type ParamNaming = 'gpt2' | 'bert' | 'opt' | 'llama' | 'mixtral'

/**
 * A decoder-only or encoder-only transformer. Plain JSON, so configs can be stored in graph metadata.
 *
 * Every field is explicit (no hidden defaults); build one with {@link gptConfig} or a preset such as
 * `TRANSFORMER_PRESETS['llama2-7b']`, or import a Hugging Face `config.json`.
 */
export interface TransformerConfig {
  readonly name: string
  /** `decoder`: causal attention and a language-model head; `encoder`: bidirectional attention (BERT). */
  readonly kind: 'decoder' | 'encoder'
  readonly naming: ParamNaming
  /** Model width d. */
  readonly hidden: number
  readonly layers: number
  /** Query heads. */
  readonly heads: number
  /** Key/value heads: equal to `heads` for multi-head attention, fewer for grouped-query attention. */
  readonly kvHeads: number
  /** Width of one head; `hidden / heads` for every published model here. */
  readonly headDim: number
  /** Inner width of the MLP (per expert for MoE). */
  readonly ffnHidden: number
  readonly vocab: number
  /** Longest sequence the position table holds (learned positions) or the model was trained for (rotary). */
  readonly maxPositions: number
  /** `learned`: a table [maxPositions + positionOffset, d]; `rotary`: RoPE, no parameters. */
  readonly positions: 'learned' | 'rotary'
  /** Extra rows of a learned position table (OPT keeps 2 for padding offsets). */
  readonly positionOffset: number
  /** Token-type (segment) embeddings, BERT: 2; 0 for none. */
  readonly tokenTypes: number
  readonly norm: 'layernorm' | 'rmsnorm'
  /** `pre`: norm before attention and MLP (GPT-2, Llama); `post`: after the residual add (BERT, OPT-350m). */
  readonly normPlacement: 'pre' | 'post'
  /** MLP: GELU or ReLU two-layer MLP, or SwiGLU (gate, up, down with SiLU). */
  readonly activation: 'gelu' | 'relu' | 'swiglu'
  /** Biases on the attention and MLP projections. */
  readonly bias: boolean
  /** One fused QKV projection (GPT-2's c_attn) instead of separate q, k, v projections. */
  readonly fusedQkv: boolean
  /** The LM head reuses the token embedding (GPT-2, OPT); false for Llama-2. */
  readonly tieEmbeddings: boolean
  /** LayerNorm right after the embeddings (BERT). */
  readonly embeddingNorm: boolean
  /** Norm after the last block (GPT-2 ln_f, Llama norm); false for post-norm models. */
  readonly finalNorm: boolean
  /** Width of token embeddings when it differs from `hidden` (OPT-350m: 512, with project_in/out); else `hidden`. */
  readonly embedDim: number
  /** BERT pooler: dense + tanh over the first token. */
  readonly pooler: boolean
  /** Mixture of experts in every block's MLP: `experts` SwiGLU experts, `topK` active per token. */
  readonly moe?: { readonly experts: number; readonly topK: number }
  /** Default sequence length for builders. */
  readonly defaultSeqLen: number
}

/** Parameter counts of a transformer config, computed in closed form. */
export interface TransformerParameterCounts {
  /** Every parameter, tied ones once. */
  readonly total: number
  /** Parameters one token uses: non-expert parameters plus `topK` experts per MoE block. Equals `total` without MoE. */
  readonly active: number
  /** Token, position and token-type tables (and the untied LM head). */
  readonly embedding: number
}
