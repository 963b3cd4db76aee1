import { summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildTransformerWmt } from './build-transformer-wmt.js'

// post-norm layers with biased projections: attention 4(d² + d), LayerNorm 2d, FFN 2·d·f + f + d
const count = (d: number, f: number, V: number) => {
  const attn = 4 * (d * d + d)
  const ffn = 2 * d * f + f + d
  const encoder = 6 * (attn + ffn + 4 * d)
  const decoder = 6 * (2 * attn + ffn + 6 * d)
  return V * d + encoder + decoder
}

describe('Transformer (WMT)', () => {
  it('big: 176,357,376 + 1024·V parameters with one shared embedding', () => {
    expect(count(1024, 4096, 0)).toBe(176_357_376)
    expect(summarizeModel(buildTransformerWmt({ batchSize: 2, seqLen: 8 })).parameters).toBe(209_911_808)
    expect(summarizeModel(buildTransformerWmt({ batchSize: 2, seqLen: 8, vocab: 37000 })).parameters).toBe(
      count(1024, 4096, 37000),
    )
  })

  it('base: 44,138,496 + 512·V parameters', () => {
    expect(count(512, 2048, 0)).toBe(44_138_496)
    expect(summarizeModel(buildTransformerWmt({ variant: 'base', batchSize: 2, seqLen: 8 })).parameters).toBe(
      count(512, 2048, 32768),
    )
  })

  it('cross-attends target queries to source keys', () => {
    const g = buildTransformerWmt({ batchSize: 2, seqLen: 10, targetLen: 6 })
    const cross = g.nodes.find((n) => n.id === 'decoder.0/cross_attention')!
    expect(cross.inputs.map((t) => t.shape)).toEqual([
      [2, 16, 6, 64],
      [2, 16, 10, 64],
      [2, 16, 10, 64],
    ])
    expect(cross.attrs.causal).toBe(false)
    expect(g.nodes.find((n) => n.id === 'decoder.0/self_attention')!.attrs.causal).toBe(true)
  })
})
