import { compileDag } from '../graph/compiled-dag.js'
import { DanglingEdgeError, GraphCycleError, InvalidValueError } from '../errors.js'
import type {
  CompiledTaskGraph,
  DependencyKind,
  DependencySpec,
  ExecutorKind,
  ExecutorSpec,
  TaskGraphColumns,
  TaskGraphSpec,
  TaskSpec,
} from './types.js'
import { DEPENDENCY_KINDS } from './types.js'

const KIND_CODE: Readonly<Record<DependencyKind, number>> = {
  program: 0,
  stream: 1,
  launch: 2,
  sync: 3,
  communication: 4,
  data: 5,
}
const EXECUTOR_KINDS: ReadonlySet<string> = new Set<ExecutorKind>(['cpu', 'gpu', 'link'])

/**
 * Columnar builder of a task graph. Tasks and dependencies go into plain arrays; {@link TaskGraphBuilder.compile}
 * validates once and packs them into a {@link CompiledTaskGraph}. Indices returned by `addExecutor` / `addTask`
 * are the indices used everywhere else.
 */
export class TaskGraphBuilder {
  private readonly executors: ExecutorSpec[] = []
  private readonly taskExecutor: number[] = []
  private readonly taskDuration: number[] = []
  private readonly taskGap: number[] = []
  private readonly taskRelease: number[] = []
  private readonly taskOrder: number[] = []
  private readonly kinds: string[] = []
  private readonly names: (string | undefined)[] = []
  private readonly layers: (string | undefined)[] = []
  private readonly phases: (string | undefined)[] = []
  private readonly waits: (readonly number[] | undefined)[] = []
  private readonly depFrom: number[] = []
  private readonly depTo: number[] = []
  private readonly depLag: number[] = []
  private readonly depFromStart: number[] = []
  private readonly depKind: number[] = []

  /** Number of tasks added so far. */
  get taskCount(): number {
    return this.taskExecutor.length
  }

  /** Adds an executor; returns its index. */
  addExecutor(executor: ExecutorSpec): number {
    this.executors.push(
      executor.policy === undefined
        ? { name: executor.name, kind: executor.kind }
        : { name: executor.name, kind: executor.kind, policy: executor.policy },
    )
    return this.executors.length - 1
  }

  /** Adds a task; returns its index. Without `order`, tasks run on their executor in insertion order. */
  addTask(task: TaskSpec): number {
    const i = this.taskExecutor.length
    this.taskExecutor.push(task.executor)
    this.taskDuration.push(task.durationS)
    this.taskGap.push(task.gapS ?? 0)
    this.taskRelease.push(task.releaseS ?? 0)
    this.taskOrder.push(task.order ?? i)
    this.kinds.push(task.kind ?? 'task')
    this.names.push(task.name)
    this.layers.push(task.layer)
    this.phases.push(task.phase)
    // Pushed for every task (assigning past the end would leave holes and make the array a slow dictionary), and
    // without reading the list here: waits are rare and come late in a trace, so a `.length` read in this hot
    // method deoptimised it on every run. `compile` counts them.
    this.waits.push(task.waitsOn)
    return i
  }

  /** Adds a static dependency `from -> to`. */
  addDependency(from: number, to: number, options: Omit<DependencySpec, 'from' | 'to'> = {}): void {
    this.depFrom.push(from)
    this.depTo.push(to)
    this.depLag.push(options.lagS ?? 0)
    this.depFromStart.push(options.fromStart === true ? 1 : 0)
    this.depKind.push(KIND_CODE[options.kind ?? 'data'] ?? 5)
  }

