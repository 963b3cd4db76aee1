import { removeTasks as removeSpecTasks } from '@dnnperf/ir'
import { toTaskGraphSpec } from './simulate-trace.js'
import type { DependencyGraph, GraphDependency as Dep, GraphTask as Task, TaskInfo } from './types.js'

/** Indices of the tasks whose info (and task record) satisfy `predicate` (Daydream's Select). O(V). */
export function selectTasks(
  graph: DependencyGraph,
  predicate: (info: TaskInfo, task: Task, index: number) => boolean,
): number[] {
  const out: number[] = []
  graph.tasks.forEach((t, i) => {
    if (predicate(t.info, t, i)) out.push(i)
  })
  return out
}

/** Shallow copy whose task and dependency arrays can be changed without touching `graph`. O(V + E). */
export function cloneGraph(graph: DependencyGraph): DependencyGraph {
  return {
    ...graph,
    executors: graph.executors.map((e) => ({ ...e })),
    tasks: graph.tasks.map((t) => ({
      ...t,
      ...(t.waitsOn !== undefined ? { waitsOn: [...t.waitsOn] } : {}),
    })),
    dependencies: graph.dependencies.map((d) => ({ ...d })),
    warnings: [...graph.warnings],
  }
}

/** A copy of `graph` with the durations of `tasks` multiplied by `factor` (Daydream's Shrink). O(V + E). */
export function scaleTasks(
  graph: DependencyGraph,
  tasks: readonly number[],
  factor: number | ((i: number) => number),
): DependencyGraph {
  const out = cloneGraph(graph)
  for (const i of tasks) {
    const t = out.tasks[i]
    if (t === undefined) continue
    const f = typeof factor === 'number' ? factor : factor(i)
    t.durationS *= f
    t.info = { ...t.info, scale: (t.info.scale ?? 1) * f }
  }
  return out
}

/**
 * A copy of `graph` without `tasks`; dependencies through them are bridged (predecessor → successor, lags
 * added) and executor queues close up, so the removed tasks' durations and gaps vanish (Daydream's Remove).
 * O(V + E · b).
 */
export function removeGraphTasks(graph: DependencyGraph, tasks: readonly number[]): DependencyGraph {
  const drop = new Set(tasks)
  const spec = removeSpecTasks(toTaskGraphSpec(graph), (i) => drop.has(i))
  const kept = graph.tasks.filter((_, i) => !drop.has(i))
  return {
    ...graph,
    tasks: kept.map((t, k) => {
      const s = spec.tasks[k]!
      return { ...t, ...(s.waitsOn !== undefined ? { waitsOn: [...s.waitsOn] } : {}) }
    }),
    dependencies: spec.dependencies.map((d) => ({
      from: d.from,
      to: d.to,
      kind: d.kind === undefined ? 'data' : (d.kind as Dep['kind']),
      lagS: d.lagS ?? 0,
      fromStart: d.fromStart === true,
    })),
    warnings: [...graph.warnings],
  }
}

/** A new task to insert. `order` places it in its executor queue (compare `graph.tasks[i].order`, in trace ns). */
export interface InsertedTask {
  readonly executor: number
  readonly durationS: number
  readonly order: number
  readonly name: string
  readonly kind?: string
  readonly taskClass?: TaskInfo['taskClass']
  readonly gapS?: number
  readonly phase?: TaskInfo['phase']
  readonly layer?: string
  /** Tasks it waits for (end → start, lag 0 unless given). */
  readonly after?: readonly (
    | number
    | {
        readonly task: number
        readonly lagS?: number
        readonly fromStart?: boolean
        readonly kind?: Dep['kind']
      }
  )[]
  /** Tasks that wait for it. */
  readonly before?: readonly number[]
}

/** Appends a task with its dependencies to `graph` in place; returns its index (Daydream's Insert). O(deg). */
export function insertTask(graph: DependencyGraph, task: InsertedTask): number {
  const info: TaskInfo = {
    role: 'inserted',
    name: task.name,
    kind: task.kind ?? 'inserted',
    taskClass: task.taskClass ?? 'computation',
    eventIndex: -1,
    ...(task.phase !== undefined ? { phase: task.phase } : {}),
    ...(task.layer !== undefined ? { layer: task.layer } : {}),
  }
  graph.tasks.push({
    executor: task.executor,
    durationS: task.durationS,
    gapS: task.gapS ?? 0,
    releaseS: 0,
    order: task.order,
    info,
  })
  const i = graph.tasks.length - 1
  for (const a of task.after ?? []) {
    const d = typeof a === 'number' ? { task: a } : a
    graph.dependencies.push({
      from: d.task,
      to: i,
      kind: d.kind ?? 'data',
      lagS: d.lagS ?? 0,
      fromStart: d.fromStart === true,
    })
  }
  for (const b of task.before ?? [])
    graph.dependencies.push({ from: i, to: b, kind: 'data', lagS: 0, fromStart: false })
  return i
}

/**
 * Adds an executor (for example a network link for inserted communication) in place; returns its index. A
 * `priority` executor runs, whenever free, the ready task with the smallest `order` (Daydream's Schedule).
 */
export function addExecutor(
  graph: DependencyGraph,
  name: string,
  kind: 'cpu' | 'gpu' | 'link',
  policy: 'fifo' | 'priority' = 'fifo',
): number {
  graph.executors.push(policy === 'fifo' ? { name, kind } : { name, kind, policy })
  return graph.executors.length - 1
}

/** Moves a task to another queue position and optionally another executor, in place (Daydream's Schedule). */
export function rescheduleTask(graph: DependencyGraph, task: number, order: number, executor?: number): void {
  const t = graph.tasks[task]
  if (t === undefined) return
  t.order = order
  if (executor !== undefined) t.executor = executor
}

/**
 * `count` back-to-back copies of the iteration in one graph (copy c shifted by c measured iterations in queue
 * order and pinned releases), so a what-if can link one iteration to the next (P3: next forward waits for the
 * pull of its layer). `iterationCount` becomes `count`: simulated iteration time = makespan / count.
 * O(count · (V + E)).
 */
export function unrollIterations(graph: DependencyGraph, count = 2): DependencyGraph {
  const n = graph.tasks.length
  const spanS = graph.measuredIterationS / Math.max(1, graph.iterationCount)
  const spanNs = Math.round(spanS * 1e9)
  const tasks: Task[] = []
  const dependencies: Dep[] = []
  for (let c = 0; c < count; c++) {
    for (const t of graph.tasks) {
      tasks.push({
        ...t,
        ...(t.waitsOn !== undefined ? { waitsOn: [...t.waitsOn] } : {}),
        order: t.order + c * spanNs,
        releaseS: t.releaseS > 0 ? t.releaseS + c * spanS : 0,
        info: c === 0 ? t.info : { ...t.info, copy: c },
      })
    }
    for (const d of graph.dependencies) dependencies.push({ ...d, from: d.from + c * n, to: d.to + c * n })
  }
  return {
    ...graph,
    executors: graph.executors.map((e) => ({ ...e })),
    tasks,
    dependencies,
    measuredIterationS: graph.measuredIterationS * count,
    iterationCount: graph.iterationCount * count,
    warnings: [...graph.warnings],
  }
}
