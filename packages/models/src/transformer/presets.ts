import { positiveInt } from '../internal/options.js'
import type { TransformerConfig } from './types.js'

/** Options of {@link gptConfig}. */
export interface GptConfigOptions {
  readonly hidden: number
  readonly layers: number
  readonly heads: number
  /** Context length: the learned position table's size and the default sequence length. */
  readonly seqLen: number
  readonly vocab: number
  /** Default `gpt-{layers}l-{hidden}h`. */
  readonly name?: string
  /** MLP width. Default `4 · hidden`. */
  readonly ffnHidden?: number
}

/**
 * A GPT-2/GPT-3/Megatron-style decoder config: pre-LayerNorm, fused biased QKV, GELU MLP, learned positions,
 * LM head tied to the token table. Parameters: 12·L·d² + 13·L·d + (V + seqLen)·d + 2·d (for ffn = 4d).
 *
 * @throws InvalidValueError (`INVALID_VALUE`) when a size is not a positive integer or heads do not divide hidden.
 */
export function gptConfig(options: GptConfigOptions): TransformerConfig {
  const name = options.name ?? `gpt-${options.layers}l-${options.hidden}h`
  const hidden = positiveInt(name, 'hidden', options.hidden)
  const heads = positiveInt(name, 'heads', options.heads)
  if (hidden % heads !== 0) positiveInt(name, 'hidden / heads', hidden / heads)
  return {
    name,
    kind: 'decoder',
    naming: 'gpt2',
    hidden,
    layers: options.layers,
    heads,
    kvHeads: heads,
    headDim: hidden / heads,
    ffnHidden: options.ffnHidden ?? 4 * hidden,
    vocab: options.vocab,
    maxPositions: options.seqLen,
    positions: 'learned',
    positionOffset: 0,
    tokenTypes: 0,
    norm: 'layernorm',
    normPlacement: 'pre',
    activation: 'gelu',
    bias: true,
    fusedQkv: true,
    tieEmbeddings: true,
    embeddingNorm: false,
    finalNorm: true,
    embedDim: hidden,
    pooler: false,
    defaultSeqLen: options.seqLen,
  }
}

const GPT2_VOCAB = 50257

function bert(name: string, hidden: number, layers: number, heads: number): TransformerConfig {
  return {
    ...gptConfig({ name, hidden, layers, heads, seqLen: 512, vocab: 30522 }),
    kind: 'encoder',
    naming: 'bert',
    tokenTypes: 2,
    normPlacement: 'post',
    fusedQkv: false,
    tieEmbeddings: false,
    embeddingNorm: true,
    finalNorm: false,
    pooler: true,
  }
}

function opt(name: string, hidden: number, layers: number, heads: number): TransformerConfig {
  return {
    ...gptConfig({ name, hidden, layers, heads, seqLen: 2048, vocab: 50272 }),
    naming: 'opt',
    positionOffset: 2,
    activation: 'relu',
    fusedQkv: false,
  }
}

function llama(
  name: string,
  sizes: {
    hidden: number
    layers: number
    heads: number
    kvHeads: number
    ffn: number
    vocab: number
    context: number
  },
): TransformerConfig {
  return {
    name,
    kind: 'decoder',
    naming: 'llama',
    hidden: sizes.hidden,
    layers: sizes.layers,
    heads: sizes.heads,
    kvHeads: sizes.kvHeads,
    headDim: sizes.hidden / sizes.heads,
    ffnHidden: sizes.ffn,
    vocab: sizes.vocab,
    maxPositions: sizes.context,
    positions: 'rotary',
    positionOffset: 0,
    tokenTypes: 0,
    norm: 'rmsnorm',
    normPlacement: 'pre',
    activation: 'swiglu',
    bias: false,
    fusedQkv: false,
    tieEmbeddings: false,
    embeddingNorm: false,
    finalNorm: true,
    embedDim: sizes.hidden,
    pooler: false,
    defaultSeqLen: Math.min(sizes.context, 8192),
  }
}

/**
 * Published transformer configurations, by registry name.
 *
 * Sources: GPT-2 and BERT, OPT, Llama and Mixtral: the `config.json` of the Hugging Face checkpoints
 * (`gpt2` … `gpt2-xl`, `bert-base-uncased`, `bert-large-uncased`, `facebook/opt-*`, `meta-llama/Llama-2-*-hf`,
 * `meta-llama/Meta-Llama-3-*`, `mistralai/Mixtral-8x7B-v0.1`). GPT-3: Brown et al. 2020, Table 2.1, with two
 * corrections the table needs to be self-consistent: GPT-3 XL uses 16 heads of 128 (the table says 24 heads of
 * 128 in d = 2048) and GPT-3 13B uses d = 5120 (the table says 5140, not a multiple of its 40 heads); GPT-3's
 * alternating locally banded sparse attention is modelled as dense.
 */
