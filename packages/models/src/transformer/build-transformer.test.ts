import { compileOpGraph, deriveTrainingGraph, summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildTransformer } from './build-transformer.js'
import { transformerParameterCounts } from './parameter-counts.js'
import { gptConfig, TRANSFORMER_PRESETS } from './presets.js'

const preset = (name: string) => {
  const c = TRANSFORMER_PRESETS[name]
  if (c === undefined) throw new Error(`no preset ${name}`)
  return c
}
const params = (name: string) => summarizeModel(buildTransformer(preset(name), { seqLen: 8 })).parameters

describe('transformer parameter counts match the published checkpoints', () => {
  // Sums over the Hugging Face model's parameters (buffers such as GPT-2's attn.bias mask excluded).
  it.each([
    ['gpt2', 124_439_808],
    ['gpt2-medium', 354_823_168],
    ['gpt2-large', 774_030_080],
    ['gpt2-xl', 1_557_611_200],
    ['bert-base', 109_482_240],
    ['bert-large', 335_141_888],
    ['opt-125m', 125_239_296],
    ['opt-350m', 331_196_416],
    ['opt-1.3b', 1_315_758_080],
    ['llama2-7b', 6_738_415_616],
    ['llama2-13b', 13_015_864_320],
    ['llama2-70b', 68_976_648_192],
    ['llama3-8b', 8_030_261_248],
    ['llama3-70b', 70_553_706_496],
    ['mixtral-8x7b', 46_702_792_704],
  ])('%s has %d parameters', (name, expected) => {
    expect(params(name)).toBe(expected)
    expect(transformerParameterCounts(preset(name)).total).toBe(expected)
  })

  it('gives GPT-3 175B the closed form 12Ld² + 13Ld + (V + S)d + 2d', () => {
    const L = 96
    const d = 12288
    const expected = 12 * L * d * d + 13 * L * d + (50257 + 2048) * d + 2 * d
    expect(expected).toBe(174_604_259_328)
    expect(params('gpt3-175b')).toBe(expected)
  })

  it('closed-form counts equal the built graphs for every preset', () => {
    for (const [name, c] of Object.entries(TRANSFORMER_PRESETS)) {
      expect([name, transformerParameterCounts(c).total]).toEqual([name, params(name)])
    }
  })
})

