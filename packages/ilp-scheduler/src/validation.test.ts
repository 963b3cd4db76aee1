import {
  DanglingEdgeError,
  DuplicateNodeError,
  GraphCycleError,
  InvalidValueError,
  isDnnperfError,
  LimitExceededError,
} from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { ScheduleInfeasibleError } from './errors.js'
import { exhaustiveSchedule } from './exhaustive.js'
import { listScheduleLayer } from './list-schedule.js'
import { layerLowerBounds } from './lower-bounds.js'
import { scheduleLayer } from './schedule-layer.js'
import type { LayerSchedulingProblem } from './types.js'

const base: LayerSchedulingProblem = {
  ops: [
    { id: 'a', engine: 'tensor', singleCoreS: 10, allCoresS: 6 },
    { id: 'b', engine: 'tensor', singleCoreS: 10, allCoresS: 6 },
    { id: 'c', engine: 'vector', singleCoreS: 4, allCoresS: 1 },
  ],
  deps: [
    ['a', 'c'],
    ['b', 'c'],
  ],
  cores: { tensor: 2, vector: 2 },
}

describe('malformed and infeasible problems give typed errors', () => {
  const cases: [string, unknown, new (...args: never[]) => Error, string][] = [
    ['not an object', null, InvalidValueError, 'INVALID_VALUE'],
    [
      'negative latency',
      { ...base, ops: [{ ...base.ops[0]!, singleCoreS: -1 }] },
      InvalidValueError,
      'INVALID_VALUE',
    ],
    [
      'NaN latency',
      { ...base, ops: [{ ...base.ops[0]!, allCoresS: Number.NaN }] },
      InvalidValueError,
      'INVALID_VALUE',
    ],
    [
      'bad engine',
      { ...base, ops: [{ ...base.ops[0]!, engine: 'gpu' }] },
      InvalidValueError,
      'INVALID_VALUE',
    ],
    ['fractional cores', { ...base, cores: { tensor: 2.5, vector: 1 } }, InvalidValueError, 'INVALID_VALUE'],
    ['malformed dep', { ...base, deps: [['a']] }, InvalidValueError, 'INVALID_VALUE'],
    [
      'duplicate id',
      { ...base, ops: [base.ops[0]!, base.ops[0]!], deps: [] },
      DuplicateNodeError,
      'GRAPH_DUPLICATE_NODE',
    ],
    ['unknown dep', { ...base, deps: [['a', 'x']] }, DanglingEdgeError, 'GRAPH_DANGLING_EDGE'],
    [
      'cycle',
      {
        ...base,
        deps: [
          ['a', 'c'],
          ['c', 'a'],
        ],
      },
      GraphCycleError,
      'GRAPH_CYCLE',
    ],
    ['no vector cores', { ...base, cores: { tensor: 2, vector: 0 } }, ScheduleInfeasibleError, 'INFEASIBLE'],
    [
      'op larger than the buffer',
      { ...base, ops: [{ ...base.ops[0]!, bufferBytes: 11 }], deps: [], bufferCapacityBytes: 10 },
      ScheduleInfeasibleError,
      'INFEASIBLE',
    ],
  ]
  it.each(cases)('%s', async (_name, problem, cls, code) => {
    const p = problem as LayerSchedulingProblem
    for (const run of [() => listScheduleLayer(p), () => layerLowerBounds(p), () => exhaustiveSchedule(p)]) {
      expect(run).toThrow(cls)
    }
    const err = await scheduleLayer(p).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(cls)
    expect(isDnnperfError(err) && err.code).toBe(code)
  })

  it('rejects bad options', async () => {
    await expect(scheduleLayer(base, { timeLimitS: 0 })).rejects.toThrow(InvalidValueError)
    await expect(scheduleLayer(base, { solver: 'cplex' as 'glpk' })).rejects.toThrow(InvalidValueError)
  })

  it('names the op that cannot be scheduled', () => {
    const p = { ...base, cores: { tensor: 0, vector: 2 } }
    expect(() => listScheduleLayer(p)).toThrow(expect.objectContaining({ opId: 'a', reason: 'no-cores' }))
  })

  it('refuses exhaustive enumeration beyond its limit', () => {
    expect(() => exhaustiveSchedule(base, { maxOps: 2 })).toThrow(LimitExceededError)
  })
})

describe('bounds and heuristic on PHAZE case A (hand-checked)', () => {
  it('critical path 6 + 1 = 7; tensor work (min(10, 2·6) + min(10, 2·6)) / 2 = 10', () => {
    expect(layerLowerBounds(base)).toEqual({ criticalPathS: 7, workS: 10 })
  })

  it('the list schedule is feasible and no better than the optimum 11', () => {
    const r = listScheduleLayer(base)
    expect(r.algorithm).toBe('list-heuristic')
    expect(r.makespanS).toBeGreaterThanOrEqual(11)
    expect(r.bestBoundS).toBe(10)
    expect(r.gap).toBeCloseTo((r.makespanS - 10) / r.makespanS, 12)
  })

  it('an empty layer has makespan 0 and is optimal', async () => {
    const r = await scheduleLayer({ ops: [], deps: [], cores: { tensor: 1, vector: 1 } })
    expect(r).toMatchObject({
      status: 'optimal',
      makespanS: 0,
      bestBoundS: 0,
      gap: 0,
      schedule: [],
      milpSolves: 0,
    })
  })

  it('one all-core-only chain is proven optimal by the bound without a MILP solve', async () => {
    const r = await scheduleLayer({
      ops: [
        { id: 'x', engine: 'tensor', singleCoreS: 8, allCoresS: 2 },
        { id: 'y', engine: 'vector', singleCoreS: 3, allCoresS: 1 },
      ],
      deps: [['x', 'y']],
      cores: { tensor: 4, vector: 2 },
    })
    expect(r).toMatchObject({ status: 'optimal', makespanS: 3, bestBoundS: 3, solver: 'none', milpSolves: 0 })
  })
})
