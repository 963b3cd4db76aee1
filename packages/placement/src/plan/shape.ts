import { InvalidValueError } from '@dnnperf/ir'
import type { TransformerShape } from './types.js'

/** A shape with every default filled in. */
export interface ResolvedTransformerShape {
  readonly name: string
  readonly layers: number
  readonly hidden: number
  readonly heads: number
  readonly seq: number
  readonly vocab: number
  readonly ffnHidden: number
  readonly kvHeads: number
  readonly gatedMlp: boolean
  readonly tiedEmbeddings: boolean
}

function positiveInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidValueError({ at: 'transformer shape', field, value: v, expected: 'a positive integer' })
  }
  return v
}

/**
 * The shape with defaults filled in (ffn = 4h, kvHeads = heads, plain MLP, tied embeddings), validated. Exact.
 * O(1).
 * @throws InvalidValueError naming the field when a size is not a positive integer, `heads` does not divide
 *   `hidden`, or `kvHeads` does not divide `heads`.
 */
export function resolveTransformerShape(shape: TransformerShape): ResolvedTransformerShape {
  if (typeof shape !== 'object' || shape === null) {
    throw new InvalidValueError({
      at: 'transformer shape',
      field: '(root)',
      value: shape,
      expected: 'an object',
    })
  }
  const layers = positiveInt('layers', shape.layers)
  const hidden = positiveInt('hidden', shape.hidden)
  const heads = positiveInt('heads', shape.heads)
  const seq = positiveInt('seq', shape.seq)
  const vocab = positiveInt('vocab', shape.vocab)
  const ffnHidden = positiveInt('ffnHidden', shape.ffnHidden ?? 4 * hidden)
  const kvHeads = positiveInt('kvHeads', shape.kvHeads ?? heads)
  if (hidden % heads !== 0) {
    throw new InvalidValueError({
      at: 'transformer shape',
      field: 'heads',
      value: heads,
      expected: `a divisor of hidden (${hidden})`,
    })
  }
  if (heads % kvHeads !== 0) {
    throw new InvalidValueError({
      at: 'transformer shape',
      field: 'kvHeads',
      value: kvHeads,
      expected: `a divisor of heads (${heads})`,
    })
  }
  return {
    name: shape.name ?? `transformer-L${layers}-h${hidden}`,
    layers,
    hidden,
    heads,
    seq,
    vocab,
    ffnHidden,
    kvHeads,
    gatedMlp: shape.gatedMlp ?? false,
    tiedEmbeddings: shape.tiedEmbeddings ?? true,
  }
}

const KEYS: Record<keyof Omit<TransformerShape, 'name'>, readonly string[]> = {
  layers: ['layers', 'numLayers', 'num_layers', 'num_hidden_layers', 'n_layer', 'nLayers'],
  hidden: ['hidden', 'hiddenSize', 'hidden_size', 'd_model', 'n_embd', 'dModel'],
  heads: ['heads', 'numHeads', 'num_heads', 'num_attention_heads', 'n_head', 'nHeads'],
  seq: ['seq', 'seqLen', 'sequenceLength', 'seq_length', 'max_position_embeddings', 'n_positions', 'n_ctx'],
  vocab: ['vocab', 'vocabSize', 'vocab_size'],
  ffnHidden: ['ffnHidden', 'ffn', 'ffnSize', 'intermediateSize', 'intermediate_size', 'ffn_dim', 'n_inner'],
  kvHeads: ['kvHeads', 'numKvHeads', 'numKeyValueHeads', 'num_key_value_heads'],
  gatedMlp: ['gatedMlp', 'swiglu'],
  tiedEmbeddings: ['tiedEmbeddings', 'tieEmbeddings', 'tie_word_embeddings'],
}

type JsonRecord = { readonly [k: string]: unknown }

function pick(sources: readonly JsonRecord[], keys: readonly string[]): unknown {
  for (const src of sources) {
    for (const k of keys) {
      const v = src[k]
      if (v !== undefined && v !== null) return v
    }
  }
  return undefined
}

/**
 * A {@link TransformerShape} read from a model graph's `metadata` (or a nested `config`/`transformer` object
 * in it), or from a Hugging Face `config.json`. Accepts dnnperf's camelCase names and the usual Hugging Face
 * names (`hidden_size`, `num_hidden_layers`, `n_embd`, `intermediate_size`, `num_key_value_heads`, …); a
 * `hidden_act` of `silu`/`swiglu` marks a gated MLP. `overrides` (e.g. `seq`) win over the metadata. For a
 * `@dnnperf/models` graph pass `graph.metadata` (its `config` and `seqLen` are read). Exact. O(keys).
 * @throws InvalidValueError naming the missing or invalid field, or `moe` for a mixture-of-experts model.
 */
export function transformerShapeFromMetadata(
  metadata: JsonRecord,
  overrides: Partial<TransformerShape> = {},
): TransformerShape {
  if (typeof metadata !== 'object' || metadata === null) {
    throw new InvalidValueError({
      at: 'model metadata',
      field: '(root)',
      value: metadata,
      expected: 'an object',
    })
  }
  const nested = ['config', 'transformer', 'model']
    .map((k) => metadata[k])
    .filter((v): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v))
  const sources: readonly JsonRecord[] = [metadata, ...nested]
  const num = (field: keyof typeof KEYS): number | undefined => {
    const v = pick(sources, KEYS[field])
    if (v === undefined) return undefined
    if (typeof v !== 'number') {
      throw new InvalidValueError({ at: 'model metadata', field, value: v, expected: 'a number' })
    }
    return v
  }
  const required = (field: 'layers' | 'hidden' | 'heads' | 'seq' | 'vocab'): number => {
    const v = overrides[field] ?? num(field)
    if (v === undefined) {
      throw new InvalidValueError({
        at: 'model metadata',
        field,
        value: undefined,
        expected: `one of ${KEYS[field].join(', ')}`,
      })
    }
    return v
  }
  // A mixture-of-experts model costed as dense would be silently wrong: refuse it until MoE is modelled.
  const moe = pick(sources, ['moe', 'num_local_experts', 'num_experts', 'n_routed_experts'])
  const experts = typeof moe === 'object' && moe !== null ? (moe as JsonRecord).experts : moe
  if (typeof experts === 'number' && experts > 1) {
    throw new InvalidValueError({
      at: 'model metadata',
      field: 'moe',
      value: experts,
      expected: 'a dense model (mixture-of-experts plans are not modelled yet)',
    })
  }
  const act = pick(sources, ['hidden_act', 'activation', 'activation_function'])
  const gated = overrides.gatedMlp ?? pick(sources, KEYS.gatedMlp) ?? (act === 'silu' || act === 'swiglu')
  const tied = overrides.tiedEmbeddings ?? pick(sources, KEYS.tiedEmbeddings)
  const ffn = overrides.ffnHidden ?? num('ffnHidden')
  const kv = overrides.kvHeads ?? num('kvHeads')
  const name = overrides.name ?? pick(sources, ['name', '_name_or_path', 'model_type'])
  const shape: TransformerShape = {
    ...(typeof name === 'string' ? { name } : {}),
    layers: required('layers'),
    hidden: required('hidden'),
    heads: required('heads'),
    seq: required('seq'),
    vocab: required('vocab'),
    ...(ffn !== undefined ? { ffnHidden: ffn } : {}),
    ...(kv !== undefined ? { kvHeads: kv } : {}),
    gatedMlp: gated === true,
    ...(typeof tied === 'boolean' ? { tiedEmbeddings: tied } : {}),
  }
  resolveTransformerShape(shape)
  return shape
}
