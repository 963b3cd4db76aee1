import type { OpGraph } from '@dnnperf/ir'
import {
  deriveTrainingGraph,
  parseOpGraph,
  serializeOpGraph,
  summarizeModel,
  validateOpGraph,
} from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildModel, listModels, transformerPreset } from './registry.js'

const small = (name: string): OpGraph => {
  const info = listModels().find((m) => m.name === name)!
  // short sequences keep the suite fast; shapes, not sizes, are under test here
  return buildModel(name, {
    batchSize: 2,
    ...(info.defaultSeq !== undefined && info.family !== 'rnn' ? { seqLen: 16 } : {}),
  })
}

describe('model registry', () => {
  it('lists every model the issue names, with defaults and exact counts', () => {
    const names = listModels().map((m) => m.name)
    for (const n of [
      'gpt2',
      'gpt2-medium',
      'gpt2-large',
      'gpt2-xl',
      'gpt3-125m',
      'gpt3-175b',
      'bert-base',
      'bert-large',
      'opt-125m',
      'opt-175b',
      'llama2-7b',
      'llama2-13b',
      'llama2-70b',
      'llama3-8b',
      'llama3-70b',
      'mixtral-8x7b',
      'resnet50',
      'inception-v3',
      'vgg19',
      'densenet121',
      'gnmt',
      'transformer-wmt',
      'deepspeech2',
      'wgan',
      'a3c',
    ]) {
      expect(names).toContain(n)
    }
    const gpt2 = listModels().find((m) => m.name === 'gpt2')!
    expect(gpt2).toMatchObject({ family: 'gpt2', defaultBatch: 1, defaultSeq: 1024, parameters: 124_439_808 })
    expect(listModels().find((m) => m.name === 'resnet50')?.parameters).toBe(25_557_032)
    expect(JSON.parse(JSON.stringify(listModels()))).toEqual(listModels())
  })

  it('throws NotFoundError listing the known names', () => {
    expect(() => buildModel('gpt5')).toThrowError(
      expect.objectContaining({
        code: 'NOT_FOUND',
        key: 'gpt5',
        known: expect.arrayContaining(['gpt2', 'resnet50']),
      }),
    )
  })

  it('rejects bad options with a typed error naming the field', () => {
    expect(() => buildModel('gpt2', { batchSize: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'batchSize' }),
    )
    expect(() => buildModel('gpt2', { seqLen: 1.5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'seqLen' }),
    )
    // GPT-2's learned position table has 1024 rows
    expect(() => buildModel('gpt2', { seqLen: 1025 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'seqLen' }),
    )
    expect(() => buildModel('llama2-7b', { seqLen: 8192 })).not.toThrow()
    expect(() => buildModel('resnet50', { dtype: 'fp12' as never })).toThrowError(
      expect.objectContaining({ field: 'dtype' }),
    )
    expect(() => buildModel('a3c', { imageSize: 19 })).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    )
  })

  it('takes microbatch size and sequence length as parameters', () => {
    const g = buildModel('gpt2', { batchSize: 4, seqLen: 128, dtype: 'fp16' })
    expect(g.metadata).toMatchObject({ batchSize: 4, seqLen: 128, dtype: 'fp16' })
    const ids = g.nodes.find((n) => n.id === 'input_ids')!
    expect(ids.outputs[0]!.shape).toEqual([4, 128])
    const logits = g.nodes.find((n) => n.id === 'head/lm_head')!
    expect(logits.outputs[0]).toEqual({ shape: [4, 128, 50257], dtype: 'fp16' })
  })
})

describe('every zoo model', () => {
  for (const { name } of listModels()) {
    it(`${name} builds, validates and derives a training graph with a weight gradient per parameterised op`, () => {
      const g = small(name)
      expect(() => validateOpGraph(g)).not.toThrow()
      const t = deriveTrainingGraph(g)
      validateOpGraph(t)
      const wgradOf = new Set(t.nodes.filter((n) => n.gradRole === 'weight').map((n) => n.gradOf))
      const parameterised = g.nodes.filter((n) => n.params.length > 0)
      expect(parameterised.length).toBeGreaterThan(0)
      for (const n of parameterised) expect([n.id, wgradOf.has(n.id)]).toEqual([n.id, true])
      const paramNames = new Set(g.nodes.flatMap((n) => n.params.map((p) => p.name)))
      expect(t.nodes.filter((n) => n.phase === 'optimizer').length).toBe(paramNames.size)
      // parameters do not depend on batch or sequence
      const s = summarizeModel(g)
      expect(s.parameters).toBe(listModels().find((m) => m.name === name)!.parameters)
      expect(s.forwardFlopsPerSample).toBeGreaterThan(0)
      expect(s.batchSize).toBe(2)
    })
  }

  it('round-trips a model through JSON', () => {
    const g = deriveTrainingGraph(buildModel('llama3-8b', { batchSize: 1, seqLen: 32 }))
    expect(parseOpGraph(serializeOpGraph(g))).toEqual(g)
  })

  it('labels transformer blocks h.0 … h.{L-1} between embed and head', () => {
    const g = small('gpt2-medium')
    const layers = [...new Set(g.nodes.flatMap((n) => (n.layer === undefined ? [] : [n.layer])))]
    expect(layers).toEqual(['embed', ...Array.from({ length: 24 }, (_, i) => `h.${i}`), 'head'])
    expect(transformerPreset('resnet50')).toBeUndefined()
  })
})
