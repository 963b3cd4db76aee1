import { describe, expect, it } from 'vitest'
import { isDnnperfError } from '../errors.js'
import { TaskGraphBuilder, compileTaskGraph } from './builder.js'
import { criticalPath } from './critical-path.js'
import { removeTasks } from './remove-tasks.js'
import { simulateTaskGraph } from './simulate.js'

/** CPU thread launching two kernels on one stream, then a stream sync resolved at simulation time. */
function launchAndSync(kernelS: number) {
  const b = new TaskGraphBuilder()
  const cpu = b.addExecutor({ name: 'cpu', kind: 'cpu' })
  const gpu = b.addExecutor({ name: 'stream 7', kind: 'gpu' })
  const l1 = b.addTask({ executor: cpu, durationS: 2, gapS: 1, kind: 'runtime', name: 'launch1' })
  const l2 = b.addTask({ executor: cpu, durationS: 2, gapS: 1, kind: 'runtime', name: 'launch2' })
  const sync = b.addTask({ executor: cpu, durationS: 1, kind: 'sync', name: 'sync', waitsOn: [gpu] })
  const k1 = b.addTask({ executor: gpu, durationS: kernelS, kind: 'kernel', name: 'k1' })
  const k2 = b.addTask({ executor: gpu, durationS: kernelS, kind: 'kernel', name: 'k2' })
  b.addDependency(l1, k1, { kind: 'launch', lagS: 1, fromStart: true })
  b.addDependency(l2, k2, { kind: 'launch', lagS: 1, fromStart: true })
  return { graph: b.compile(), l1, l2, sync, k1, k2 }
}

describe('simulateTaskGraph', () => {
  it('replays a launch + stream-sync timeline that can be checked by hand', () => {
    const { graph, sync, k1, k2 } = launchAndSync(10)
    const sim = simulateTaskGraph(graph)
    // launch1 0..2, gap 1, launch2 3..5, gap 1, sync ready at 6; k1 1..11, k2 starts max(11, 3+1)=11..21
    expect(sim.startS[k1]).toBe(1)
    expect(sim.startS[k2]).toBe(11)
    expect(sim.startS[sync]).toBe(21)
    expect(sim.endS[sync]).toBe(22)
    expect(sim.makespanS).toBe(22)
    expect(sim.engine).toBe('event')
    expect(Array.from(sim.executorBusyS)).toEqual([5, 20])
    const cp = criticalPath(graph, sim)
    expect(cp.lengthS).toBe(22)
    expect(cp.steps.map((s) => graph.names[s.task])).toEqual(['launch1', 'k1', 'k2', 'sync'])
    expect(cp.steps.map((s) => s.via)).toEqual(['release', 'dependency', 'executor', 'wait'])
  })

  it('re-resolves the sync target when the kernels shrink (the wait follows the last issued op)', () => {
    const { graph, sync } = launchAndSync(0.5)
    const sim = simulateTaskGraph(graph)
    // kernels end at 4.5; the sync is ready at 6 and binds on the CPU executor instead
    expect(sim.startS[sync]).toBe(6)
    expect(sim.makespanS).toBe(7)
  })

  it('does not wait for ops issued after the sync, but does wait for orphans already queued', () => {
    const b = new TaskGraphBuilder()
    const cpu = b.addExecutor({ name: 'cpu', kind: 'cpu' })
    const gpu = b.addExecutor({ name: 'gpu', kind: 'gpu' })
    const sync = b.addTask({ executor: cpu, durationS: 1, waitsOn: [gpu] })
    const launch = b.addTask({ executor: cpu, durationS: 1 })
    const k = b.addTask({ executor: gpu, durationS: 100 })
    b.addDependency(launch, k, { kind: 'launch' })
    const sim = simulateTaskGraph(b.compile())
    expect(sim.endS[sync]).toBe(1)
    expect(sim.makespanS).toBe(102)
    // an orphan (no launch in the graph, pinned at its measured start) counts as issued before the sync
    const b2 = new TaskGraphBuilder()
    const c2 = b2.addExecutor({ name: 'cpu', kind: 'cpu' })
    const g2 = b2.addExecutor({ name: 'gpu', kind: 'gpu' })
    const s2 = b2.addTask({ executor: c2, durationS: 1, waitsOn: [g2] })
    b2.addTask({ executor: g2, durationS: 100, releaseS: 5 })
    expect(simulateTaskGraph(b2.compile()).endS[s2]).toBe(106)
  })

  it('agrees between the static and the event engine on a graph without waits', () => {
    const spec = {
      executors: [
        { name: 'c', kind: 'cpu' as const },
        { name: 'g', kind: 'gpu' as const },
      ],
      tasks: [
        { executor: 0, durationS: 3, gapS: 2 },
        { executor: 0, durationS: 1 },
        { executor: 1, durationS: 7, releaseS: 1 },
        { executor: 1, durationS: 2 },
      ],
      dependencies: [
        { from: 0, to: 2, lagS: 1, fromStart: true },
        { from: 1, to: 3, lagS: 0.5 },
      ],
    }
    const g = compileTaskGraph(spec)
    const a = simulateTaskGraph(g)
    const b = simulateTaskGraph(g, { forceEventEngine: true })
    expect(a.engine).toBe('static')
    expect(Array.from(a.startS)).toEqual([0, 5, 1, 8])
    expect(Array.from(b.startS)).toEqual(Array.from(a.startS))
    expect(a.makespanS).toBe(10)
  })

  it('takes replacement durations without recompiling', () => {
    const { graph } = launchAndSync(10)
    const d = Float64Array.from(graph.durationS)
    d[3] = 1
    d[4] = 1
    expect(simulateTaskGraph(graph, { durationS: d }).makespanS).toBe(7)
  })

  it('removeTasks bridges dependencies through removed tasks', () => {
    const spec = {
      executors: [
        { name: 'a', kind: 'cpu' as const },
        { name: 'b', kind: 'gpu' as const },
      ],
      tasks: [
        { executor: 0, durationS: 1 },
        { executor: 1, durationS: 5 },
        { executor: 1, durationS: 1 },
      ],
      dependencies: [
        { from: 0, to: 1, lagS: 2 },
        { from: 1, to: 2, lagS: 1 },
      ],
    }
    const out = removeTasks(spec, (i) => i === 1)
    expect(out.tasks.length).toBe(2)
    expect(out.dependencies).toEqual([{ from: 0, to: 1, lagS: 3, fromStart: false }])
    expect(simulateTaskGraph(compileTaskGraph(out)).makespanS).toBe(5)
  })
})

