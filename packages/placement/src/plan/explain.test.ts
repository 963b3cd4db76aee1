import { describe, expect, it } from 'vitest'
import { planPipeDream2bw } from './pipedream-2bw.js'
import { searchPlans } from './search.js'

const gpt3 = { name: 'gpt3-175b', layers: 96, hidden: 12288, heads: 96, seq: 2048, vocab: 51200 }

describe('explainRunnersUp', () => {
  it('accounts for every runner-up: the component differences add up to the time it loses', () => {
    const r = searchPlans(gpt3, 'dgx-a100', { gpus: 1024, globalBatch: 1536, top: 6 })
    expect(r.runnersUpExplained).toHaveLength(r.runnersUp.length)
    expect(r.runnersUp.length).toBeGreaterThan(0)
    r.runnersUpExplained.forEach((c, i) => {
      const other = r.runnersUp[i]!
      expect(c.rank).toBe(i + 2)
      expect(c.slowerByS).toBeGreaterThanOrEqual(0)
      expect(c.slowerByS).toBeCloseTo(other.iterationTimeS - r.best!.iterationTimeS, 12)
      const sum = Object.values(c.differenceS).reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(c.slowerByS, 9)
      expect(c.memoryDifferenceBytes).toBeCloseTo(
        other.memoryPerDeviceBytes.total - r.best!.memoryPerDeviceBytes.total,
        0,
      )
      expect(c.reason).toMatch(/ms slower/)
    })
  })

  it('names the plan fields that differ', () => {
    const r = planPipeDream2bw(
      { name: 'gpt2-xl', layers: 48, hidden: 1600, heads: 25, seq: 1024, vocab: 50257 },
      'dgx-a100',
      { gpus: 64, globalBatch: 1024, top: 4 },
    )
    for (const c of r.runnersUpExplained) {
      expect(c.reason).toMatch(/(tp|pp|dp|microbatch|schedule|recompute|ZeRO|sequence parallel) \S+ → \S+/)
    }
  })
})
