import type { OpGraph } from '@dnnperf/ir'
import { FormatError, isDnnperfError } from '@dnnperf/ir'
import type { BuildOptions } from '../types.js'
import { buildTransformer } from './build-transformer.js'
import { checkTransformerConfig } from './check-config.js'
import type { TransformerConfig } from './types.js'

const FORMAT = 'huggingface-config'
type Json = Record<string, unknown>

/** Options of {@link fromHuggingFaceConfig}. */
export interface HuggingFaceImportOptions extends BuildOptions {
  /** Graph name. Default: `_name_or_path`, else `model_type`. */
  readonly name?: string
}

const fail = (path: string, detail: string): never => {
  throw new FormatError({ format: FORMAT, path, detail })
}
function int(cfg: Json, key: string, fallback?: number): number {
  const v = cfg[key] ?? fallback
  if (v === undefined || v === null) return fail(key, 'missing required key')
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    return fail(key, `must be a positive integer, got ${JSON.stringify(v)}`)
  return v
}
function bool(cfg: Json, key: string, fallback: boolean): boolean {
  const v = cfg[key]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') return fail(key, `must be a boolean, got ${JSON.stringify(v)}`)
  return v
}
function activation(cfg: Json, key: string, fallback: string): 'gelu' | 'relu' {
  const v = cfg[key] ?? fallback
  if (typeof v !== 'string') return fail(key, `must be a string, got ${JSON.stringify(v)}`)
  if (v === 'relu') return 'relu'
  if (v.startsWith('gelu') || v === 'quick_gelu') return 'gelu'
  return fail(key, `unsupported activation "${v}" (gelu*, relu)`)
}
function heads(cfg: Json, hidden: number, key: string): number {
  const h = int(cfg, key)
  if (hidden % h !== 0) fail(key, `${h} heads do not divide the hidden size ${hidden}`)
  return h
}
function modelType(cfg: Json): string {
  const t = cfg.model_type
  if (typeof t === 'string') return t
  if ('n_embd' in cfg) return 'gpt2'
  if ('num_local_experts' in cfg) return 'mixtral'
  if ('ffn_dim' in cfg) return 'opt'
  if ('type_vocab_size' in cfg) return 'bert'
  if ('rms_norm_eps' in cfg || 'num_key_value_heads' in cfg) return 'llama'
  return fail(
    'model_type',
    'missing, and the other keys match no supported family (gpt2, bert, opt, llama, mistral, mixtral)',
  )
}

/**
 * A {@link TransformerConfig} from a Hugging Face `config.json` (text or parsed object).
 *
 * Supported: `gpt2` (n_embd, n_head, n_layer, n_positions, vocab_size, n_inner, activation_function,
 * tie_word_embeddings), `bert` (hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
 * vocab_size, max_position_embeddings, type_vocab_size), `opt` (… ffn_dim, word_embed_proj_dim,
 * do_layer_norm_before, enable_bias, _remove_final_layer_norm), `llama` and `mistral` (hidden_size,
 * intermediate_size, num_attention_heads, num_key_value_heads, num_hidden_layers, vocab_size, rms_norm_eps,
 * tie_word_embeddings, max_position_embeddings, head_dim) and `mixtral` (… num_local_experts,
 * num_experts_per_tok). The family comes from `model_type`, or from its telltale keys when that is absent.
 * Mistral's sliding window is modelled as dense attention. The default sequence length is
 * min(max positions, 8192).
 *
 * @throws FormatError (`FORMAT_INVALID`) whose `path` names the missing or invalid key (or `$` for text that
 * is not a JSON object); unsupported options that would change the parameter count (Llama attention_bias,
 * mlp_bias) are rejected rather than ignored.
 */
