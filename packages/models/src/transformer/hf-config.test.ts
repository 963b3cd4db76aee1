import { summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { fromHuggingFaceConfig, transformerConfigFromHuggingFace } from './hf-config.js'
import { transformerParameterCounts } from './parameter-counts.js'

// Abridged copies of the published config.json files (keys that do not affect the architecture dropped).
const GPT2_XL = {
  _name_or_path: 'gpt2-xl',
  activation_function: 'gelu_new',
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 1600,
  n_head: 25,
  n_inner: null,
  n_layer: 48,
  n_positions: 1024,
  vocab_size: 50257,
}
const BERT_LARGE = {
  hidden_act: 'gelu',
  hidden_size: 1024,
  intermediate_size: 4096,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 16,
  num_hidden_layers: 24,
  type_vocab_size: 2,
  vocab_size: 30522,
}
const LLAMA2_7B = {
  hidden_size: 4096,
  intermediate_size: 11008,
  max_position_embeddings: 4096,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 32,
  rms_norm_eps: 1e-5,
  tie_word_embeddings: false,
  vocab_size: 32000,
}
const MIXTRAL = {
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mixtral',
  num_attention_heads: 32,
  num_experts_per_tok: 2,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  rms_norm_eps: 1e-5,
  sliding_window: null,
  tie_word_embeddings: false,
  vocab_size: 32000,
}
const OPT_350M = {
  activation_function: 'relu',
  do_layer_norm_before: false,
  ffn_dim: 4096,
  hidden_size: 1024,
  max_position_embeddings: 2048,
  model_type: 'opt',
  num_attention_heads: 16,
  num_hidden_layers: 24,
  vocab_size: 50272,
  word_embed_proj_dim: 512,
}

const params = (cfg: unknown) => summarizeModel(fromHuggingFaceConfig(cfg, { seqLen: 8 })).parameters

describe('Hugging Face config.json import', () => {
  it('reproduces the published parameter counts', () => {
    expect(params(GPT2_XL)).toBe(1_557_611_200)
    expect(params(BERT_LARGE)).toBe(335_141_888)
    expect(params(LLAMA2_7B)).toBe(6_738_415_616)
    expect(params(MIXTRAL)).toBe(46_702_792_704)
    expect(params(OPT_350M)).toBe(331_196_416)
  })

  it('reads JSON text and names the graph after _name_or_path', () => {
    const g = fromHuggingFaceConfig(JSON.stringify(GPT2_XL), { batchSize: 2, seqLen: 16 })
    expect(g.name).toBe('gpt2-xl')
    expect(g.metadata).toMatchObject({ batchSize: 2, seqLen: 16 })
    expect(fromHuggingFaceConfig(GPT2_XL, { name: 'mine', seqLen: 4 }).name).toBe('mine')
  })

  it('imports Llama-3 GQA and Mistral without model-specific code', () => {
    const llama3 = {
      ...LLAMA2_7B,
      vocab_size: 128256,
      intermediate_size: 14336,
      num_key_value_heads: 8,
      max_position_embeddings: 8192,
    }
    expect(params(llama3)).toBe(8_030_261_248)
    const mistral = { ...llama3, model_type: 'mistral', vocab_size: 32000, sliding_window: 4096 }
    const c = transformerConfigFromHuggingFace(mistral)
    expect(c).toMatchObject({ kvHeads: 8, headDim: 128, naming: 'llama', defaultSeqLen: 8192 })
    expect(transformerParameterCounts(c).total).toBe(7_241_732_096)
  })

  it('infers the family from telltale keys when model_type is absent', () => {
    const { model_type: _gpt, ...gpt } = GPT2_XL
    expect(transformerConfigFromHuggingFace(gpt).naming).toBe('gpt2')
    const { model_type: _mix, ...mix } = MIXTRAL
    expect(transformerConfigFromHuggingFace(mix).moe).toEqual({ experts: 8, topK: 2 })
  })

  it('names the missing or invalid key in a FormatError', () => {
    const { n_embd: _, ...noWidth } = GPT2_XL
    expect(() => fromHuggingFaceConfig(noWidth)).toThrowError(
      expect.objectContaining({ code: 'FORMAT_INVALID', format: 'huggingface-config', path: 'n_embd' }),
    )
    expect(() => fromHuggingFaceConfig({ ...GPT2_XL, n_head: 7 })).toThrowError(
      expect.objectContaining({ path: 'n_head' }),
    )
    expect(() => fromHuggingFaceConfig({ ...LLAMA2_7B, num_key_value_heads: 5 })).toThrowError(
      expect.objectContaining({ path: 'num_key_value_heads' }),
    )
    expect(() => fromHuggingFaceConfig({ ...LLAMA2_7B, vocab_size: '32000' })).toThrowError(
      expect.objectContaining({ path: 'vocab_size' }),
    )
    expect(() => fromHuggingFaceConfig({ ...MIXTRAL, num_experts_per_tok: 9 })).toThrowError(
      expect.objectContaining({ path: 'num_experts_per_tok' }),
    )
    expect(() => fromHuggingFaceConfig({ ...LLAMA2_7B, attention_bias: true })).toThrowError(
      expect.objectContaining({ path: 'attention_bias' }),
    )
    expect(() => fromHuggingFaceConfig({ model_type: 't5', d_model: 512 })).toThrowError(
      expect.objectContaining({ path: 'model_type' }),
    )
    expect(() => fromHuggingFaceConfig('{ not json')).toThrowError(expect.objectContaining({ path: '$' }))
    expect(() => fromHuggingFaceConfig([1, 2])).toThrowError(expect.objectContaining({ path: '$' }))
  })
})
