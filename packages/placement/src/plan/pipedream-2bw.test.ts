import { describe, expect, it } from 'vitest'
import { evaluatePlan } from './evaluate.js'
import { planPipeDream2bw } from './pipedream-2bw.js'
import { searchPlans } from './search.js'
import type { TransformerShape } from './types.js'

// GPT-2 XL-like: 48 layers, h = 1600, 25 heads.
const gpt2xl: TransformerShape = {
  name: 'gpt2-xl',
  layers: 48,
  hidden: 1600,
  heads: 25,
  seq: 1024,
  vocab: 50257,
}
const gpt175: TransformerShape = {
  name: 'gpt3-175b',
  layers: 96,
  hidden: 12288,
  heads: 96,
  seq: 2048,
  vocab: 51200,
}

describe('planPipeDream2bw', () => {
  const r = planPipeDream2bw(gpt2xl, 'dgx-a100-40gb', { gpus: 16, globalBatch: 512 })

  it('enumerates depth × microbatch × recomputation and keeps the fastest fitting plan', () => {
    // 16 GPUs: depths 1, 2, 4, 8, 16 (16 does not divide 48: invalid), b ∈ 6 sizes, r ∈ 2.
    expect(r.candidates).toBe(5 * 6 * 2)
    // Every depth divides 48 and every m = 512/(w·b) is ≥ the depth.
    expect(r.invalid).toBe(0)
    expect(r.evaluated + r.invalid).toBe(r.candidates)
    expect(r.status).toBe('optimal')
    expect(r.method).toBe('pipedream-2bw')
    expect(r.provedFraction).toBe(1)
    const best = r.best!
    expect(best.fits).toBe(true)
    expect(best.plan.tensorParallel).toBe(1)
    expect(['2bw', '1f1b']).toContain(best.plan.schedule)
    for (const x of r.runnersUp) expect(x.iterationTimeS).toBeGreaterThanOrEqual(best.iterationTimeS)
  })

  it('agrees with searchPlans restricted to the same space (t = 1, 2BW, r ∈ {none, full}, no ZeRO)', () => {
    const s = searchPlans(gpt2xl, 'dgx-a100-40gb', {
      gpus: 16,
      globalBatch: 512,
      maxTensorParallel: 1,
      microbatchSizes: [1, 2, 4, 8, 16, 32],
      schedules: ['2bw'],
      recompute: ['none', 'full'],
      zeroStages: [0],
    })
    // searchPlans with only 2BW skips p = 1; the 2BW planner also scores depth 1 (pure data parallelism), which
    // wins here. Its best pipelined plan is searchPlans' optimum.
    const all = planPipeDream2bw(gpt2xl, 'dgx-a100-40gb', { gpus: 16, globalBatch: 512, top: 100 })
    const piped = [all.best!, ...all.runnersUp].find((x) => x.plan.schedule === '2bw')!
    expect(piped.iterationTimeS).toBe(s.objectiveS)
    expect(r.objectiveS!).toBeLessThan(s.objectiveS!)
  })

  it('best plan re-evaluates to the same time', () => {
    expect(evaluatePlan(gpt2xl, 'dgx-a100-40gb', r.best!.plan).iterationTimeS).toBe(r.objectiveS)
  })

  it('infeasible when nothing fits: GPT-3 175B on 2 GPUs', () => {
    const x = planPipeDream2bw(gpt175, 'dgx-a100', { gpus: 2, globalBatch: 8 })
    expect(x.status).toBe('infeasible')
    expect(x.best).toBeNull()
    expect(x.evaluatedNotFitting).toBe(x.evaluated)
  })

  it('rejects bad options', () => {
    expect(() => planPipeDream2bw(gpt2xl, 'dgx-a100', { gpus: 0, globalBatch: 8 })).toThrow(/gpus/)
    expect(() =>
      planPipeDream2bw(gpt2xl, 'dgx-a100', { gpus: 8, globalBatch: 8, recompute: ['sometimes' as 'none'] }),
    ).toThrow(/recompute/)
  })
})
