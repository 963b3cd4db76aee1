import { describe, expect, it } from 'vitest'
import { checkSchedule } from './checker.js'
import { renderGantt } from './gantt.js'
import { problemSignature, scheduleLayers } from './schedule-layers.js'
import type { LayerSchedulingProblem, ScheduledOp } from './types.js'

const layer = (prefix: string, scale = 1): LayerSchedulingProblem => ({
  name: prefix,
  ops: [
    { id: `${prefix}.a`, engine: 'tensor', singleCoreS: 10 * scale, allCoresS: 7 * scale },
    { id: `${prefix}.b`, engine: 'tensor', singleCoreS: 10 * scale, allCoresS: 7 * scale },
    { id: `${prefix}.c`, engine: 'tensor', singleCoreS: 10 * scale, allCoresS: 7 * scale },
  ],
  deps: [],
  cores: { tensor: 2, vector: 1 },
})

describe('scheduleLayers', () => {
  it('solves repeated identical layers once and renames the copies', async () => {
    const problems = [layer('h0'), layer('h1'), layer('h2', 2)]
    expect(problemSignature(problems[0]!)).toBe(problemSignature(problems[1]!))
    const batch = await scheduleLayers(problems, { solver: 'highs' })
    expect(batch.uniqueSolves).toBe(2)
    expect(batch.solvedAs).toEqual([0, 0, 2])
    expect(batch.results.map((r) => r.makespanS)).toEqual([17, 17, 34])
    expect(batch.results[1]!.name).toBe('h1')
    expect(batch.results[1]!.schedule.map((s) => s.opId)).toEqual(['h1.a', 'h1.b', 'h1.c'])
    for (let k = 0; k < 3; k++) expect(checkSchedule(problems[k]!, batch.results[k]!.schedule).ok).toBe(true)
  })
})

describe('renderGantt', () => {
  it('draws one row per core, all-core ops on every row, and a legend', () => {
    const schedule: ScheduledOp[] = [
      { opId: 'a', engine: 'tensor', startS: 0, endS: 10e-6, cores: 0 },
      { opId: 'b', engine: 'tensor', startS: 0, endS: 5e-6, cores: 1 },
      { opId: 'c', engine: 'vector', startS: 10e-6, endS: 20e-6, cores: 'all' },
    ]
    expect(renderGantt(schedule, { widthChars: 10, cores: { tensor: 2, vector: 1 } })).toBe(
      [
        'makespan 20.00 µs; one column = 2.000 µs',
        'T0 |AAAAACCCCC|',
        'T1 |BBB..CCCCC|',
        'V0 |.....CCCCC|',
        '  A  a  T0  0 s – 10.00 µs',
        '  B  b  T1  0 s – 5.000 µs',
        '  C  c  all cores  10.00 µs – 20.00 µs',
      ].join('\n'),
    )
  })
})
