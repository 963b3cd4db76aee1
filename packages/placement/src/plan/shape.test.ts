import { describe, expect, it } from 'vitest'
import { transformerModelFlops, transformerParameterCount } from './internal/transformer-math.js'
import { resolveTransformerShape, transformerShapeFromMetadata } from './shape.js'

// Narayanan et al. SC21, Table 1: parameters (billions), heads, hidden, layers; s = 2048, V = 51,200.
const SC21_PARAMS: readonly (readonly [number, number, number, number])[] = [
  [1.7, 24, 2304, 24],
  [3.6, 32, 3072, 30],
  [7.5, 32, 4096, 36],
  [18.4, 48, 6144, 40],
  [39.1, 64, 8192, 48],
  [76.1, 80, 10240, 60],
  [145.6, 96, 12288, 80],
  [310.1, 128, 16384, 96],
  [529.6, 128, 20480, 105],
  [1008.0, 160, 25600, 128],
]

describe('transformer shapes', () => {
  it('reproduce the parameter column of SC21 Table 1 as rounded to 0.1 B', () => {
    for (const [billions, heads, hidden, layers] of SC21_PARAMS) {
      const params = transformerParameterCount({ layers, hidden, heads, seq: 2048, vocab: 51200 })
      // The table rounds to 0.1 B (1.652 prints as 1.7).
      expect(Math.abs(params / 1e9 - billions)).toBeLessThan(0.05)
    }
  })

  it('count GQA and SwiGLU layers (Llama-2 7B: 6.74 B parameters, untied)', () => {
    const llama = {
      layers: 32,
      hidden: 4096,
      heads: 32,
      seq: 4096,
      vocab: 32000,
      ffnHidden: 11008,
      gatedMlp: true,
      tiedEmbeddings: false,
    }
    // Our count adds biases and learned positions that Llama lacks: within 0.5 %.
    const params = transformerParameterCount(llama)
    expect(Math.abs(params / 6.738e9 - 1)).toBeLessThan(0.005)
  })

  it('model FLOPs: 6 per parameter per token plus attention, for a GPT shape', () => {
    const shape = { layers: 2, hidden: 64, heads: 4, seq: 16, vocab: 100 }
    // per token: layers·3·(2·12h² + 4sh) + 6hV
    const perToken = 2 * 3 * (2 * 12 * 64 * 64 + 4 * 16 * 64) + 6 * 64 * 100
    expect(transformerModelFlops(shape, 3)).toBe(3 * 16 * perToken)
  })

  it('reads dnnperf metadata and Hugging Face configs', () => {
    const gpt2 = transformerShapeFromMetadata({
      model_type: 'gpt2',
      n_layer: 12,
      n_embd: 768,
      n_head: 12,
      n_positions: 1024,
      vocab_size: 50257,
    })
    expect(gpt2).toMatchObject({
      layers: 12,
      hidden: 768,
      heads: 12,
      seq: 1024,
      vocab: 50257,
      gatedMlp: false,
    })
    const llama = transformerShapeFromMetadata(
      {
        config: {
          hidden_size: 4096,
          intermediate_size: 14336,
          num_attention_heads: 32,
          num_key_value_heads: 8,
          num_hidden_layers: 32,
          max_position_embeddings: 8192,
          vocab_size: 128256,
          hidden_act: 'silu',
          tie_word_embeddings: false,
        },
      },
      { seq: 4096 },
    )
    expect(llama).toMatchObject({
      layers: 32,
      hidden: 4096,
      heads: 32,
      kvHeads: 8,
      ffnHidden: 14336,
      seq: 4096,
      gatedMlp: true,
      tiedEmbeddings: false,
    })
    // The metadata a @dnnperf/models transformer graph carries: run options on top, the config nested.
    const zoo = transformerShapeFromMetadata({
      batchSize: 8,
      seqLen: 2048,
      dtype: 'bf16',
      architecture: 'decoder',
      config: {
        name: 'llama-ish',
        hidden: 4096,
        layers: 32,
        heads: 32,
        kvHeads: 8,
        ffnHidden: 14336,
        vocab: 128256,
        activation: 'swiglu',
        tieEmbeddings: false,
        defaultSeqLen: 8192,
      },
    })
    expect(zoo).toMatchObject({
      name: 'llama-ish',
      seq: 2048,
      kvHeads: 8,
      gatedMlp: true,
      tiedEmbeddings: false,
    })
    expect(() =>
      transformerShapeFromMetadata({
        seqLen: 128,
        config: { hidden: 64, layers: 2, heads: 4, vocab: 100, moe: { experts: 8, topK: 2 } },
      }),
    ).toThrow(/moe/)
    const own = transformerShapeFromMetadata({
      layers: 4,
      hidden: 256,
      heads: 4,
      seq: 128,
      vocab: 1000,
      name: 'tiny',
    })
    expect(own.name).toBe('tiny')
  })

  it('names the missing or bad field', () => {
    expect(() =>
      transformerShapeFromMetadata({ n_layer: 12, n_embd: 768, n_head: 12, vocab_size: 5 }),
    ).toThrow(/seq/)
    expect(() =>
      transformerShapeFromMetadata({ n_layer: '12', n_embd: 768, n_head: 12, n_ctx: 5, vocab_size: 5 }),
    ).toThrow(/layers/)
    expect(() => resolveTransformerShape({ layers: 2, hidden: 100, heads: 3, seq: 8, vocab: 8 })).toThrow(
      /heads/,
    )
    expect(() =>
      resolveTransformerShape({ layers: 2, hidden: 96, heads: 4, kvHeads: 3, seq: 8, vocab: 8 }),
    ).toThrow(/kvHeads/)
    expect(() => resolveTransformerShape({ layers: 2.5, hidden: 96, heads: 4, seq: 8, vocab: 8 })).toThrow(
      /layers/,
    )
  })
})