describe('transformer structure', () => {
  it('GPT-2 XL forward FLOP ≈ 2·params·seq + 4·L·seq²·d per sample', () => {
    const s = summarizeModel(buildTransformer(preset('gpt2-xl'), { batchSize: 1, seqLen: 1024 }))
    const [L, d, S] = [48, 1600, 1024]
    const approx = 2 * s.parameters * S + 4 * L * S * S * d
    expect(s.forwardFlopsPerSample / approx).toBeGreaterThan(0.99)
    expect(s.forwardFlopsPerSample / approx).toBeLessThan(1.02)
  })

  it('ties GPT-2 lm_head to wte and keeps Llama-2 lm_head separate', () => {
    const g = buildTransformer(preset('gpt2'), { seqLen: 4 })
    const users = g.nodes
      .filter((n) => n.params.some((p) => p.name === 'transformer.wte.weight'))
      .map((n) => n.id)
    expect(users).toEqual(['embed/tokens', 'head/lm_head'])
    expect(g.nodes.some((n) => n.params.some((p) => p.name === 'lm_head.weight'))).toBe(false)
    const head = g.nodes.find((n) => n.id === 'head/lm_head')!
    expect(head.kind).toBe('linear')
    expect(head.attrs.transposeWeight).toBe(true)
    expect(head.inputs.map((t) => t.shape)).toEqual([[1, 4, 768]])
    expect(head.outputs[0]!.shape).toEqual([1, 4, 50257])
    const llama = buildTransformer(preset('llama2-7b'), { seqLen: 4 })
    const lm = llama.nodes.find((n) => n.id === 'head/lm_head')!
    expect(lm.params.map((p) => [p.name, p.shape])).toEqual([['lm_head.weight', [4096, 32000]]])
  })

  it('gives grouped-query attention 8 KV heads in Llama-2-70B', () => {
    const g = buildTransformer(preset('llama2-70b'), { batchSize: 2, seqLen: 16 })
    const k = g.nodes.find((n) => n.id === 'h.0/k')!
    expect(k.params[0]).toMatchObject({ name: 'model.layers.0.self_attn.k_proj.weight', shape: [8192, 1024] })
    const att = g.nodes.find((n) => n.id === 'h.0/attention')!
    expect(att.inputs.map((t) => t.shape)).toEqual([
      [2, 64, 16, 128],
      [2, 8, 16, 128],
      [2, 8, 16, 128],
    ])
    expect(att.attrs.causal).toBe(true)
    expect(att.outputs[0]!.shape).toEqual([2, 64, 16, 128])
  })

  it('uses SwiGLU gate/up/down with silu and mul in Llama', () => {
    const g = buildTransformer(preset('llama2-7b'), { seqLen: 4 })
    const kinds = g.nodes.filter((n) => n.layer === 'h.0').map((n) => n.kind)
    expect(kinds.slice(-7)).toEqual(['rmsnorm', 'linear', 'silu', 'linear', 'mul', 'linear', 'add'])
  })

  it('BERT is bidirectional and post-norm, with the pooler in the head', () => {
    const g = buildTransformer(preset('bert-base'), { batchSize: 2, seqLen: 8 })
    expect(g.nodes.find((n) => n.id === 'h.0/attention')!.attrs.causal).toBe(false)
    const block = g.nodes.filter((n) => n.layer === 'h.0').map((n) => n.kind)
    expect(block.slice(-2)).toEqual(['add', 'layernorm'])
    expect(g.nodes.find((n) => n.id === 'head/pooler')!.outputs[0]!.shape).toEqual([2, 768])
  })

  it('Mixtral: 46.7B total, 12.9B active, top-2 of 8 experts with balanced capacity', () => {
    const c = preset('mixtral-8x7b')
    expect(transformerParameterCounts(c)).toMatchObject({ total: 46_702_792_704, active: 12_879_925_248 })
    const g = buildTransformer(c, { batchSize: 2, seqLen: 12 })
    const dispatch = g.nodes.find((n) => n.id === 'h.0/dispatch')!
    // 24 tokens · top-2 / 8 experts = 6 tokens per expert
    expect(dispatch.outputs.map((t) => t.shape)).toEqual(Array.from({ length: 8 }, () => [6, 4096]))
    expect(g.nodes.find((n) => n.id === 'h.0/topk')!.outputs.map((t) => t.shape)).toEqual([
      [24, 2],
      [24, 2],
    ])
    const w2 = g.nodes.find((n) => n.id === 'h.31/expert.7.down')!
    expect(w2.params[0]!.name).toBe('model.layers.31.block_sparse_moe.experts.7.w2.weight')
  })

  it('gptConfig builds Megatron-style configs with the closed-form count', () => {
    const c = gptConfig({ hidden: 3072, layers: 72, heads: 24, seqLen: 1024, vocab: 51200 })
    const [L, d] = [72, 3072]
    expect(transformerParameterCounts(c).total).toBe(12 * L * d * d + 13 * L * d + (51200 + 1024) * d + 2 * d)
    expect(c.name).toBe('gpt-72l-3072h')
    expect(() => gptConfig({ hidden: 100, layers: 2, heads: 3, seqLen: 8, vocab: 10 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    )
    expect(() => buildTransformer({ ...c, kvHeads: 5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'kvHeads' }),
    )
  })
})

describe('transformer training graphs', () => {
  it.each(['gpt2', 'llama2-7b'])(
    '%s backward costs about twice the forward FLOP, tied head included',
    (name) => {
      const t = compileOpGraph(
        deriveTrainingGraph(buildTransformer(preset(name), { batchSize: 2, seqLen: 128 })),
      )
      const byPhase = [0, 0, 0]
      t.flop.forEach((f, i) => {
        byPhase[t.phase[i]!]! += f
      })
      const [fwd, bwd] = byPhase as [number, number]
      expect(bwd / fwd).toBeGreaterThan(1.95)
      expect(bwd / fwd).toBeLessThan(2.1)
    },
  )

  it('GPT-2 derives the tied head weight gradient as a GEMM of the forward size', () => {
    const t = deriveTrainingGraph(buildTransformer(preset('gpt2'), { batchSize: 2, seqLen: 16 }))
    const dTable = t.nodes.find((n) => n.id === 'head/lm_head:wgrad')!
    expect(dTable.outputs[0]!.shape).toEqual([50257, 768])
    expect(compileOpGraph(t).flop[t.nodes.indexOf(dTable)]).toBe(2 * 32 * 768 * 50257)
    const updates = t.nodes.filter(
      (n) => n.phase === 'optimizer' && n.attrs.param === 'transformer.wte.weight',
    )
    expect(updates).toHaveLength(1)
  })
})
