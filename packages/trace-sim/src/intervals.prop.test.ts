import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { differenceLength, lengthOf, mergeIntervals, unionOf } from './intervals.js'

const arbIntervals = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 })), {
  maxLength: 12,
})

/** Brute force on unit cells: intervals are integer [s, s + d). */
function cells(list: readonly [number, number][]): Set<number> {
  const out = new Set<number>()
  for (const [s, d] of list) for (let x = s; x < s + d; x++) out.add(x)
  return out
}
const merged = (list: readonly [number, number][]) =>
  mergeIntervals(
    list.map((x) => x[0]),
    list.map((x) => x[0] + x[1]),
  )

describe('interval arithmetic', () => {
  it('union and difference lengths match brute force', () => {
    fc.assert(
      fc.property(arbIntervals, arbIntervals, (a, b) => {
        const ca = cells(a)
        const cb = cells(b)
        expect(lengthOf(merged(a))).toBe(ca.size)
        expect(differenceLength(merged(a), merged(b))).toBe([...ca].filter((x) => !cb.has(x)).length)
        expect(lengthOf(unionOf(merged(a), merged(b)))).toBe(new Set([...ca, ...cb]).size)
      }),
      { numRuns: 300 },
    )
  })
})
