import { summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildA3c } from './a3c.js'
import { buildWgan } from './wgan.js'

describe('WGAN (DCGAN at 64×64)', () => {
  it('has 3,576,704 generator + 2,765,568 critic parameters (hand count)', () => {
    const k = 16 // 4×4 kernels
    const generator =
      100 * 512 * k + 1024 + 512 * 256 * k + 512 + 256 * 128 * k + 256 + 128 * 64 * k + 128 + 64 * 3 * k
    const critic = 3 * 64 * k + 64 * 128 * k + 256 + 128 * 256 * k + 512 + 256 * 512 * k + 1024 + 512 * k
    expect(generator).toBe(3_576_704)
    expect(critic).toBe(2_765_568)
    const g = buildWgan({ batchSize: 4 })
    expect(summarizeModel(g).parameters).toBe(generator + critic)
    expect(g.nodes.find((n) => n.id === 'G.4/tanh')!.outputs[0]!.shape).toEqual([4, 3, 64, 64])
    expect(g.nodes.find((n) => n.id === 'D.fake.4/conv')!.outputs[0]!.shape).toEqual([4, 1, 1, 1])
  })

  it('applies one critic, with tied weights, to real and generated images', () => {
    const g = buildWgan({ batchSize: 2 })
    const users = g.nodes.filter((n) => n.params.some((p) => p.name === 'D.main.0.weight')).map((n) => n.id)
    expect(users).toEqual(['D.real.0/conv', 'D.fake.0/conv'])
    expect(() => buildWgan({ imageSize: 32 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'imageSize' }),
    )
  })
})

describe('A3C', () => {
  it('has 677,943 parameters for 6 actions (hand count)', () => {
    const expected =
      4 * 16 * 64 + 16 + (16 * 32 * 16 + 32) + (32 * 9 * 9 * 256 + 256) + (256 * 6 + 6) + (256 + 1)
    expect(expected).toBe(677_943)
    expect(summarizeModel(buildA3c({ batchSize: 5 })).parameters).toBe(expected)
    expect(summarizeModel(buildA3c({ actions: 18 })).parameters).toBe(expected + 12 * 257)
  })
})
