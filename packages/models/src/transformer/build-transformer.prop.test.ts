import { summarizeModel } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildTransformer } from './build-transformer.js'
import { transformerParameterCounts } from './parameter-counts.js'
import { gptConfig } from './presets.js'

const arbSmallGpt = fc
  .record({
    headDim: fc.integer({ min: 1, max: 8 }),
    heads: fc.integer({ min: 1, max: 4 }),
    layers: fc.integer({ min: 1, max: 3 }),
    seqLen: fc.integer({ min: 1, max: 16 }),
    vocab: fc.integer({ min: 2, max: 64 }),
  })
  .map((r) =>
    gptConfig({
      hidden: r.headDim * r.heads,
      layers: r.layers,
      heads: r.heads,
      seqLen: r.seqLen,
      vocab: r.vocab,
    }),
  )

describe('transformer builder properties', () => {
  it('graph parameters equal the closed form 12Ld² + 13Ld + (V + S)d + 2d', () => {
    fc.assert(
      fc.property(arbSmallGpt, (c) => {
        const d = c.hidden
        const L = c.layers
        const expected = 12 * L * d * d + 13 * L * d + (c.vocab + c.maxPositions) * d + 2 * d
        expect(transformerParameterCounts(c).total).toBe(expected)
        expect(summarizeModel(buildTransformer(c)).parameters).toBe(expected)
      }),
      { numRuns: 40 },
    )
  })

  it('forward FLOP per sample does not depend on the batch size; parameters depend on neither', () => {
    fc.assert(
      fc.property(arbSmallGpt, fc.integer({ min: 2, max: 5 }), (c, batch) => {
        const one = summarizeModel(buildTransformer(c, { batchSize: 1 }))
        const many = summarizeModel(buildTransformer(c, { batchSize: batch }))
        expect(many.forwardFlopsPerSample).toBeCloseTo(one.forwardFlopsPerSample, 6)
        expect(many.parameters).toBe(one.parameters)
      }),
      { numRuns: 30 },
    )
  })

  it('GQA with fewer KV heads never adds parameters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (groups, kvHeads) => {
        const base = {
          ...gptConfig({
            hidden: 8 * groups * kvHeads,
            layers: 1,
            heads: groups * kvHeads,
            seqLen: 4,
            vocab: 16,
          }),
          fusedQkv: false,
        }
        const gqa = { ...base, kvHeads }
        expect(transformerParameterCounts(gqa).total).toBeLessThanOrEqual(
          transformerParameterCounts(base).total,
        )
        expect(summarizeModel(buildTransformer(gqa)).parameters).toBe(transformerParameterCounts(gqa).total)
      }),
      { numRuns: 30 },
    )
  })
})