  /**
   * Validates and packs the graph.
   *
   * Runs in O(V + E) plus a sort of each executor queue whose `order` keys are not already ascending.
   *
   * @throws InvalidValueError (`INVALID_VALUE`) for a NaN, infinite or negative duration, gap, release or lag,
   *   or an unknown executor kind / index.
   * @throws DanglingEdgeError (`GRAPH_DANGLING_EDGE`) when a dependency or wait names a missing task/executor.
   * @throws GraphCycleError (`GRAPH_CYCLE`) when dependencies and executor order form a cycle.
   */
  compile(): CompiledTaskGraph {
    const n = this.taskExecutor.length
    const waitStart = new Uint32Array(n + 1)
    const waitExecutor: number[] = []
    for (let i = 0; i < n; i++) {
      const list = this.waits[i]
      if (list !== undefined) for (const e of list) waitExecutor.push(e)
      waitStart[i + 1] = waitExecutor.length
    }
    return compileColumns(
      {
        executors: this.executors.slice(),
        taskCount: n,
        executor: this.taskExecutor,
        durationS: this.taskDuration,
        gapS: this.taskGap,
        releaseS: this.taskRelease,
        order: this.taskOrder,
        kinds: this.kinds.slice(),
        names: this.names.slice(),
        layers: this.layers.slice(),
        phases: this.phases.slice(),
        waitStart,
        waitExecutor,
        dependencyCount: this.depFrom.length,
        dependencyFrom: this.depFrom,
        dependencyTo: this.depTo,
        dependencyLagS: this.depLag,
        dependencyFromStart: this.depFromStart,
        dependencyKind: this.depKind,
      },
      waitStart,
    )
  }
}