export const TRANSFORMER_PRESETS: Readonly<Record<string, TransformerConfig>> = {
  gpt2: gptConfig({ name: 'gpt2', hidden: 768, layers: 12, heads: 12, seqLen: 1024, vocab: GPT2_VOCAB }),
  'gpt2-medium': gptConfig({
    name: 'gpt2-medium',
    hidden: 1024,
    layers: 24,
    heads: 16,
    seqLen: 1024,
    vocab: GPT2_VOCAB,
  }),
  'gpt2-large': gptConfig({
    name: 'gpt2-large',
    hidden: 1280,
    layers: 36,
    heads: 20,
    seqLen: 1024,
    vocab: GPT2_VOCAB,
  }),
  'gpt2-xl': gptConfig({
    name: 'gpt2-xl',
    hidden: 1600,
    layers: 48,
    heads: 25,
    seqLen: 1024,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-125m': gptConfig({
    name: 'gpt3-125m',
    hidden: 768,
    layers: 12,
    heads: 12,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-350m': gptConfig({
    name: 'gpt3-350m',
    hidden: 1024,
    layers: 24,
    heads: 16,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-760m': gptConfig({
    name: 'gpt3-760m',
    hidden: 1536,
    layers: 24,
    heads: 16,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-1.3b': gptConfig({
    name: 'gpt3-1.3b',
    hidden: 2048,
    layers: 24,
    heads: 16,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-2.7b': gptConfig({
    name: 'gpt3-2.7b',
    hidden: 2560,
    layers: 32,
    heads: 32,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-6.7b': gptConfig({
    name: 'gpt3-6.7b',
    hidden: 4096,
    layers: 32,
    heads: 32,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-13b': gptConfig({
    name: 'gpt3-13b',
    hidden: 5120,
    layers: 40,
    heads: 40,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'gpt3-175b': gptConfig({
    name: 'gpt3-175b',
    hidden: 12288,
    layers: 96,
    heads: 96,
    seqLen: 2048,
    vocab: GPT2_VOCAB,
  }),
  'bert-base': bert('bert-base', 768, 12, 12),
  'bert-large': bert('bert-large', 1024, 24, 16),
  'opt-125m': opt('opt-125m', 768, 12, 12),
  // OPT-350m alone projects 512-wide embeddings to 1024 and normalises after each residual add
  'opt-350m': { ...opt('opt-350m', 1024, 24, 16), embedDim: 512, normPlacement: 'post', finalNorm: false },
  'opt-1.3b': opt('opt-1.3b', 2048, 24, 32),
  'opt-2.7b': opt('opt-2.7b', 2560, 32, 32),
  'opt-6.7b': opt('opt-6.7b', 4096, 32, 32),
  'opt-13b': opt('opt-13b', 5120, 40, 40),
  'opt-30b': opt('opt-30b', 7168, 48, 56),
  'opt-66b': opt('opt-66b', 9216, 64, 72),
  'opt-175b': opt('opt-175b', 12288, 96, 96),
  'llama2-7b': llama('llama2-7b', {
    hidden: 4096,
    layers: 32,
    heads: 32,
    kvHeads: 32,
    ffn: 11008,
    vocab: 32000,
    context: 4096,
  }),
  'llama2-13b': llama('llama2-13b', {
    hidden: 5120,
    layers: 40,
    heads: 40,
    kvHeads: 40,
    ffn: 13824,
    vocab: 32000,
    context: 4096,
  }),
  'llama2-70b': llama('llama2-70b', {
    hidden: 8192,
    layers: 80,
    heads: 64,
    kvHeads: 8,
    ffn: 28672,
    vocab: 32000,
    context: 4096,
  }),
  'llama3-8b': llama('llama3-8b', {
    hidden: 4096,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    ffn: 14336,
    vocab: 128256,
    context: 8192,
  }),
  'llama3-70b': llama('llama3-70b', {
    hidden: 8192,
    layers: 80,
    heads: 64,
    kvHeads: 8,
    ffn: 28672,
    vocab: 128256,
    context: 8192,
  }),
  'mixtral-8x7b': {
    ...llama('mixtral-8x7b', {
      hidden: 4096,
      layers: 32,
      heads: 32,
      kvHeads: 8,
      ffn: 14336,
      vocab: 32000,
      context: 32768,
    }),
    naming: 'mixtral',
    moe: { experts: 8, topK: 2 },
    defaultSeqLen: 4096,
  },
}
