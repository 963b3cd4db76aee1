import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bubbleFraction, inFlightMicrobatches, pipelineTimeS } from './schedule.js'

const pArb = fc.integer({ min: 2, max: 64 })
const mArb = fc.integer({ min: 1, max: 512 })
const vArb = fc.integer({ min: 2, max: 8 })
const tArb = fc.double({ min: 1e-4, max: 10, noNaN: true })

describe('schedule properties', () => {
  it('bubble share equals (p−1)/(m+p−1) for GPipe/1F1B and (p−1)/(v·m+p−1) interleaved on uniform stages', () => {
    fc.assert(
      fc.property(pArb, mArb, vArb, tArb, (p, m, v, t) => {
        const per = new Array<number>(p).fill(t)
        for (const s of ['gpipe', '1f1b'] as const) {
          const r = pipelineTimeS(s, per, m)
          expect(r.bubbleS / r.totalS).toBeCloseTo((p - 1) / (m + p - 1), 9)
          expect(bubbleFraction(s, p, m)).toBeCloseTo((p - 1) / (m + p - 1), 12)
        }
        const r = pipelineTimeS('interleaved', per, m, v)
        expect(r.bubbleS / r.totalS).toBeCloseTo((p - 1) / (v * m + p - 1), 9)
        expect(bubbleFraction('interleaved', p, m, v)).toBeCloseTo((p - 1) / (v * m + p - 1), 12)
      }),
    )
  })

  it('the bubble share falls strictly as microbatches grow', () => {
    fc.assert(
      fc.property(pArb, mArb, vArb, (p, m, v) => {
        for (const s of ['gpipe', '1f1b'] as const)
          expect(bubbleFraction(s, p, m + 1)).toBeLessThan(bubbleFraction(s, p, m))
        expect(bubbleFraction('interleaved', p, m + 1, v)).toBeLessThan(
          bubbleFraction('interleaved', p, m, v),
        )
        // More chunks per device never add bubble.
        expect(bubbleFraction('interleaved', p, m, v + 1)).toBeLessThan(
          bubbleFraction('interleaved', p, m, v),
        )
      }),
    )
  })

  it('1F1B never keeps more microbatches in flight than GPipe, on any stage', () => {
    fc.assert(
      fc.property(pArb, mArb, fc.nat(), (p, m, s0) => {
        const s = s0 % p
        expect(inFlightMicrobatches('1f1b', p, m, s)).toBeLessThanOrEqual(
          inFlightMicrobatches('gpipe', p, m, s),
        )
      }),
    )
  })

  it('pipeline time is at least the ideal m·max and at most m·max + Σ', () => {
    fc.assert(
      fc.property(fc.array(tArb, { minLength: 1, maxLength: 16 }), mArb, (per, m) => {
        const r = pipelineTimeS('1f1b', per, m)
        const max = Math.max(...per)
        const sum = per.reduce((a, c) => a + c, 0)
        expect(r.totalS).toBeGreaterThanOrEqual(m * max * (1 - 1e-12))
        expect(r.totalS).toBeLessThanOrEqual((m * max + sum) * (1 + 1e-12))
      }),
    )
  })
})