function compileColumns(c: TaskGraphColumns, builtWaitStart?: Uint32Array): CompiledTaskGraph {
  const n = c.taskCount
  const taskExecutor = c.executor
  const taskDuration = c.durationS
  const taskGap = c.gapS
  const taskRelease = c.releaseS
  const taskOrder = c.order
  const depFrom = c.dependencyFrom
  const depTo = c.dependencyTo
  const depLag = c.dependencyLagS
  const depFromStart = c.dependencyFromStart
  const depKind = c.dependencyKind
  const names = c.names
  const taskLabel = (i: number): string => labelOf(names, i)
  const executorCount = c.executors.length
  for (let e = 0; e < executorCount; e++) {
    const ex = c.executors[e]!
    if (!EXECUTOR_KINDS.has(ex.kind)) {
      throw new InvalidValueError({
        at: `executor#${e}`,
        field: 'kind',
        value: ex.kind,
        expected: 'cpu, gpu or link',
      })
    }
  }
  const executorOf = new Uint32Array(n)
  const durationS = new Float64Array(n)
  const gapS = new Float64Array(n)
  const releaseS = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const e = taskExecutor[i]!
    if (!Number.isInteger(e) || e < 0 || e >= executorCount) {
      throw new InvalidValueError({
        at: taskLabel(i),
        field: 'executor',
        value: e,
        expected: `an executor index in [0, ${executorCount})`,
      })
    }
    executorOf[i] = e
    // Inline checks: a label closure per field and task cost more than the rest of the loop.
    const d = taskDuration[i]!
    const gap = taskGap[i]!
    const r = taskRelease[i]!
    if (!isTime(d)) throw badTime(d, taskLabel(i), 'durationS')
    if (!isTime(gap)) throw badTime(gap, taskLabel(i), 'gapS')
    if (!isTime(r)) throw badTime(r, taskLabel(i), 'releaseS')
    durationS[i] = d
    gapS[i] = gap
    releaseS[i] = r
    if (Number.isNaN(taskOrder[i]!)) {
      throw new InvalidValueError({
        at: taskLabel(i),
        field: 'order',
        value: NaN,
        expected: 'a number',
      })
    }
  }

  // Executor queues: counting sort by executor, then order each queue by its keys (stable, ties by index).
  const queueStart = new Uint32Array(executorCount + 1)
  for (let i = 0; i < n; i++) queueStart[executorOf[i]! + 1]!++
  for (let e = 0; e < executorCount; e++) queueStart[e + 1]! += queueStart[e]!
  const queue = new Uint32Array(n)
  const fill = queueStart.slice(0, executorCount)
  for (let i = 0; i < n; i++) queue[fill[executorOf[i]!]!++] = i
  const order = taskOrder
  for (let e = 0; e < executorCount; e++) {
    const lo = queueStart[e]!
    const hi = queueStart[e + 1]!
    sortQueue(queue, lo, hi, order)
  }
  const queuePos = new Uint32Array(n)
  for (let e = 0; e < executorCount; e++) {
    for (let k = queueStart[e]!; k < queueStart[e + 1]!; k++) queuePos[queue[k]!] = k - queueStart[e]!
  }

  // Static dependencies in CSR by target (pred) and by source (succEdge -> pred slot).
  const m = c.dependencyCount
  const predStart = new Uint32Array(n + 1)
  const succStart = new Uint32Array(n + 1)
  for (let d = 0; d < m; d++) {
    const u = depFrom[d]!
    const v = depTo[d]!
    if (!isIndex(u, n) || !isIndex(v, n)) {
      const missing = isIndex(u, n) ? v : u
      throw new DanglingEdgeError({ from: String(u), to: String(v), missingNodeId: String(missing) })
    }
    if (u === v)
      throw new GraphCycleError({
        nodeId: taskLabel(u),
        cycle: [taskLabel(u), taskLabel(u)],
      })
    const lag = depLag[d]!
    if (!isTime(lag)) throw badTime(lag, `${taskLabel(u)}->${taskLabel(v)}`, 'lagS')
    predStart[v + 1]!++
    succStart[u + 1]!++
  }
  for (let i = 0; i < n; i++) {
    predStart[i + 1]! += predStart[i]!
    succStart[i + 1]! += succStart[i]!
  }
  const pred = new Uint32Array(m)
  const predOwner = new Uint32Array(m)
  const predLagS = new Float64Array(m)
  const predFromStart = new Uint8Array(m)
  const predKind = new Uint8Array(m)
  const succEdge = new Uint32Array(m)
  const pFill = predStart.slice(0, n)
  const sFill = succStart.slice(0, n)
  for (let d = 0; d < m; d++) {
    const u = depFrom[d]!
    const v = depTo[d]!
    const slot = pFill[v]!++
    pred[slot] = u
    predOwner[slot] = v
    predLagS[slot] = depLag[d]!
    predFromStart[slot] = depFromStart[d]!
    predKind[slot] = depKind[d]!
    succEdge[sFill[u]!++] = slot
  }

  // Dynamic waits.
  const waitStart = builtWaitStart ?? Uint32Array.from({ length: n + 1 }, (_, i) => c.waitStart[i]!)
  const waitCount = waitStart[n]!
  const waitExecutor = new Uint32Array(waitCount)
  const waitList = c.waitExecutor
  for (let i = 0; i < n; i++) {
    for (let w = waitStart[i]!; w < waitStart[i + 1]!; w++) {
      const e = waitList[w]!
      if (!isIndex(e, executorCount)) {
        throw new DanglingEdgeError({
          from: `executor#${e}`,
          to: taskLabel(i),
          missingNodeId: `executor#${e}`,
        })
      }
      waitExecutor[w] = e
    }
  }

  const priorityExecutor = new Uint8Array(executorCount)
  for (let e = 0; e < executorCount; e++) {
    const policy = c.executors[e]!.policy
    if (policy !== undefined && policy !== 'fifo' && policy !== 'priority') {
      throw new InvalidValueError({
        at: `executor#${e}`,
        field: 'policy',
        value: policy,
        expected: 'fifo or priority',
      })
    }
    if (policy === 'priority') priorityExecutor[e] = 1
  }
  const topoOrder = topologicalOrder(
    taskLabel,
    priorityExecutor,
    n,
    queue,
    queueStart,
    queuePos,
    executorOf,
    predStart,
    pred,
    succStart,
    succEdge,
    predOwner,
  )
  return {
    taskCount: n,
    executors: c.executors,
    executorOf,
    durationS,
    gapS,
    releaseS,
    queueStart,
    queue,
    queuePos,
    predStart,
    pred,
    predOwner,
    predLagS,
    predFromStart,
    predKind,
    succStart,
    succEdge,
    waitStart,
    waitExecutor,
    priorityExecutor,
    topoOrder,
    kinds: c.kinds,
    names: c.names,
    layers: c.layers,
    phases: c.phases,
  }
}

