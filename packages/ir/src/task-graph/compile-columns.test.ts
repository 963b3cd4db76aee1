import { describe, expect, it } from 'vitest'
import { isDnnperfError } from '../errors.js'
import { compileTaskGraph, compileTaskGraphColumns } from './builder.js'
import type { TaskGraphColumns, TaskGraphSpec } from './types.js'

const spec: TaskGraphSpec = {
  executors: [
    { name: 'cpu', kind: 'cpu' },
    { name: 'stream 7', kind: 'gpu' },
    { name: 'link', kind: 'link', policy: 'priority' },
  ],
  tasks: [
    { executor: 0, durationS: 1, gapS: 0.5, releaseS: 0.25, order: 10, kind: 'runtime', name: 'launch' },
    { executor: 1, durationS: 3, order: 11, kind: 'kernel', name: 'k1', layer: 'conv1', phase: 'forward' },
    { executor: 0, durationS: 0.5, order: 5, name: 'early' },
    { executor: 0, durationS: 0, order: 12, kind: 'sync', waitsOn: [1, 2] },
    { executor: 2, durationS: 2, order: 1 },
  ],
  dependencies: [
    { from: 0, to: 1, kind: 'launch', lagS: 0.125, fromStart: true },
    { from: 1, to: 4, kind: 'communication' },
  ],
}

function columnsOf(s: TaskGraphSpec): TaskGraphColumns {
  const waitExecutor: number[] = []
  const waitStart = [0]
  for (const t of s.tasks) {
    waitExecutor.push(...(t.waitsOn ?? []))
    waitStart.push(waitExecutor.length)
  }
  const kinds = ['program', 'stream', 'launch', 'sync', 'communication', 'data']
  return {
    executors: s.executors,
    taskCount: s.tasks.length,
    executor: s.tasks.map((t) => t.executor),
    durationS: Float64Array.from(s.tasks, (t) => t.durationS),
    gapS: s.tasks.map((t) => t.gapS ?? 0),
    releaseS: s.tasks.map((t) => t.releaseS ?? 0),
    order: s.tasks.map((t, i) => t.order ?? i),
    kinds: s.tasks.map((t) => t.kind ?? 'task'),
    names: s.tasks.map((t) => t.name),
    layers: s.tasks.map((t) => t.layer),
    phases: s.tasks.map((t) => t.phase),
    waitStart,
    waitExecutor,
    dependencyCount: s.dependencies.length,
    dependencyFrom: s.dependencies.map((d) => d.from),
    dependencyTo: s.dependencies.map((d) => d.to),
    dependencyLagS: s.dependencies.map((d) => d.lagS ?? 0),
    dependencyFromStart: s.dependencies.map((d) => (d.fromStart === true ? 1 : 0)),
    dependencyKind: s.dependencies.map((d) => kinds.indexOf(d.kind ?? 'data')),
  }
}

describe('compileTaskGraphColumns', () => {
  it('compiles to the same graph as compileTaskGraph', () => {
    expect(compileTaskGraphColumns(columnsOf(spec))).toEqual(compileTaskGraph(spec))
  })

  it('validates like the builder', () => {
    const bad = columnsOf({
      ...spec,
      tasks: spec.tasks.map((t, i) => (i === 1 ? { ...t, durationS: -1 } : t)),
    })
    expect(() => compileTaskGraphColumns(bad)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }))
    const dangling = columnsOf({
      ...spec,
      tasks: spec.tasks.map((t, i) => (i === 3 ? { ...t, waitsOn: [9] } : t)),
    })
    let error: unknown
    try {
      compileTaskGraphColumns(dangling)
    } catch (e) {
      error = e
    }
    expect(isDnnperfError(error) && error.code).toBe('GRAPH_DANGLING_EDGE')
  })
})