export function transformerConfigFromHuggingFace(config: unknown, name?: string): TransformerConfig {
  let cfg: unknown = config
  if (typeof config === 'string') {
    try {
      cfg = JSON.parse(config)
    } catch (e) {
      fail('$', `not JSON: ${(e as Error).message}`)
    }
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    return fail('$', 'expected a JSON object')
  const c = cfg as Json
  const type = modelType(c)
  const label =
    name ?? (typeof c._name_or_path === 'string' && c._name_or_path !== '' ? c._name_or_path : type)
  let out: TransformerConfig
  switch (type) {
    case 'gpt2': {
      const hidden = int(c, 'n_embd')
      const h = heads(c, hidden, 'n_head')
      const positions = int(c, 'n_positions')
      out = {
        name: label,
        kind: 'decoder',
        naming: 'gpt2',
        hidden,
        layers: int(c, 'n_layer'),
        heads: h,
        kvHeads: h,
        headDim: hidden / h,
        ffnHidden: int(c, 'n_inner', 4 * hidden),
        vocab: int(c, 'vocab_size'),
        maxPositions: positions,
        positions: 'learned',
        positionOffset: 0,
        tokenTypes: 0,
        norm: 'layernorm',
        normPlacement: 'pre',
        activation: activation(c, 'activation_function', 'gelu_new'),
        bias: true,
        fusedQkv: true,
        tieEmbeddings: bool(c, 'tie_word_embeddings', true),
        embeddingNorm: false,
        finalNorm: true,
        embedDim: hidden,
        pooler: false,
        defaultSeqLen: Math.min(positions, 8192),
      }
      break
    }
    case 'bert': {
      const hidden = int(c, 'hidden_size')
      const h = heads(c, hidden, 'num_attention_heads')
      const positions = int(c, 'max_position_embeddings')
      const typeVocab = c.type_vocab_size === 0 ? 0 : int(c, 'type_vocab_size', 2)
      out = {
        name: label,
        kind: 'encoder',
        naming: 'bert',
        hidden,
        layers: int(c, 'num_hidden_layers'),
        heads: h,
        kvHeads: h,
        headDim: hidden / h,
        ffnHidden: int(c, 'intermediate_size'),
        vocab: int(c, 'vocab_size'),
        maxPositions: positions,
        positions: 'learned',
        positionOffset: 0,
        tokenTypes: typeVocab,
        norm: 'layernorm',
        normPlacement: 'post',
        activation: activation(c, 'hidden_act', 'gelu'),
        bias: true,
        fusedQkv: false,
        tieEmbeddings: false,
        embeddingNorm: true,
        finalNorm: false,
        embedDim: hidden,
        pooler: true,
        defaultSeqLen: Math.min(positions, 8192),
      }
      break
    }
    case 'opt': {
      const hidden = int(c, 'hidden_size')
      const h = heads(c, hidden, 'num_attention_heads')
      const positions = int(c, 'max_position_embeddings')
      const pre = bool(c, 'do_layer_norm_before', true)
      out = {
        name: label,
        kind: 'decoder',
        naming: 'opt',
        hidden,
        layers: int(c, 'num_hidden_layers'),
        heads: h,
        kvHeads: h,
        headDim: hidden / h,
        ffnHidden: int(c, 'ffn_dim'),
        vocab: int(c, 'vocab_size'),
        maxPositions: positions,
        positions: 'learned',
        positionOffset: 2,
        tokenTypes: 0,
        norm: 'layernorm',
        normPlacement: pre ? 'pre' : 'post',
        activation: activation(c, 'activation_function', 'relu'),
        bias: bool(c, 'enable_bias', true),
        fusedQkv: false,
        tieEmbeddings: bool(c, 'tie_word_embeddings', true),
        embeddingNorm: false,
        finalNorm: pre && !bool(c, '_remove_final_layer_norm', false),
        embedDim: int(c, 'word_embed_proj_dim', hidden),
        pooler: false,
        defaultSeqLen: Math.min(positions, 8192),
      }
      break
    }
    case 'llama':
    case 'mistral':
    case 'mixtral': {
      const hidden = int(c, 'hidden_size')
      const h = int(c, 'num_attention_heads')
      const kv = int(c, 'num_key_value_heads', h)
      if (h % kv !== 0) fail('num_key_value_heads', `${kv} does not divide num_attention_heads (${h})`)
      const headDim = c.head_dim === undefined || c.head_dim === null ? hidden / h : int(c, 'head_dim')
      if (!Number.isInteger(headDim))
        fail('num_attention_heads', `${h} heads do not divide the hidden size ${hidden}`)
      for (const key of ['attention_bias', 'mlp_bias']) {
        if (bool(c, key, false)) fail(key, 'biases on Llama-family projections are not supported')
      }
      const positions = int(c, 'max_position_embeddings')
      if (c.rms_norm_eps !== undefined && (typeof c.rms_norm_eps !== 'number' || !(c.rms_norm_eps > 0))) {
        fail('rms_norm_eps', `must be a positive number, got ${JSON.stringify(c.rms_norm_eps)}`)
      }
      const moe =
        type === 'mixtral' || 'num_local_experts' in c
          ? { experts: int(c, 'num_local_experts'), topK: int(c, 'num_experts_per_tok') }
          : undefined
      if (moe !== undefined && moe.topK > moe.experts)
        fail('num_experts_per_tok', `${moe.topK} exceeds num_local_experts (${moe.experts})`)
      out = {
        name: label,
        kind: 'decoder',
        naming: moe !== undefined ? 'mixtral' : 'llama',
        hidden,
        layers: int(c, 'num_hidden_layers'),
        heads: h,
        kvHeads: kv,
        headDim,
        ffnHidden: int(c, 'intermediate_size'),
        vocab: int(c, 'vocab_size'),
        maxPositions: positions,
        positions: 'rotary',
        positionOffset: 0,
        tokenTypes: 0,
        norm: 'rmsnorm',
        normPlacement: 'pre',
        activation: 'swiglu',
        bias: false,
        fusedQkv: false,
        tieEmbeddings: bool(c, 'tie_word_embeddings', false),
        embeddingNorm: false,
        finalNorm: true,
        embedDim: hidden,
        pooler: false,
        ...(moe !== undefined ? { moe } : {}),
        defaultSeqLen: Math.min(positions, 8192),
      }
      break
    }
    default:
      return fail('model_type', `unsupported model_type "${type}" (gpt2, bert, opt, llama, mistral, mixtral)`)
  }
  try {
    checkTransformerConfig(out)
  } catch (e) {
    if (isDnnperfError(e) && 'field' in e) fail(String(e.field), e.message)
    throw e
  }
  return out
}

/**
 * The forward graph of the transformer a Hugging Face `config.json` describes, built by {@link buildTransformer}
 * with `options` (batch size, sequence length, dtype).
 *
 * @throws FormatError (`FORMAT_INVALID`) naming the bad key; InvalidValueError (`INVALID_VALUE`) for bad options.
 * @example
 * fromHuggingFaceConfig({ model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 })
 */
export function fromHuggingFaceConfig(config: unknown, options: HuggingFaceImportOptions = {}): OpGraph {
  const { name, ...build } = options
  return buildTransformer(transformerConfigFromHuggingFace(config, name), build)
}