function labelOf(names: readonly (string | undefined)[], i: number): string {
  const name = names[i]
  if (name === undefined) return `task#${i}`
  return `task#${i}(${name.length > 48 ? `${name.slice(0, 47)}…` : name})`
}

/** Kahn over static edges plus executor-order edges; on failure, reuse compileDag to name a cycle. */
function topologicalOrder(
  taskLabel: (i: number) => string,
  priorityExecutor: Uint8Array,
  n: number,
  queue: Uint32Array,
  queueStart: Uint32Array,
  queuePos: Uint32Array,
  executorOf: Uint32Array,
  predStart: Uint32Array,
  pred: Uint32Array,
  succStart: Uint32Array,
  succEdge: Uint32Array,
  predOwner: Uint32Array,
): Uint32Array {
  const inDegree = new Uint32Array(n)
  // Priority executors impose no fixed order, so they add no chain edges.
  const chained = (i: number): boolean => queuePos[i]! > 0 && priorityExecutor[executorOf[i]!] === 0
  for (let i = 0; i < n; i++) inDegree[i] = predStart[i + 1]! - predStart[i]! + (chained(i) ? 1 : 0)
  const topo = new Uint32Array(n)
  let head = 0
  let tail = 0
  for (let i = 0; i < n; i++) if (inDegree[i] === 0) topo[tail++] = i
  while (head < tail) {
    const u = topo[head++]!
    for (let s = succStart[u]!; s < succStart[u + 1]!; s++) {
      const v = predOwner[succEdge[s]!]!
      if (--inDegree[v]! === 0) topo[tail++] = v
    }
    const e = executorOf[u]!
    const next = queueStart[e]! + queuePos[u]! + 1
    if (priorityExecutor[e] === 0 && next < queueStart[e + 1]!) {
      const v = queue[next]!
      if (--inDegree[v]! === 0) topo[tail++] = v
    }
  }
  if (tail < n) {
    // Slow path, only on error: hand the stuck sub-graph to compileDag, which names a cycle.
    const ids: string[] = []
    const stuck = new Map<number, string>()
    for (let i = 0; i < n; i++) {
      if (inDegree[i]! > 0) {
        const id = taskLabel(i)
        stuck.set(i, id)
        ids.push(id)
      }
    }
    const edges: { from: string; to: string }[] = []
    for (const [v, to] of stuck) {
      for (let s = predStart[v]!; s < predStart[v + 1]!; s++) {
        const from = stuck.get(pred[s]!)
        if (from !== undefined) edges.push({ from, to })
      }
      if (chained(v)) {
        const from = stuck.get(queue[queueStart[executorOf[v]!]! + queuePos[v]! - 1]!)
        if (from !== undefined) edges.push({ from, to })
      }
    }
    try {
      compileDag(ids, edges)
    } catch (e) {
      // Keep the error readable on long cycles of long kernel names: at most 12 steps.
      const cycle = e instanceof GraphCycleError ? e.cycle : ids
      const short =
        cycle.length <= 12
          ? cycle
          : [...cycle.slice(0, 6), `… ${cycle.length - 11} more …`, ...cycle.slice(-5)]
      throw new GraphCycleError({ nodeId: short[0] ?? 'task#?', cycle: short })
    }
    throw new GraphCycleError({ nodeId: ids[0] ?? 'task#?', cycle: ids.slice(0, 12) })
  }
  return topo
}

/**
 * Compiles a plain {@link TaskGraphSpec} (for example one read from JSON) into a {@link CompiledTaskGraph}.
 *
 * Exact; O(V + E) plus queue sorting. Throws like {@link TaskGraphBuilder.compile}.
 */
