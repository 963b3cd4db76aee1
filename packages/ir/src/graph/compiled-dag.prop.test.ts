import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileDag } from './compiled-dag.js'

/** A random DAG: ids in shuffled order, edges only from lower to higher hidden rank (so acyclic), duplicates allowed. */
export const arbDag = (maxNodes = 25) =>
  fc
    .integer({ min: 1, max: maxNodes })
    .chain((n) =>
      fc.record({
        ranks: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
      }),
    )
    .map(({ ranks, pairs }) => {
      const ids = ranks.map((r) => `n${r}`)
      const edges = pairs
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => (a < b ? { from: `n${a}`, to: `n${b}` } : { from: `n${b}`, to: `n${a}` }))
      return { ids, edges }
    })

describe('compileDag properties', () => {
  it('orders every node after all its predecessors', () => {
    fc.assert(
      fc.property(arbDag(), ({ ids, edges }) => {
        const dag = compileDag(ids, edges)
        const pos = new Map(Array.from(dag.topoOrder, (i, k) => [ids[i]!, k]))
        expect(pos.size).toBe(ids.length)
        for (const e of edges) expect(pos.get(e.from)!).toBeLessThan(pos.get(e.to)!)
      }),
    )
  })

  it('round-trips: the CSR arrays hold exactly the distinct input edges, both directions', () => {
    fc.assert(
      fc.property(arbDag(), ({ ids, edges }) => {
        const dag = compileDag(ids, edges)
        const want = new Set(edges.map((e) => `${e.from}>${e.to}`))
        const succ = new Set<string>()
        const pred = new Set<string>()
        for (let u = 0; u < ids.length; u++) {
          for (let e = dag.succStart[u]!; e < dag.succStart[u + 1]!; e++)
            succ.add(`${ids[u]}>${ids[dag.succ[e]!]}`)
          for (let e = dag.predStart[u]!; e < dag.predStart[u + 1]!; e++)
            pred.add(`${ids[dag.pred[e]!]}>${ids[u]}`)
        }
        expect(succ).toEqual(want)
        expect(pred).toEqual(want)
        expect(dag.succ.length).toBe(want.size)
      }),
    )
  })

  it('reports a real cycle when one edge is reversed into a path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.nat(), (n, seed) => {
        const ids = Array.from({ length: n }, (_, i) => `v${i}`)
        const edges = ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id }))
        const back = seed % (n - 1)
        edges.push({ from: ids[n - 1]!, to: ids[back]! })
        try {
          compileDag(ids, edges)
          expect.unreachable('a cycle must be rejected')
        } catch (err) {
          const e = err as { code: string; cycle: string[] }
          expect(e.code).toBe('GRAPH_CYCLE')
          // consecutive ids of the reported cycle are real edges, and it closes on itself
          const set = new Set(edges.map((x) => `${x.from}>${x.to}`))
          for (let k = 0; k + 1 < e.cycle.length; k++)
            expect(set.has(`${e.cycle[k]}>${e.cycle[k + 1]}`)).toBe(true)
          expect(e.cycle[0]).toBe(e.cycle[e.cycle.length - 1])
        }
      }),
    )
  })
})
