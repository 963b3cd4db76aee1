import { compileTaskGraphColumns, DEPENDENCY_KINDS, simulateTaskGraph } from '@dnnperf/ir'
import type { CompiledTaskGraph, TaskGraphSpec, TaskSpec } from '@dnnperf/ir'
import type { DependencyGraph, TraceSimulation } from './types.js'

/** The IR task-graph spec of a dependency graph (labels copied; trace details stay in `graph.tasks[i].info`). */
export function toTaskGraphSpec(graph: DependencyGraph): TaskGraphSpec {
  const tasks: TaskSpec[] = new Array(graph.tasks.length)
  for (let i = 0; i < graph.tasks.length; i++) {
    const t = graph.tasks[i]!
    // Plain assignments rather than conditional spreads: this runs once per task on every simulation.
    const spec: { -readonly [K in keyof TaskSpec]: TaskSpec[K] } = {
      executor: t.executor,
      durationS: t.durationS,
      gapS: t.gapS,
      releaseS: t.releaseS,
      order: t.order,
      kind: t.info.kind,
      name: t.info.name,
    }
    if (t.info.layer !== undefined) spec.layer = t.info.layer
    if (t.info.phase !== undefined) spec.phase = t.info.phase
    if (t.waitsOn !== undefined) spec.waitsOn = t.waitsOn
    tasks[i] = spec
  }
  return { executors: graph.executors, tasks, dependencies: graph.dependencies }
}

const KIND_CODE: ReadonlyMap<string, number> = new Map(DEPENDENCY_KINDS.map((k, i) => [k, i]))

/**
 * `compileTaskGraph(toTaskGraphSpec(graph))` without a spec object per task: one pass over the tasks fills
 * typed columns and label arrays that `compileTaskGraphColumns` takes over without copying. Index columns are
 * Float64Array so that invalid values reach the IR validation unchanged.
 */
function compileDependencyGraph(graph: DependencyGraph): CompiledTaskGraph {
  const tasks = graph.tasks
  const n = tasks.length
  const executor = new Float64Array(n)
  const durationS = new Float64Array(n)
  const gapS = new Float64Array(n)
  const releaseS = new Float64Array(n)
  const order = new Float64Array(n)
  const kinds: string[] = []
  const names: (string | undefined)[] = []
  const layers: (string | undefined)[] = []
  const phases: (string | undefined)[] = []
  const waitStart = new Uint32Array(n + 1)
  const waitExecutor: number[] = []
  for (let i = 0; i < n; i++) {
    const t = tasks[i]!
    const info = t.info
    executor[i] = t.executor
    durationS[i] = t.durationS
    gapS[i] = t.gapS ?? 0
    releaseS[i] = t.releaseS ?? 0
    order[i] = t.order ?? i
    kinds.push(info.kind ?? 'task')
    names.push(info.name)
    layers.push(info.layer)
    phases.push(info.phase)
    const waits = t.waitsOn
    if (waits !== undefined) for (const e of waits) waitExecutor.push(e)
    waitStart[i + 1] = waitExecutor.length
  }
  const deps = graph.dependencies
  const m = deps.length
  const dependencyFrom = new Float64Array(m)
  const dependencyTo = new Float64Array(m)
  const dependencyLagS = new Float64Array(m)
  const dependencyFromStart = new Uint8Array(m)
  const dependencyKind = new Uint8Array(m)
  for (let d = 0; d < m; d++) {
    const dep = deps[d]!
    dependencyFrom[d] = dep.from
    dependencyTo[d] = dep.to
    dependencyLagS[d] = dep.lagS ?? 0
    dependencyFromStart[d] = dep.fromStart === true ? 1 : 0
    dependencyKind[d] = KIND_CODE.get(dep.kind ?? 'data') ?? 5
  }
  return compileTaskGraphColumns({
    executors: graph.executors.map((e) =>
      e.policy === undefined
        ? { name: e.name, kind: e.kind }
        : { name: e.name, kind: e.kind, policy: e.policy },
    ),
    taskCount: n,
    executor,
    durationS,
    gapS,
    releaseS,
    order,
    kinds,
    names,
    layers,
    phases,
    waitStart,
    waitExecutor,
    dependencyCount: m,
    dependencyFrom,
    dependencyTo,
    dependencyLagS,
    dependencyFromStart,
    dependencyKind,
  })
}

/**
 * Simulates a dependency graph with the IR engine (Daydream semantics, stream syncs resolved at run time).
 * `iterationS` is the makespan from the window start divided by `graph.iterationCount`, comparable with the
 * measured iteration.
 *
 * Exact for the model; O((V + E) log V). @throws like `compileTaskGraph` / `simulateTaskGraph` on a graph that a
 * transformation made invalid (GRAPH_CYCLE, INVALID_VALUE).
 */
export function simulateTrace(graph: DependencyGraph): TraceSimulation {
  const compiled = compileDependencyGraph(graph)
  const result = simulateTaskGraph(compiled)
  return { graph, compiled, result, iterationS: result.makespanS / Math.max(1, graph.iterationCount) }
}