export function compileTaskGraph(spec: TaskGraphSpec): CompiledTaskGraph {
  const b = new TaskGraphBuilder()
  for (const e of spec.executors) b.addExecutor(e)
  for (const t of spec.tasks) b.addTask(t)
  for (const d of spec.dependencies) b.addDependency(d.from, d.to, d)
  return b.compile()
}

/**
 * Compiles a task graph given as columns (typed arrays or plain arrays) into a {@link CompiledTaskGraph},
 * without a spec object per task. The result takes over `executors` and the label arrays without copying.
 *
 * Exact, same result as {@link compileTaskGraph} of the equivalent spec; O(V + E) plus queue sorting. Throws
 * like {@link TaskGraphBuilder.compile}.
 */
export function compileTaskGraphColumns(columns: TaskGraphColumns): CompiledTaskGraph {
  return compileColumns(columns)
}

/** The dependency kind of a static dependency slot. */
export function dependencyKindOf(graph: CompiledTaskGraph, slot: number): DependencyKind {
  return DEPENDENCY_KINDS[graph.predKind[slot]!] ?? 'data'
}

function isIndex(x: number, n: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < n
}

/** Whether `x` is a valid time: a finite number >= 0 (`Number.isFinite` is false for non-numbers). */
function isTime(x: number): boolean {
  return Number.isFinite(x) && x >= 0
}

/** The error for an invalid time; callers build `at` only on failure (labels of long kernel names are costly). */
function badTime(x: number, at: string, field: string): InvalidValueError {
  return new InvalidValueError({ at, field, value: x, expected: 'a finite number >= 0 (seconds)' })
}

/**
 * Sorts `queue[lo..hi)` by ascending `order`, ties by task index, in place. The slice starts in index order and
 * is usually made of a few ascending runs (a trace's calls, then the sync waits appended after them), so a
 * natural merge sort over typed arrays takes O(n log runs) without a comparator call per comparison.
 */
function sortQueue(queue: Uint32Array, lo: number, hi: number, order: ArrayLike<number>): void {
  const runs: number[] = [lo]
  let numeric = true
  for (let k = lo; k < hi; k++) {
    const o = order[queue[k]!]!
    if (typeof o !== 'number') numeric = false
    else if (k > lo && o < order[queue[k - 1]!]!) runs.push(k)
  }
  if (!numeric) {
    // Invalid input (keys that are not numbers): the comparator sort, with its coercions, as before.
    let sorted = true
    for (let k = lo + 1; k < hi && sorted; k++) if (order[queue[k]!]! < order[queue[k - 1]!]!) sorted = false
    if (!sorted) {
      const part = Array.from(queue.subarray(lo, hi)).sort((a, b) => order[a]! - order[b]! || a - b)
      queue.set(part, lo)
    }
    return
  }
  if (runs.length === 1) return
  runs.push(hi)
  let src = queue.slice(lo, hi)
  let dst = new Uint32Array(hi - lo)
  let bounds = runs.map((k) => k - lo)
  while (bounds.length > 2) {
    const next: number[] = [0]
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const a0 = bounds[r]!
      const a1 = bounds[r + 1]!
      const b1 = r + 2 < bounds.length ? bounds[r + 2]! : a1
      let i = a0
      let j = a1
      let o = a0
      while (i < a1 && j < b1) {
        const x = src[i]!
        const y = src[j]!
        const ox = order[x]!
        const oy = order[y]!
        if (ox < oy || (ox === oy && x < y)) {
          dst[o++] = x
          i++
        } else {
          dst[o++] = y
          j++
        }
      }
      while (i < a1) dst[o++] = src[i++]!
      while (j < b1) dst[o++] = src[j++]!
      next.push(b1)
    }
    const t = src
    src = dst
    dst = t
    bounds = next
  }
  queue.set(src, lo)
}
