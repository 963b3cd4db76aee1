import { describe, expect, it } from 'vitest'
import { LimitExceededError } from '../errors.js'
import { compileDag } from './compiled-dag.js'
import { enumerateIdeals, idealHas, idealIndexOf, idealMembers } from './ideals.js'

const names = (ids: readonly string[], members: number[]) => members.map((i) => ids[i]!).join('')

describe('enumerateIdeals', () => {
  it('finds the 6 ideals of the diamond 1→2, 1→3, 2→4, 3→4 (placement.md §1.10)', () => {
    const dag = compileDag(
      ['1', '2', '3', '4'],
      [
        { from: '1', to: '2' },
        { from: '1', to: '3' },
        { from: '2', to: '4' },
        { from: '3', to: '4' },
      ],
    )
    const set = enumerateIdeals(dag)
    expect(set.count).toBe(6)
    const all = Array.from({ length: set.count }, (_, i) => names(dag.nodeIds, idealMembers(set, i)))
    expect(all).toEqual(['', '1', '12', '13', '123', '1234'])
    expect(Array.from(set.size)).toEqual([0, 1, 2, 2, 3, 4])
  })
  it('has n + 1 ideals on a chain and 2^n on an edgeless graph', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `n${i}`)
    const chain = compileDag(
      ids,
      ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })),
    )
    expect(enumerateIdeals(chain).count).toBe(41)
    expect(enumerateIdeals(compileDag(ids.slice(0, 10), [])).count).toBe(1024)
  })
  it('looks an ideal up by its bitset and hash', () => {
    const dag = compileDag(['a', 'b', 'c'], [{ from: 'a', to: 'c' }])
    const set = enumerateIdeals(dag)
    expect(set.count).toBe(6) // {}, a, b, ab, ac, abc
    const words = new Uint32Array([0b011])
    const i = idealIndexOf(set, words, set.nodeHash[0]! ^ set.nodeHash[1]!)
    expect(names(dag.nodeIds, idealMembers(set, i))).toBe('ab')
    expect(idealHas(set, i, 2)).toBe(false)
    expect(idealIndexOf(set, new Uint32Array([0b100]), set.nodeHash[2]!)).toBe(-1) // {c} is not an ideal
  })
  it('throws LimitExceededError past the limit', () => {
    const dag = compileDag(
      Array.from({ length: 12 }, (_, i) => `${i}`),
      [],
    )
    expect(() => enumerateIdeals(dag, { limit: 4095 })).toThrow(LimitExceededError)
    expect(enumerateIdeals(dag, { limit: 4096 }).count).toBe(4096)
  })
  it('handles the empty graph and graphs wider than one word', () => {
    expect(enumerateIdeals(compileDag([], [])).count).toBe(1)
    const ids = Array.from({ length: 70 }, (_, i) => `${i}`)
    const chain = compileDag(
      ids,
      ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })),
    )
    const set = enumerateIdeals(chain)
    expect(set.wordCount).toBe(3)
    expect(idealMembers(set, set.count - 1)).toHaveLength(70)
  })
})
