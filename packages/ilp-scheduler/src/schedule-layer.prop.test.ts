import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkSchedule } from './checker.js'
import { exhaustiveSchedule } from './exhaustive.js'
import { listScheduleLayer } from './list-schedule.js'
import { layerLowerBounds } from './lower-bounds.js'
import { scheduleLayer } from './schedule-layer.js'
import type { LayerSchedulingProblem, ScheduledOp } from './types.js'

// Integer latencies keep every optimum exactly representable, so equalities are tight.
const problemArb = (maxOps: number, withBuffer: boolean): fc.Arbitrary<LayerSchedulingProblem> =>
  fc.integer({ min: 1, max: maxOps }).chain((n) =>
    fc
      .record({
        ops: fc.array(
          fc.record({
            tensor: fc.boolean(),
            single: fc.integer({ min: 1, max: 20 }),
            all: fc.integer({ min: 1, max: 20 }),
            buffer: fc.integer({ min: 0, max: 10 }),
          }),
          { minLength: n, maxLength: n },
        ),
        // Edges only from lower to higher index: always a DAG.
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n + 1 }),
        tensor: fc.integer({ min: 1, max: 3 }),
        vector: fc.integer({ min: 1, max: 2 }),
        capacity: fc.integer({ min: 10, max: 18 }),
      })
      .map(({ ops, edges, tensor, vector, capacity }) => {
        const deps = new Map<string, readonly [string, string]>()
        for (const [a, b] of edges) if (a < b) deps.set(`${a}-${b}`, [`o${a}`, `o${b}`])
        return {
          ops: ops.map((o, i) => ({
            id: `o${i}`,
            engine: o.tensor ? ('tensor' as const) : ('vector' as const),
            singleCoreS: o.single,
            allCoresS: o.all,
            bufferBytes: o.buffer,
          })),
          deps: [...deps.values()],
          cores: { tensor, vector },
          ...(withBuffer ? { bufferCapacityBytes: capacity } : {}),
        }
      }),
  )

const RUNS = Number(process.env.ILP_PROP_RUNS ?? 25) // raise locally for a deeper search

describe('scheduleLayer properties on random small DAGs', () => {
  it('HiGHS optimum = exhaustive enumeration; ≤ heuristic; ≥ every lower bound; checker accepts it', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb(5, false), async (problem) => {
        const exact = exhaustiveSchedule(problem)
        const r = await scheduleLayer(problem, { solver: 'highs', timeLimitS: 30, alwaysSolve: true })
        expect(r.status).toBe('optimal')
        expect(r.milpSolves).toBeGreaterThan(0)
        expect(r.makespanS).toBeCloseTo(exact.makespanS, 6)
        expect(r.makespanS).toBeLessThanOrEqual(listScheduleLayer(problem).makespanS + 1e-9)
        const lb = layerLowerBounds(problem)
        expect(r.makespanS).toBeGreaterThanOrEqual(Math.max(lb.criticalPathS, lb.workS) - 1e-9)
        expect(r.bestBoundS).toBeLessThanOrEqual(r.makespanS + 1e-9)
        expect(checkSchedule(problem, r.schedule).ok).toBe(true)
      }),
      { numRuns: RUNS, seed: 20261125 },
    )
  })

  it('clique cuts give the same optimum as the default core-assignment block', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb(5, false), async (problem) => {
        const exact = exhaustiveSchedule(problem)
        const r = await scheduleLayer(problem, {
          solver: 'highs',
          alwaysSolve: true,
          coreCapacity: 'cliques',
        })
        expect(r.status).toBe('optimal')
        expect(r.makespanS).toBeCloseTo(exact.makespanS, 6)
        expect(checkSchedule(problem, r.schedule).ok).toBe(true)
      }),
      { numRuns: RUNS, seed: 11 },
    )
  })

  it('glpk.js and HiGHS agree on the optimum', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb(5, false), async (problem) => {
        const [g, h] = await Promise.all([
          scheduleLayer(problem, { solver: 'glpk', timeLimitS: 30, alwaysSolve: true }),
          scheduleLayer(problem, { solver: 'highs', timeLimitS: 30, alwaysSolve: true }),
        ])
        expect(g.status).toBe('optimal')
        expect(h.status).toBe('optimal')
        expect(g.makespanS).toBeCloseTo(h.makespanS, 6)
      }),
      { numRuns: RUNS, seed: 7 },
    )
  })

  it('with a buffer capacity: the optimum still equals exhaustive enumeration and respects the buffer', async () => {
    await fc.assert(
      fc.asyncProperty(problemArb(4, true), async (problem) => {
        const exact = exhaustiveSchedule(problem)
        const r = await scheduleLayer(problem, { solver: 'highs', timeLimitS: 30, alwaysSolve: true })
        expect(r.status).toBe('optimal')
        expect(r.makespanS).toBeCloseTo(exact.makespanS, 6)
        expect(checkSchedule(problem, r.schedule).ok).toBe(true)
      }),
      { numRuns: RUNS, seed: 99 },
    )
  })
})

const corruptions: Record<string, (s: ScheduledOp[], problem: LayerSchedulingProblem) => ScheduledOp[]> = {
  'drop an op': (s) => s.slice(1),
  'duplicate an op': (s) => [...s, s[0]!],
  'stretch an op': (s) => s.map((x, i) => (i === 0 ? { ...x, endS: x.endS + 0.5 } : x)),
  'move an op onto another op of its engine': (s) => {
    // Same engine and core (or either op on all cores), same start: a clash whatever the dependencies.
    for (const a of s) {
      for (const b of s) {
        if (a === b || a.engine !== b.engine || a.endS === a.startS || b.endS === b.startS) continue
        const moved = {
          ...b,
          startS: a.startS,
          endS: a.startS + (b.endS - b.startS),
          cores: a.cores === 'all' ? b.cores : a.cores,
        }
        return s.map((x) => (x === b ? moved : x))
      }
    }
    return s.slice(1) // no such pair: fall back to dropping an op
  },
  'switch a mode without changing the duration': (s, problem) =>
    s.map((x, i) => {
      if (i !== 0) return x
      const op = problem.ops.find((o) => o.id === x.opId)!
      if (op.singleCoreS === op.allCoresS) return { ...x, cores: -1 }
      return { ...x, cores: x.cores === 'all' ? 0 : 'all' }
    }),
}

describe('checkSchedule rejects corrupted schedules', () => {
  it.each(Object.keys(corruptions))('%s', (name) => {
    fc.assert(
      fc.property(problemArb(5, false), (problem) => {
        const good = exhaustiveSchedule(problem).schedule as ScheduledOp[]
        expect(checkSchedule(problem, good).ok).toBe(true)
        const bad = corruptions[name]!(good, problem)
        expect(checkSchedule(problem, bad).ok).toBe(false)
      }),
      { numRuns: 30, seed: 3 },
    )
  })
})
