import { simulateTaskGraph, TaskGraphBuilder } from '@dnnperf/ir'
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

/**
 * `compileTaskGraph(toTaskGraphSpec(graph))` without a spec object per task: one reused spec is filled from each
 * task (the builder copies its fields), which saves an allocation and a copy per task on every simulation.
 */
function compileDependencyGraph(graph: DependencyGraph): CompiledTaskGraph {
  const b = new TaskGraphBuilder()
  for (const e of graph.executors) b.addExecutor(e)
  const spec: { -readonly [K in keyof TaskSpec]-?: TaskSpec[K] | undefined } = {
    executor: 0,
    durationS: 0,
    gapS: undefined,
    releaseS: undefined,
    order: undefined,
    kind: undefined,
    name: undefined,
    layer: undefined,
    phase: undefined,
    waitsOn: undefined,
  }
  const tasks = graph.tasks
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!
    const info = t.info
    spec.executor = t.executor
    spec.durationS = t.durationS
    spec.gapS = t.gapS
    spec.releaseS = t.releaseS
    spec.order = t.order
    spec.kind = info.kind
    spec.name = info.name
    spec.layer = info.layer
    spec.phase = info.phase
    spec.waitsOn = t.waitsOn
    b.addTask(spec as TaskSpec)
  }
  for (const d of graph.dependencies) b.addDependency(d.from, d.to, d)
  return b.compile()
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