describe('priority executors', () => {
  const spec = (policy: 'fifo' | 'priority') => ({
    executors: [{ name: 'net', kind: 'link' as const, policy }],
    tasks: [
      { executor: 0, durationS: 5, order: 2, name: 'A' },
      { executor: 0, durationS: 5, order: 0, releaseS: 1, name: 'B' },
      { executor: 0, durationS: 5, order: 1, releaseS: 1, name: 'C' },
    ],
    dependencies: [],
  })
  it('run the ready task with the smallest order whenever the executor frees up', () => {
    const sim = simulateTaskGraph(compileTaskGraph(spec('priority')))
    expect(Array.from(sim.startS)).toEqual([0, 5, 10])
    expect(sim.engine).toBe('event')
  })
  it('differ from FIFO, which follows the order even when the head is not ready', () => {
    expect(Array.from(simulateTaskGraph(compileTaskGraph(spec('fifo'))).startS)).toEqual([11, 1, 6])
  })
  it('reject an unknown policy', () => {
    const bad = {
      ...spec('fifo'),
      executors: [{ name: 'n', kind: 'link' as const, policy: 'lifo' as 'fifo' }],
    }
    expect(() => compileTaskGraph(bad)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'policy' }),
    )
  })
})

describe('task-graph validation', () => {
  const base = { executors: [{ name: 'c', kind: 'cpu' as const }] }
  it.each([NaN, -1, Infinity])('rejects duration %s with INVALID_VALUE naming the task', (d) => {
    try {
      compileTaskGraph({ ...base, tasks: [{ executor: 0, durationS: d, name: 'k' }], dependencies: [] })
      expect.unreachable()
    } catch (e) {
      expect(isDnnperfError(e) && e.code).toBe('INVALID_VALUE')
      expect((e as { at: string }).at).toBe('task#0(k)')
    }
  })
  it('rejects a dangling dependency', () => {
    expect(() =>
      compileTaskGraph({
        ...base,
        tasks: [{ executor: 0, durationS: 1 }],
        dependencies: [{ from: 0, to: 3 }],
      }),
    ).toThrow(expect.objectContaining({ code: 'GRAPH_DANGLING_EDGE', missingNodeId: '3' }))
  })
  it('rejects an unknown executor', () => {
    expect(() =>
      compileTaskGraph({ ...base, tasks: [{ executor: 2, durationS: 1 }], dependencies: [] }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_VALUE', field: 'executor' }))
  })
  it('rejects a cycle formed by a dependency against executor order', () => {
    // task 1 runs after task 0 on the same thread, but task 0 depends on task 1
    expect(() =>
      compileTaskGraph({
        ...base,
        tasks: [
          { executor: 0, durationS: 1, name: 'a' },
          { executor: 0, durationS: 1, name: 'b' },
        ],
        dependencies: [{ from: 1, to: 0 }],
      }),
    ).toThrow(expect.objectContaining({ code: 'GRAPH_CYCLE' }))
  })
  it('waits only for the issued prefix of a stream, so out-of-order issue cannot deadlock', () => {
    // g0 is ahead of g1 in stream order but is launched after the sync; g1 alone is not an issued prefix
    const b = new TaskGraphBuilder()
    const c = b.addExecutor({ name: 'c', kind: 'cpu' })
    const g = b.addExecutor({ name: 'g', kind: 'gpu' })
    const sync = b.addTask({ executor: c, durationS: 1, releaseS: 1, waitsOn: [g] })
    const g0 = b.addTask({ executor: g, durationS: 1 })
    b.addTask({ executor: g, durationS: 1 })
    b.addDependency(sync, g0)
    const sim = simulateTaskGraph(b.compile())
    expect(sim.endS[sync]).toBe(2)
    expect(sim.makespanS).toBe(4)
  })
  it('releases a dynamic wait that would deadlock and counts it', () => {
    // k is launched before the sync (so it is issued and awaited) but also depends on the sync itself
    const b = new TaskGraphBuilder()
    const c = b.addExecutor({ name: 'c', kind: 'cpu' })
    const g = b.addExecutor({ name: 'g', kind: 'gpu' })
    const launch = b.addTask({ executor: c, durationS: 1 })
    const sync = b.addTask({ executor: c, durationS: 1, waitsOn: [g] })
    const k = b.addTask({ executor: g, durationS: 5 })
    b.addDependency(launch, k, { kind: 'launch' })
    b.addDependency(sync, k, { kind: 'sync' })
    const sim = simulateTaskGraph(b.compile())
    expect(sim.brokenWaitCount).toBe(1)
    expect(sim.startS[sync]).toBe(1)
    expect(sim.startS[k]).toBe(2)
    expect(sim.makespanS).toBe(7)
  })

  it('simulates an empty graph', () => {
    const sim = simulateTaskGraph(compileTaskGraph({ executors: [], tasks: [], dependencies: [] }))
    expect(sim.makespanS).toBe(0)
  })
})
