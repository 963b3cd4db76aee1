import { describe, expect, it } from 'vitest'
import { bubbleFraction, inFlightMicrobatches, pipelineTimeS, weightVersions } from './schedule.js'

describe('pipeline schedules (parallelism reference §8)', () => {
  it('p = 4, m = 8, t_f = 1, t_b = 2: GPipe = 1F1B = 33, interleaved v = 2: 28.5', () => {
    const per = [3, 3, 3, 3]
    expect(pipelineTimeS('gpipe', per, 8).totalS).toBe(33)
    expect(pipelineTimeS('1f1b', per, 8).totalS).toBe(33)
    expect(pipelineTimeS('interleaved', per, 8, 2).totalS).toBe(28.5)
    expect(pipelineTimeS('2bw', per, 8).totalS).toBe(24)
    expect(pipelineTimeS('1f1b', per, 8).bubbleS).toBe(9)
  })

  it('non-uniform stages: Σ T_j + (m − 1)·max T_j', () => {
    const r = pipelineTimeS('1f1b', [1, 4, 2], 5)
    expect(r.totalS).toBe(7 + 4 * 4)
    expect(r.criticalDevice).toBe(1)
  })

  it('bubble shares of the Korthikanti configurations', () => {
    // 175B: p = 8, m = 64, v = 3 → (p−1)/(v·m) = 3.65 % of ideal, 3.52 % of total.
    const f175 = bubbleFraction('interleaved', 8, 64, 3)
    expect(f175).toBeCloseTo(0.0352, 4)
    expect(f175 / (1 - f175)).toBeCloseTo(7 / 192, 12)
    // 1T: p = 64, m = 512, v = 1 → 12.30 % of ideal, 10.96 % of total.
    expect(bubbleFraction('1f1b', 64, 512)).toBeCloseTo(0.1096, 4)
    expect(bubbleFraction('2bw', 64, 512)).toBe(0)
    expect(bubbleFraction('gpipe', 1, 7)).toBe(0)
  })

  it('in-flight microbatches per stage', () => {
    expect(inFlightMicrobatches('gpipe', 8, 64, 0)).toBe(64)
    expect(inFlightMicrobatches('1f1b', 8, 64, 0)).toBe(8)
    expect(inFlightMicrobatches('1f1b', 8, 64, 7)).toBe(1)
    expect(inFlightMicrobatches('1f1b', 8, 3, 0)).toBe(3)
    // First stage of interleaving: p + (p−1)/v = 8 + 7/3, i.e. the (1 + (p−1)/(p·v)) factor of Korthikanti.
    expect(inFlightMicrobatches('interleaved', 8, 64, 0, 3)).toBeCloseTo(8 * (1 + 7 / 24), 12)
    expect(inFlightMicrobatches('2bw', 4, 8, 1)).toBe(3)
    expect(weightVersions('2bw')).toBe(2)
    expect(weightVersions('interleaved')).toBe(1)
  })
})
