import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { arbTaskGraphSpec } from './arbitraries.js'
import { compileTaskGraph } from './builder.js'
import { criticalPath } from './critical-path.js'
import { removeTasks } from './remove-tasks.js'
import { simulateTaskGraph } from './simulate.js'
import type { TaskGraphSpec } from './types.js'

const makespan = (spec: TaskGraphSpec) => simulateTaskGraph(compileTaskGraph(spec)).makespanS

/** Independent checker: shares no code with the engine. */
function checkSchedule(spec: TaskGraphSpec, startS: Float64Array, endS: Float64Array): string | undefined {
  for (let i = 0; i < spec.tasks.length; i++) {
    const t = spec.tasks[i]!
    if (endS[i]! - startS[i]! !== t.durationS) return `task ${i} duration`
    if (startS[i]! < (t.releaseS ?? 0)) return `task ${i} starts before release`
  }
  for (const d of spec.dependencies) {
    const at = (d.fromStart ? startS[d.from]! : endS[d.from]!) + (d.lagS ?? 0)
    if (startS[d.to]! < at) return `dependency ${d.from}->${d.to}`
  }
  const byExec = new Map<number, number[]>()
  spec.tasks.forEach((t, i) => {
    byExec.set(t.executor, [...(byExec.get(t.executor) ?? []), i])
  })
  for (const [e, list] of byExec) {
    // Priority executors run in start order (any order), FIFO ones in queue order: check exclusivity either way.
    if (spec.executors[e]?.policy === 'priority')
      list.sort((a, b) => startS[a]! - startS[b]! || endS[a]! - endS[b]!)
    for (let k = 1; k < list.length; k++) {
      const p = list[k - 1]!
      const u = list[k]!
      if (startS[u]! < endS[p]! + (spec.tasks[p]!.gapS ?? 0)) return `executor order ${p}->${u}`
    }
  }
  return undefined
}

describe('simulateTaskGraph properties', () => {
  it('respects every dependency, release and executor exclusivity (dynamic waits, priority executors)', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec({ dynamicWaits: true, priorityExecutors: true }), (spec) => {
        const sim = simulateTaskGraph(compileTaskGraph(spec))
        expect(checkSchedule(spec, sim.startS, sim.endS)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  it('the critical path length equals the makespan', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec({ dynamicWaits: true, priorityExecutors: true }), (spec) => {
        const g = compileTaskGraph(spec)
        const sim = simulateTaskGraph(g)
        const cp = criticalPath(g, sim)
        expect(cp.lengthS).toBeCloseTo(sim.makespanS, 9)
        for (let k = 1; k < cp.steps.length; k++)
          expect(cp.steps[k]!.startS).toBeGreaterThanOrEqual(cp.steps[k - 1]!.startS)
      }),
      { numRuns: 300 },
    )
  })

  it('static and event engines agree', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec(), (spec) => {
        const g = compileTaskGraph(spec)
        const a = simulateTaskGraph(g)
        const b = simulateTaskGraph(g, { forceEventEngine: true })
        expect(Array.from(b.startS)).toEqual(Array.from(a.startS))
      }),
      { numRuns: 300 },
    )
  })

  it('removing a task never lengthens the iteration', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec(), fc.nat(), (spec, pick) => {
        fc.pre(spec.tasks.length > 0)
        const r = pick % spec.tasks.length
        expect(makespan(removeTasks(spec, (i) => i === r))).toBeLessThanOrEqual(makespan(spec))
      }),
      { numRuns: 300 },
    )
  })

  it('shrinking a task by delta shortens the iteration by at most delta, never lengthens it', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec(), fc.nat(), fc.integer({ min: 0, max: 20 }), (spec, pick, delta) => {
        fc.pre(spec.tasks.length > 0)
        const r = pick % spec.tasks.length
        const t = spec.tasks[r]!
        const d = Math.min(delta, t.durationS)
        const tasks = spec.tasks.map((x, i) => (i === r ? { ...x, durationS: x.durationS - d } : x))
        const before = makespan(spec)
        const after = makespan({ ...spec, tasks })
        expect(after).toBeLessThanOrEqual(before)
        expect(before - after).toBeLessThanOrEqual(d)
      }),
      { numRuns: 300 },
    )
  })

  it('scaling every duration, gap, lag and release by k scales the makespan by k', () => {
    fc.assert(
      fc.property(arbTaskGraphSpec({ dynamicWaits: true }), fc.integer({ min: 2, max: 5 }), (spec, k) => {
        const scaled: TaskGraphSpec = {
          executors: spec.executors,
          tasks: spec.tasks.map((t) => ({
            ...t,
            durationS: t.durationS * k,
            gapS: (t.gapS ?? 0) * k,
            releaseS: (t.releaseS ?? 0) * k,
          })),
          dependencies: spec.dependencies.map((d) => ({ ...d, lagS: (d.lagS ?? 0) * k })),
        }
        expect(makespan(scaled)).toBe(makespan(spec) * k)
      }),
      { numRuns: 200 },
    )
  })
})
