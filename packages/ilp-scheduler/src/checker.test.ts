import { DanglingEdgeError, GraphCycleError, InvalidValueError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { checkSchedule } from './checker.js'
import type { LayerSchedulingProblem, ScheduledOp } from './types.js'

// a → c, b → c; 2 tensor cores, 1 vector core; buffer 10 B with a and b holding 6 B each.
const problem: LayerSchedulingProblem = {
  ops: [
    { id: 'a', engine: 'tensor', singleCoreS: 10, allCoresS: 6, bufferBytes: 4 },
    { id: 'b', engine: 'tensor', singleCoreS: 10, allCoresS: 6, bufferBytes: 6 },
    { id: 'c', engine: 'vector', singleCoreS: 4, allCoresS: 4, bufferBytes: 1 },
  ],
  deps: [
    ['a', 'c'],
    ['b', 'c'],
  ],
  cores: { tensor: 2, vector: 1 },
  bufferCapacityBytes: 10,
}
const good: ScheduledOp[] = [
  { opId: 'a', engine: 'tensor', startS: 0, endS: 10, cores: 0 },
  { opId: 'b', engine: 'tensor', startS: 0, endS: 10, cores: 1 },
  { opId: 'c', engine: 'vector', startS: 10, endS: 14, cores: 0 },
]
const kinds = (s: readonly ScheduledOp[], p: LayerSchedulingProblem = problem) =>
  checkSchedule(p, s).violations.map((v) => v.kind)
const edit = (k: number, patch: Partial<ScheduledOp>) =>
  good.map((s, i) => (i === k ? { ...s, ...patch } : s))

describe('checkSchedule', () => {
  it('accepts a valid schedule and reports its makespan', () => {
    expect(checkSchedule(problem, good)).toEqual({ ok: true, makespanS: 14, violations: [] })
  })

  it('finds each kind of violation', () => {
    expect(kinds(good.slice(0, 2))).toEqual(['missing-op'])
    expect(kinds([...good, good[0]!])).toEqual(['duplicate-op'])
    expect(kinds([...good, { ...good[0]!, opId: 'zz' }])).toEqual(['unknown-op'])
    // c starts 1 s early: both dependencies break, and 4 + 6 + 1 B are then on chip (capacity 10).
    expect(kinds(edit(2, { startS: 9, endS: 13 }))).toEqual(['precedence', 'precedence', 'buffer'])
    expect(kinds(edit(0, { endS: 9 }))).toEqual(['duration'])
    expect(kinds(edit(0, { engine: 'vector' }))).toEqual(['engine'])
    expect(kinds(edit(1, { cores: 2 }))).toEqual(['core-index'])
    expect(kinds(edit(1, { cores: 0 }))).toEqual(['core-overlap'])
    // b on all cores for 6 s while a runs: exclusive overlap.
    expect(kinds(edit(1, { cores: 'all', endS: 6 }))).toEqual(['exclusive-overlap'])
    expect(kinds(edit(0, { startS: Number.NaN }))).toEqual(['bad-time', 'missing-op'])
  })

  it('checks the buffer capacity of ops running together', () => {
    const tight = { ...problem, bufferCapacityBytes: 9 }
    expect(kinds(good, tight)).toEqual(['buffer', 'buffer'])
    // Back to back, they fit.
    const serial = edit(1, { startS: 10, endS: 20 }).map((s) =>
      s.opId === 'c' ? { ...s, startS: 20, endS: 24 } : s,
    )
    expect(checkSchedule(tight, serial).ok).toBe(true)
  })

  it('lets a zero-length op sit at the boundary of another on the same core', () => {
    const p: LayerSchedulingProblem = {
      ops: [
        { id: 'x', engine: 'tensor', singleCoreS: 5, allCoresS: 5 },
        { id: 'z', engine: 'tensor', singleCoreS: 0, allCoresS: 0 },
      ],
      deps: [],
      cores: { tensor: 1, vector: 1 },
    }
    const at = (t: number): ScheduledOp[] => [
      { opId: 'x', engine: 'tensor', startS: 0, endS: 5, cores: 0 },
      { opId: 'z', engine: 'tensor', startS: t, endS: t, cores: 0 },
    ]
    expect(checkSchedule(p, at(5)).ok).toBe(true)
    expect(checkSchedule(p, at(0)).ok).toBe(true)
    expect(kinds(at(2), p)).toEqual(['core-overlap'])
  })

  it('throws typed errors for a malformed problem', () => {
    expect(() => checkSchedule({ ...problem, deps: [['a', 'nope']] }, good)).toThrow(DanglingEdgeError)
    expect(() =>
      checkSchedule(
        {
          ...problem,
          deps: [
            ['a', 'c'],
            ['c', 'a'],
          ],
        },
        good,
      ),
    ).toThrow(GraphCycleError)
    expect(() => checkSchedule({ ...problem, cores: { tensor: 1.5, vector: 1 } }, good)).toThrow(
      InvalidValueError,
    )
  })
})
