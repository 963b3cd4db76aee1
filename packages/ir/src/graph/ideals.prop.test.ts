import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileDag } from './compiled-dag.js'
import { enumerateIdeals, idealIndexOf, idealMembers } from './ideals.js'

/** A random DAG on n ≤ 12 nodes: edges only from lower to higher index, so it is acyclic. */
const arbDag = fc.integer({ min: 0, max: 12 }).chain((n) =>
  fc
    .array(fc.tuple(fc.nat(Math.max(0, n - 1)), fc.nat(Math.max(0, n - 1))), { maxLength: 3 * n })
    .map((pairs) => ({
      n,
      edges: pairs.filter(([a, b]) => a < b).map(([a, b]) => ({ from: `${a}`, to: `${b}` })),
    })),
)

describe('enumerateIdeals properties', () => {
  it('every ideal is downward closed, all are distinct, and the count matches brute force', () => {
    fc.assert(
      fc.property(arbDag, ({ n, edges }) => {
        const ids = Array.from({ length: n }, (_, i) => `${i}`)
        const dag = compileDag(ids, edges)
        const set = enumerateIdeals(dag)
        const masks = new Set<number>()
        for (let i = 0; i < set.count; i++) {
          const members = idealMembers(set, i)
          expect(members).toHaveLength(set.size[i]!)
          const inside = new Set(members)
          for (const v of members) {
            for (let e = dag.predStart[v]!; e < dag.predStart[v + 1]!; e++)
              expect(inside.has(dag.pred[e]!)).toBe(true)
          }
          masks.add(members.reduce((m, v) => m | (1 << v), 0))
          let h = 0
          for (const v of members) h ^= set.nodeHash[v]!
          expect(idealIndexOf(set, set.bits.subarray(i * set.wordCount, (i + 1) * set.wordCount), h)).toBe(i)
          if (i > 0) expect(set.size[i]!).toBeGreaterThanOrEqual(set.size[i - 1]!)
        }
        expect(masks.size).toBe(set.count)
        let brute = 0
        for (let mask = 0; mask < 1 << n; mask++) {
          const closed = edges.every(
            (e) => !((mask >> Number(e.to)) & 1) || ((mask >> Number(e.from)) & 1) === 1,
          )
          if (closed) brute++
        }
        expect(set.count).toBe(brute)
      }),
      { numRuns: 80 },
    )
  })
})
