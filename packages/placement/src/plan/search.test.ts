import { describe, expect, it } from 'vitest'
import { evaluatePlan } from './evaluate.js'
import { searchPlans } from './search.js'
import type { TransformerShape } from './types.js'

const gpt13b: TransformerShape = {
  name: 'gpt-13b',
  layers: 40,
  hidden: 5120,
  heads: 40,
  seq: 2048,
  vocab: 51200,
}

describe('searchPlans', () => {
  const opts = { gpus: 32, globalBatch: 128, microbatchSizes: [1, 2, 4], top: 3 }
  const found = searchPlans(gpt13b, 'dgx-a100', opts)

  it('returns the fastest fitting plan, its runners-up, and accounts for every candidate', () => {
    expect(found.status).toBe('optimal')
    const best = found.best!
    expect(best.fits).toBe(true)
    expect(found.runnersUp).toHaveLength(2)
    for (const r of found.runnersUp) expect(r.iterationTimeS).toBeGreaterThanOrEqual(best.iterationTimeS)
    expect(found.candidates).toBe(
      found.invalid + found.prunedByMemory + found.prunedByBound + found.evaluated,
    )
    expect(found.provedFraction).toBe(1)
    expect(found.lowerBoundS!).toBeLessThanOrEqual(best.iterationTimeS)
    expect(best.plan.gpus).toBe(32)
    expect(best.plan.globalBatch).toBe(128)
    // Re-evaluating the winner gives the same answer.
    expect(evaluatePlan(gpt13b, 'dgx-a100', best.plan).iterationTimeS).toBe(best.iterationTimeS)
  })

  it('bound pruning never loses the optimum (same best as a search that keeps everything)', () => {
    const all = searchPlans(gpt13b, 'dgx-a100', { ...opts, top: 100000 })
    expect(all.prunedByBound).toBe(0)
    expect(all.best!.iterationTimeS).toBe(found.best!.iterationTimeS)
    expect(found.evaluated).toBeLessThan(all.evaluated)
  })

  it('reports infeasible when nothing fits', () => {
    const huge: TransformerShape = { layers: 8, hidden: 65536, heads: 64, seq: 2048, vocab: 51200 }
    const r = searchPlans(huge, 'dgx-a100', { gpus: 8, globalBatch: 8, top: 1 })
    expect(r.status).toBe('infeasible')
    expect(r.best).toBeNull()
    expect(r.objectiveS).toBeNull()
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })

  it('rejects bad options', () => {
    expect(() => searchPlans(gpt13b, 'dgx-a100', { gpus: 0, globalBatch: 8 })).toThrow(/gpus/)
    expect(() => searchPlans(gpt13b, 'dgx-a100', { gpus: 8, globalBatch: 8, microbatchSizes: [0] })).toThrow(
      /microbatchSizes\[0\]/,
    )
  })
})
