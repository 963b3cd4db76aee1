import { describe, expect, it } from 'vitest'
import { checkSchedule } from './checker.js'
import { exhaustiveSchedule } from './exhaustive.js'
import { scheduleLayer } from './schedule-layer.js'
import type { CoreEngine, LayerSchedulingProblem } from './types.js'

const op = (id: string, engine: CoreEngine, singleCoreS: number, allCoresS: number) => ({
  id,
  engine,
  singleCoreS,
  allCoresS,
})

// phaze.md §5.6 oracles, durations read as seconds.
const caseA: LayerSchedulingProblem = {
  name: 'A',
  ops: [op('a', 'tensor', 10, 6), op('b', 'tensor', 10, 6), op('c', 'vector', 4, 1)],
  deps: [
    ['a', 'c'],
    ['b', 'c'],
  ],
  cores: { tensor: 2, vector: 2 },
}
const caseA2: LayerSchedulingProblem = {
  ...caseA,
  name: 'A2',
  ops: [op('a', 'tensor', 10, 4), op('b', 'tensor', 10, 4), op('c', 'vector', 4, 1)],
}
const caseB: LayerSchedulingProblem = {
  name: 'B',
  ops: [op('a', 'tensor', 10, 7), op('b', 'tensor', 10, 7), op('c', 'tensor', 10, 7)],
  deps: [],
  cores: { tensor: 2, vector: 1 },
}

describe.each(['highs', 'glpk'] as const)('scheduleLayer on the PHAZE oracles (%s)', (solver) => {
  it('case A: a ∥ b on one core each, then c on all cores: T* = 11', async () => {
    const r = await scheduleLayer(caseA, { solver })
    expect(r.status).toBe('optimal')
    expect(r.makespanS).toBeCloseTo(11, 9)
    const c = r.schedule.find((s) => s.opId === 'c')!
    expect(c.cores).toBe('all')
    expect(c.startS).toBeCloseTo(10, 9)
    expect(r.schedule.filter((s) => s.cores !== 'all').map((s) => s.opId)).toEqual(['a', 'b'])
  })

  it('case A′: everything intra-op in sequence: T* = 9', async () => {
    const r = await scheduleLayer(caseA2, { solver })
    expect(r.status).toBe('optimal')
    expect(r.makespanS).toBeCloseTo(9, 9)
    expect(r.schedule.every((s) => s.cores === 'all')).toBe(true)
  })

  it('case B: three independent TC ops on two TCs: T* = 17 (needs the lazy core block)', async () => {
    const r = await scheduleLayer(caseB, { solver })
    expect(r.status).toBe('optimal')
    expect(r.makespanS).toBeCloseTo(17, 9)
    expect(r.schedule.filter((s) => s.cores === 'all')).toHaveLength(1)
    expect(r.gap).toBeLessThan(1e-6)
  })
})

describe('exhaustiveSchedule agrees with the oracles', () => {
  it.each([
    [caseA, 11],
    [caseA2, 9],
    [caseB, 17],
  ])('%# → T*', (problem, expected) => {
    const r = exhaustiveSchedule(problem)
    expect(r.makespanS).toBeCloseTo(expected, 12)
    expect(checkSchedule(problem, r.schedule).ok).toBe(true)
  })
})

describe('time limit', () => {
  // 16 ops, 3 tensor and 2 vector cores, few dependencies: too many orders to close in one second.
  const lengths = [18, 11, 17, 24, 18, 18, 8, 22, 19, 21, 19, 11, 20, 8, 16, 9]
  const hard: LayerSchedulingProblem = {
    ops: lengths.map((l, i) => op(`o${i}`, i % 3 === 0 ? 'vector' : 'tensor', l, Math.ceil(l / 2.5))),
    deps: [
      ['o0', 'o5'],
      ['o1', 'o6'],
      ['o2', 'o9'],
    ],
    cores: { tensor: 3, vector: 2 },
  }

  it('returns the incumbent with its proven bound and gap', async () => {
    const r = await scheduleLayer(hard, { solver: 'highs', timeLimitS: 1 })
    expect(r.status).toBe('timeLimit')
    expect(r.timeS).toBeLessThan(3)
    expect(r.makespanS).toBeLessThanOrEqual(r.heuristicMakespanS)
    expect(r.bestBoundS).toBeLessThan(r.makespanS)
    expect(r.bestBoundS).toBeGreaterThanOrEqual(Math.max(r.lowerBounds.criticalPathS, r.lowerBounds.workS))
    expect(r.gap).toBeCloseTo((r.makespanS - r.bestBoundS) / r.makespanS, 12)
    expect(checkSchedule(hard, r.schedule).ok).toBe(true)
  })
})

describe('on-chip buffer capacity (beyond PHAZE)', () => {
  const pair = (capacity?: number): LayerSchedulingProblem => ({
    ops: [
      { ...op('a', 'tensor', 10, 6), bufferBytes: 6 },
      { ...op('b', 'tensor', 10, 6), bufferBytes: 6 },
    ],
    deps: [],
    cores: { tensor: 2, vector: 1 },
    ...(capacity === undefined ? {} : { bufferCapacityBytes: capacity }),
  })

  it.each([
    [undefined, 10], // side by side on one core each
    [12, 10], // 6 + 6 B fit
    [11, 12], // they cannot run together: both on all cores, one after the other
  ])('capacity %s B → makespan %s s', async (capacity, expected) => {
    const problem = pair(capacity)
    const r = await scheduleLayer(problem, { solver: 'highs', alwaysSolve: true })
    expect(r.status).toBe('optimal')
    expect(r.makespanS).toBeCloseTo(expected, 9)
    expect(exhaustiveSchedule(problem).makespanS).toBeCloseTo(expected, 12)
    expect(checkSchedule(problem, r.schedule).ok).toBe(true)
  })
})
