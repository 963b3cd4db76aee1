import { GraphCycleError } from '@dnnperf/ir'
import { kernelClassOfName, phaseOf } from './classify.js'
import type {
  DependencyGraph,
  ExecutionGraphOptions,
  ExecutionTrace,
  ExecutionTraceNode,
  LoadedTrace,
  Phase,
  TaskClass,
  TaskInfo,
  TraceWarning,
} from './types.js'

const PROFILER_NODE = /^\[pytorch\|profiler\|/
/** Record-function scopes that wrap operators rather than being one: PARAM `[...]` labels, `## x ##`, steps. */
const SCOPE_NODE = /^\[.*\]$|^## .* ##$|^ProfilerStep#\d+$/

/**
 * Pairs of (ET node id, Kineto event index) for host-ET nodes whose `rf_id` equals the External id of a Kineto
 * `cpu_op` or `user_annotation` and whose names agree (reference §3: rf_id ranges overlap External ids, so the
 * name check is what makes a match trustworthy). Exact; O(nodes + events).
 */
export function linkExecutionTrace(
  et: ExecutionTrace,
  kineto: LoadedTrace,
): { readonly nodeId: number; readonly eventIndex: number }[] {
  const byExternal = new Map<number, LoadedTrace['events'][number][]>()
  for (const e of kineto.events) {
    if ((e.activity !== 'cpu_op' && e.activity !== 'annotation') || e.externalId === undefined) continue
    const list = byExternal.get(e.externalId)
    if (list === undefined) byExternal.set(e.externalId, [e])
    else list.push(e)
  }
  const out: { nodeId: number; eventIndex: number }[] = []
  for (const n of et.nodes) {
    if (n.rfId === undefined) continue
    const hit = byExternal.get(n.rfId)?.find((e) => e.name === n.name)
    if (hit !== undefined) out.push({ nodeId: n.id, eventIndex: hit.index })
  }
  return out
}

/**
 * The dependency graph of an execution trace, ready for `simulateTrace`, the primitives and the recipes.
 *
 * - Converted Chakra ETs (jsonized or protobuf): every non-metadata node is a task with its recorded duration
 *   (0 when absent), `ctrl_deps` become program edges and `data_deps` data edges.
 *   - Without start times (the usual case: Chakra records durations only) executors are the CPU (one per `tid`
 *     when known), GPU compute, GPU communication and memory, each running its ready tasks in topological order
 *     (priority policy), as a Chakra replayer does.
 *   - When every node has a start time (`start_time_micros`) the trace is replayed like a profiler trace: one
 *     FIFO executor per CPU thread and per GPU stream (a GPU node's `tid`) in recorded order, the recorded idle
 *     time before each task as the previous task's gap, a dependency whose source was still running when its
 *     dependent started measured from the source's start (`ET_DEPENDENCY_OVERLAP`), and one pointing backwards
 *     in time dropped (`ET_DEPENDENCY_AGAINST_TIME`). The unmodified replay then reproduces the recorded
 *     makespan whenever the tasks of each executor do not overlap (`ET_EXECUTOR_OVERLAP` otherwise).
 * - Host ETs: the outermost operators under the profiler's thread nodes and record-function scopes (`[...]`,
 *   `## x ##`, `ProfilerStep#N`) are the tasks (nested calls are inside their caller's time), one FIFO executor
 *   per thread in node-id order, and a data edge from the last earlier operator that wrote a tensor (anywhere in
 *   its call subtree) to each operator that reads it. Phases come from the operator's and its scopes' names
 *   (`Optimizer.step`, autograd, DataLoader). Host ETs carry no times: with `options.kineto` each operator takes
 *   the start and duration of its linked `cpu_op` or annotation ({@link linkExecutionTrace}); a linked ET
 *   (Chakra's trace linker) brings its own `ts` and durations, and its GPU children become tasks on one executor
 *   per stream launched by their operator. The recorded idle time between operators of a thread becomes gaps,
 *   so the unmodified replay reproduces the recorded span. Unlinked operators take 0 and are counted in an
 *   `ET_UNTIMED` warning.
 *
 * Dependencies naming unknown nodes are dropped with an `ET_DANGLING_DEPENDENCY` warning; control dependencies
 * that contradict the data dependencies are dropped with `ET_CONTROL_DEPENDENCY_DROPPED` (unless
 * `strictControlDependencies`), so the graph is acyclic whenever the data dependencies are. Exact; O(V + E).
 *
 * @throws GraphCycleError (`GRAPH_CYCLE`) when the data dependencies (or, strictly, all dependencies) of a
 *   converted ET form a cycle.
 */
export function buildExecutionGraph(
  et: ExecutionTrace,
  options: ExecutionGraphOptions = {},
): DependencyGraph {
  return et.format === 'host-et' ? hostGraph(et, options) : chakraGraph(et, options)
}

type MutableGraph = {
  executors: DependencyGraph['executors']
  tasks: DependencyGraph['tasks']
  dependencies: DependencyGraph['dependencies']
}

function classOf(kind: ExecutionTraceNode['kind'], name: string): TaskClass {
  return kind === 'cpu'
    ? 'cpu'
    : kind === 'comm'
      ? 'communication'
      : kind === 'memory'
        ? 'memory'
        : // COMP nodes include NCCL kernels and copies: classify GPU work by name, as HTA does for Kineto
          kernelClassOfName(name)
}

function taskKindOf(kind: ExecutionTraceNode['kind']): string {
  return kind === 'cpu' ? 'cpu_op' : kind === 'comm' ? 'comm' : kind === 'memory' ? 'memcpy' : 'kernel'
}

/** Counted warnings, emitted once per code with the first example. */
class Warnings {
  private readonly counts = new Map<string, { message: string; count: number; example: string | undefined }>()
  add(code: string, message: string, example?: string): void {
    const c = this.counts.get(code)
    if (c === undefined) this.counts.set(code, { message, count: 1, example })
    else c.count++
  }
  flush(into: TraceWarning[]): void {
    for (const [code, c] of this.counts)
      into.push({
        code,
        message: c.message,
        count: c.count,
        ...(c.example !== undefined ? { example: c.example } : {}),
      })
  }
}

/**
 * The edge from a recorded source to a recorded dependent: finish-to-start when the source had ended, else from
 * the source's start with the measured lag (so the replay keeps the recorded start); undefined when the source
 * started after the dependent (a dependency the recording contradicts). All times relative, seconds.
 */
function timedEdge(
  from: { startS: number; endS: number },
  to: { startS: number },
): { fromStart: boolean; lagS: number } | undefined {
  if (from.startS > to.startS) return undefined
  if (from.endS <= to.startS) return { fromStart: false, lagS: 0 }
  return { fromStart: true, lagS: to.startS - from.startS }
}

function chakraGraph(et: ExecutionTrace, options: ExecutionGraphOptions): DependencyGraph {
  const warnings: TraceWarning[] = [...et.warnings]
  const nodes = et.nodes.filter((n) => n.kind !== 'metadata')
  const indexOf = new Map<number, number>()
  let duplicates = 0
  const kept: ExecutionTraceNode[] = []
  for (const n of nodes) {
    if (indexOf.has(n.id)) {
      duplicates++
      continue
    }
    indexOf.set(n.id, kept.length)
    kept.push(n)
  }
  if (duplicates > 0)
    warnings.push({
      code: 'ET_DUPLICATE_ID',
      message: 'ET nodes repeating an earlier id skipped',
      count: duplicates,
    })
  const startCount = kept.filter((n) => n.startS !== undefined && n.durationS !== undefined).length
  const timed = kept.length > 0 && startCount === kept.length
  if (!timed && startCount > 0) {
    warnings.push({
      code: 'ET_PARTIALLY_TIMED',
      message: 'only some ET nodes have a start time; start times ignored (replayed from durations)',
      count: startCount,
    })
  }
  // Data dependencies first: they define the order. Control dependencies of converted traces can contradict
  // it (the public feeder-test trace has ctrl 3317 -> 3318 and data 3318 -> 3317, chakra#134/#189): unless
  // `strictControlDependencies`, a control edge pointing backwards in the data order is dropped with a warning.
  const resolve = (
    list: readonly number[],
    i: number,
    n: ExecutionTraceNode,
    seen: Set<number>,
  ): number[] => {
    const out: number[] = []
    for (const d of list) {
      const j = indexOf.get(d)
      if (j === undefined) {
        dangling++
        danglingExample ??= `node ${n.id} -> ${d}`
        continue
      }
      if (j === i || seen.has(j)) continue
      seen.add(j)
      out.push(j)
    }
    return out
  }
  let dangling = 0
  let danglingExample: string | undefined
  const seen = kept.map(() => new Set<number>())
  const dataPreds = kept.map((n, i) => resolve(n.dataDeps, i, n, seen[i]!))
  const ctrlPreds = kept.map((n, i) => resolve(n.ctrlDeps, i, n, seen[i]!))
  if (dangling > 0) {
    warnings.push({
      code: 'ET_DANGLING_DEPENDENCY',
      message: 'dependencies on node ids absent from the trace dropped',
      count: dangling,
      ...(danglingExample !== undefined ? { example: danglingExample } : {}),
    })
  }
  return timed
    ? timedChakraGraph(kept, dataPreds, ctrlPreds, options, warnings)
    : untimedChakraGraph(kept, dataPreds, ctrlPreds, options, warnings)
}

function untimedChakraGraph(
  kept: readonly ExecutionTraceNode[],
  dataPreds: number[][],
  ctrlPreds: number[][],
  options: ExecutionGraphOptions,
  warnings: TraceWarning[],
): DependencyGraph {
  const label = (i: number): string => String(kept[i]!.id)
  const preds: { from: number; kind: 'program' | 'data' }[][] = dataPreds.map((ps) =>
    ps.map((from) => ({ from, kind: 'data' as const })),
  )
  let rank: number[]
  if (options.strictControlDependencies === true) {
    ctrlPreds.forEach((ps, i) => {
      for (const from of ps) preds[i]!.push({ from, kind: 'program' })
    })
    rank = topologicalRanks(
      kept.length,
      preds.map((p) => p.map((d) => d.from)),
      label,
    )
  } else {
    rank = topologicalRanks(kept.length, dataPreds, label)
    let dropped = 0
    let example: string | undefined
    ctrlPreds.forEach((ps, i) => {
      for (const from of ps) {
        if (rank[from]! < rank[i]!) preds[i]!.push({ from, kind: 'program' })
        else {
          dropped++
          example ??= `node ${kept[i]!.id} after ${kept[from]!.id}`
        }
      }
    })
    if (dropped > 0) {
      warnings.push({
        code: 'ET_CONTROL_DEPENDENCY_DROPPED',
        message:
          'control dependencies contradicting the data dependencies (they would close a cycle) dropped',
        count: dropped,
        ...(example !== undefined ? { example } : {}),
      })
    }
  }
  const g: MutableGraph = { executors: [], tasks: [], dependencies: [] }
  const executor = executorTable(g, 'priority')
  kept.forEach((n, i) => {
    const e =
      n.kind === 'cpu'
        ? executor(n.tid !== undefined ? `cpu thread ${n.tid}` : 'cpu', 'cpu')
        : n.kind === 'comm'
          ? executor('gpu communication', 'gpu')
          : n.kind === 'memory'
            ? executor('memory', 'gpu')
            : executor('gpu compute', 'gpu')
    const info: TaskInfo = {
      role: n.kind === 'cpu' ? 'runtime' : 'gpu',
      name: n.name,
      taskClass: classOf(n.kind, n.name),
      kind: taskKindOf(n.kind),
      eventIndex: -1,
      ...(n.durationS !== undefined ? { measuredDurationS: n.durationS } : {}),
    }
    g.tasks.push({ executor: e, durationS: n.durationS ?? 0, gapS: 0, releaseS: 0, order: rank[i]!, info })
    for (const p of preds[i]!)
      g.dependencies.push({ from: p.from, to: i, kind: p.kind, lagS: 0, fromStart: false })
  })
  const untimed = kept.filter((n) => n.durationS === undefined).length
  if (untimed > 0)
    warnings.push({ code: 'ET_UNTIMED', message: 'ET nodes without a duration taken as 0', count: untimed })
  return finishGraph(g, 0, 0, warnings)
}

function timedChakraGraph(
  kept: readonly ExecutionTraceNode[],
  dataPreds: number[][],
  ctrlPreds: number[][],
  options: ExecutionGraphOptions,
  warnings: TraceWarning[],
): DependencyGraph {
  const origin = kept.reduce((m, n) => Math.min(m, n.startS!), Number.POSITIVE_INFINITY)
  const startOf = (i: number): number => kept[i]!.startS! - origin
  const endOf = (i: number): number => startOf(i) + kept[i]!.durationS!
  // (start, index): the executors' queue key, so edges kept below always point forward and close no cycle.
  const before = (a: number, b: number): boolean =>
    startOf(a) < startOf(b) || (startOf(a) === startOf(b) && a < b)
  const w = new Warnings()
  const g: MutableGraph = { executors: [], tasks: [], dependencies: [] }
  const executor = executorTable(g, undefined)
  const queues = new Map<number, number[]>()
  kept.forEach((n, i) => {
    const e =
      n.kind === 'cpu'
        ? executor(n.tid !== undefined ? `cpu thread ${n.tid}` : 'cpu', 'cpu')
        : executor(
            n.tid !== undefined
              ? `gpu stream ${n.tid}`
              : n.kind === 'comm'
                ? 'gpu communication'
                : n.kind === 'memory'
                  ? 'memory'
                  : 'gpu compute',
            'gpu',
          )
    const info: TaskInfo = {
      role: n.kind === 'cpu' ? 'runtime' : 'gpu',
      name: n.name,
      taskClass: classOf(n.kind, n.name),
      kind: taskKindOf(n.kind),
      eventIndex: -1,
      measuredStartS: startOf(i),
      measuredDurationS: n.durationS!,
    }
    g.tasks.push({ executor: e, durationS: n.durationS!, gapS: 0, releaseS: 0, order: startOf(i), info })
    let q = queues.get(e)
    if (q === undefined) queues.set(e, (q = []))
    q.push(i)
    const add = (from: number, kind: 'data' | 'program'): void => {
      if (options.strictControlDependencies !== true && !before(from, i)) {
        w.add(
          'ET_DEPENDENCY_AGAINST_TIME',
          'dependencies on a node that started later (the recording contradicts them) dropped',
          `node ${n.id} after ${kept[from]!.id}`,
        )
        return
      }
      const edge = timedEdge({ startS: startOf(from), endS: endOf(from) }, { startS: startOf(i) }) ?? {
        fromStart: false,
        lagS: 0,
      }
      if (edge.fromStart)
        w.add(
          'ET_DEPENDENCY_OVERLAP',
          'dependencies whose source was still running when the dependent started (a kernel and the operator launching it): measured from the source start',
          `node ${n.id} after ${kept[from]!.id}`,
        )
      g.dependencies.push({ from, to: i, kind, ...edge })
    }
    for (const from of dataPreds[i]!) add(from, 'data')
    for (const from of ctrlPreds[i]!) add(from, 'program')
  })
  for (const q of queues.values()) q.sort((a, b) => (before(a, b) ? -1 : 1))
  attachRecordedIdle(
    g,
    queues.values(),
    (i) => ({ startS: startOf(i), endS: endOf(i) }),
    w,
    (i) => `node ${kept[i]!.id}`,
  )
  w.flush(warnings)
  const end = kept.reduce((m, _, i) => Math.max(m, endOf(i)), 0)
  return finishGraph(g, end, Math.round(origin * 1e9), warnings)
}

/**
 * Makes the unmodified replay keep the recorded times, Daydream-style: walking each executor's queue in order,
 * the recorded idle time before a task (its start minus the latest of the previous task's end and its
 * dependencies' bounds) goes to whatever binds it: the previous task's gap when the executor does, else the lag
 * of the binding dependency (so a what-if that moves that source moves the task too); a task bound by nothing is
 * released at its recorded start. Untimed tasks (undefined times) are skipped. Exact; O(V + E).
 */
function attachRecordedIdle(
  g: MutableGraph,
  queues: Iterable<readonly number[]>,
  time: (i: number) => { startS: number; endS: number } | undefined,
  w: Warnings,
  label: (i: number) => string,
): void {
  const incoming = new Map<number, DependencyGraph['dependencies'][number][]>()
  for (const d of g.dependencies) {
    const list = incoming.get(d.to)
    if (list === undefined) incoming.set(d.to, [d])
    else list.push(d)
  }
  for (const queue of queues) {
    let prev = -1
    let prevEnd = Number.NEGATIVE_INFINITY
    for (const i of queue) {
      const t = time(i)
      if (t === undefined) continue
      let depBound = Number.NEGATIVE_INFINITY
      let binding: DependencyGraph['dependencies'][number] | undefined
      for (const d of incoming.get(i) ?? []) {
        const src = time(d.from)
        if (src === undefined) continue
        const b = (d.fromStart ? src.startS : src.endS) + d.lagS
        if (b > depBound) {
          depBound = b
          binding = d
        }
      }
      if (t.startS < prevEnd) {
        w.add(
          'ET_EXECUTOR_OVERLAP',
          'recorded tasks overlap on one thread or stream; the later one starts after the earlier ends',
          label(i),
        )
      } else if (prev < 0 && binding === undefined) {
        g.tasks[i]!.releaseS = t.startS
      } else {
        const idle = Math.max(0, t.startS - Math.max(prevEnd, depBound))
        if (idle > 0) {
          if (prev >= 0 && prevEnd >= depBound) g.tasks[prev]!.gapS = idle
          else if (binding !== undefined) binding.lagS += idle
        }
      }
      prev = i
      prevEnd = Math.max(prevEnd, t.endS)
    }
  }
}

function executorTable(
  g: MutableGraph,
  policy: 'priority' | undefined,
): (name: string, kind: 'cpu' | 'gpu' | 'link') => number {
  const executorOf = new Map<string, number>()
  return (name, kind) => {
    let e = executorOf.get(name)
    if (e === undefined) {
      e = g.executors.length
      g.executors.push(policy === undefined ? { name, kind } : { name, kind, policy })
      executorOf.set(name, e)
    }
    return e
  }
}

function hostGraph(et: ExecutionTrace, options: ExecutionGraphOptions): DependencyGraph {
  const warnings: TraceWarning[] = [...et.warnings]
  const w = new Warnings()
  const byId = new Map<number, ExecutionTraceNode>()
  for (const n of et.nodes) {
    if (!byId.has(n.id)) byId.set(n.id, n)
    else w.add('ET_DUPLICATE_ID', 'ET nodes repeating an earlier id skipped', `node ${n.id}`)
  }
  const parentOf = (n: ExecutionTraceNode): ExecutionTraceNode | undefined =>
    n.parent === undefined || n.parent === n.id ? undefined : byId.get(n.parent)
  const isOperator = (n: ExecutionTraceNode): boolean =>
    n.kind === 'cpu' && !PROFILER_NODE.test(n.name) && !SCOPE_NODE.test(n.name)
  // The operator task owning each node: its outermost operator ancestor (itself included), found by a memoised
  // walk up the call tree; a malformed parent loop ends the walk as if at a root.
  const owner = new Map<number, number | undefined>()
  const ownerOf = (n: ExecutionTraceNode): number | undefined => {
    const path: ExecutionTraceNode[] = []
    const onPath = new Set<number>()
    let cur: ExecutionTraceNode | undefined = n
    let above: number | undefined
    while (cur !== undefined && !onPath.has(cur.id)) {
      if (owner.has(cur.id)) {
        above = owner.get(cur.id)
        break
      }
      path.push(cur)
      onPath.add(cur.id)
      cur = parentOf(cur)
    }
    for (let k = path.length - 1; k >= 0; k--) {
      const p = path[k]!
      if (above === undefined && isOperator(p)) above = p.id
      owner.set(p.id, above)
    }
    return owner.get(n.id)
  }
  const tops = [...byId.values()]
    .filter((n) => isOperator(n) && ownerOf(n) === n.id)
    .sort((a, b) => a.id - b.id)
  const topIndex = new Map<number, number>()
  for (const [i, n] of tops.entries()) topIndex.set(n.id, i)
  const reads: Set<number>[] = tops.map(() => new Set())
  const writes: Set<number>[] = tops.map(() => new Set())
  const gpuNodes: ExecutionTraceNode[] = []
  for (const n of byId.values()) {
    if (n.kind !== 'cpu' && n.kind !== 'metadata') gpuNodes.push(n)
    const o = ownerOf(n)
    const t = o === undefined ? undefined : topIndex.get(o)
    if (t === undefined) continue
    for (const x of n.inputTensors) reads[t]!.add(x)
    for (const x of n.outputTensors) writes[t]!.add(x)
  }
  const phaseOfTop = (n: ExecutionTraceNode): Phase => {
    const names = [n.name]
    for (let p = parentOf(n), hops = 0; p !== undefined && hops < byId.size; p = parentOf(p), hops++)
      names.unshift(p.name)
    return phaseOf(names)
  }

  // Times: from the linked Kineto event, else the ET's own (a linked ET), else none.
  const links = options.kineto !== undefined ? linkExecutionTrace(et, options.kineto) : []
  const eventOf = new Map<number, LoadedTrace['events'][number]>()
  // `eventIndex` is the position in the file's traceEvents, not in `events`: look events up through a map.
  if (options.kineto !== undefined) {
    const byIndex = new Map(options.kineto.events.map((e) => [e.index, e] as const))
    for (const l of links) eventOf.set(l.nodeId, byIndex.get(l.eventIndex)!)
  }
  const rawTime = (n: ExecutionTraceNode): { startS: number; durS: number } | undefined => {
    const ev = eventOf.get(n.id)
    if (ev !== undefined) return { startS: ev.startNs * 1e-9, durS: ev.durNs * 1e-9 }
    if (n.startS !== undefined && n.durationS !== undefined) return { startS: n.startS, durS: n.durationS }
    return undefined
  }
  const topTimes = tops.map(rawTime)
  const gpuTimes = gpuNodes.map(rawTime)
  let origin = Number.POSITIVE_INFINITY
  for (const t of [...topTimes, ...gpuTimes]) if (t !== undefined) origin = Math.min(origin, t.startS)
  const timeOf = (t: { startS: number; durS: number } | undefined) =>
    t === undefined
      ? undefined
      : { startS: t.startS - origin, endS: t.startS - origin + t.durS, durS: t.durS }

  const g: MutableGraph = { executors: [], tasks: [], dependencies: [] }
  const executorOf = new Map<number, number>()
  const threadQueues = new Map<number, number[]>()
  const lastWriter = new Map<number, number>()
  const times: ({ startS: number; endS: number } | undefined)[] = []
  let untimed = 0
  let maxEnd = 0
  tops.forEach((n, i) => {
    const tid = n.tid ?? 0
    let e = executorOf.get(tid)
    if (e === undefined) {
      e = g.executors.length
      g.executors.push({ name: `cpu thread ${tid}`, kind: 'cpu' })
      executorOf.set(tid, e)
      threadQueues.set(tid, [])
    }
    threadQueues.get(tid)!.push(i)
    const time = timeOf(topTimes[i])
    times.push(time)
    if (time === undefined) untimed++
    else maxEnd = Math.max(maxEnd, time.endS)
    const ev = eventOf.get(n.id)
    const info: TaskInfo = {
      role: 'runtime',
      name: n.name,
      taskClass: 'cpu',
      kind: 'cpu_op',
      eventIndex: ev?.index ?? -1,
      phase: phaseOfTop(n),
      ...(time !== undefined ? { measuredStartS: time.startS, measuredDurationS: time.durS } : {}),
    }
    g.tasks.push({ executor: e, durationS: time?.durS ?? 0, gapS: 0, releaseS: 0, order: i, info })
    const from = new Set<number>()
    for (const x of reads[i]!) {
      const wr = lastWriter.get(x)
      if (wr !== undefined && wr !== i) from.add(wr)
    }
    for (const wr of [...from].sort((a, b) => a - b)) {
      const src = times[wr]
      const edge =
        src !== undefined && time !== undefined ? timedEdge(src, time) : { fromStart: false, lagS: 0 }
      if (edge === undefined) {
        w.add(
          'ET_DEPENDENCY_AGAINST_TIME',
          'data dependencies on an operator that started later (the recording contradicts them) dropped',
          `node ${n.id} after ${tops[wr]!.id}`,
        )
        continue
      }
      g.dependencies.push({ from: wr, to: i, kind: 'data', ...edge })
    }
    for (const x of writes[i]!) lastWriter.set(x, i)
  })

  // GPU children of a linked ET: one FIFO executor per stream in recorded order, each launched by its operator
  // (an edge from the operator's start; the recorded launch latency is attached below).
  const streams = new Map<string, number[]>()
  gpuNodes.forEach((n, k) => {
    const key =
      n.stream !== undefined ? `gpu stream ${n.stream}` : n.kind === 'comm' ? 'gpu communication' : 'gpu'
    let list = streams.get(key)
    if (list === undefined) streams.set(key, (list = []))
    list.push(k)
  })
  let orphans = 0
  const streamQueues: number[][] = []
  for (const [name, list] of streams) {
    const e = g.executors.length
    g.executors.push({ name, kind: 'gpu' })
    const key = (k: number): number => gpuTimes[k]?.startS ?? Number.POSITIVE_INFINITY
    list.sort((a, b) => key(a) - key(b) || gpuNodes[a]!.id - gpuNodes[b]!.id)
    const queue: number[] = []
    for (const k of list) {
      const n = gpuNodes[k]!
      const time = timeOf(gpuTimes[k])
      const o = ownerOf(n)
      const top = o === undefined ? undefined : topIndex.get(o)
      const task = g.tasks.length
      queue.push(task)
      times.push(time)
      if (time === undefined) untimed++
      else maxEnd = Math.max(maxEnd, time.endS)
      g.tasks.push({
        executor: e,
        durationS: time?.durS ?? 0,
        gapS: 0,
        releaseS: 0,
        order: task,
        info: {
          role: 'gpu',
          name: n.name,
          taskClass: classOf(n.kind, n.name),
          kind: taskKindOf(n.kind),
          eventIndex: -1,
          ...(top !== undefined ? { phase: g.tasks[top]!.info.phase ?? 'other' } : {}),
          ...(time !== undefined ? { measuredStartS: time.startS, measuredDurationS: time.durS } : {}),
        },
      })
      if (top === undefined) orphans++
      else g.dependencies.push({ from: top, to: task, kind: 'launch', lagS: 0, fromStart: true })
    }
    streamQueues.push(queue)
  }
  attachRecordedIdle(
    g,
    [...threadQueues.values(), ...streamQueues],
    (i) => times[i],
    w,
    (i) => g.tasks[i]!.info.name,
  )
  if (orphans > 0)
    warnings.push({
      code: 'ET_GPU_WITHOUT_OPERATOR',
      message:
        'GPU nodes of the linked ET without a calling operator: placed by stream order and recorded idle time only',
      count: orphans,
    })
  w.flush(warnings)
  if (untimed > 0) {
    warnings.push({
      code: 'ET_UNTIMED',
      message:
        options.kineto === undefined
          ? 'host ET operators carry no times (pass the Kineto trace of the run); taken as 0'
          : 'host ET operators without a matching Kineto cpu_op or annotation (rf_id = External id, same name); taken as 0',
      count: untimed,
    })
  }
  const timed = Number.isFinite(origin)
  return finishGraph(g, timed ? maxEnd : 0, timed ? Math.round(origin * 1e9) : 0, warnings)
}

function finishGraph(
  g: MutableGraph,
  measuredS: number,
  windowStartNs: number,
  warnings: TraceWarning[],
): DependencyGraph {
  return {
    executors: g.executors,
    tasks: g.tasks,
    dependencies: g.dependencies,
    measuredIterationS: measuredS,
    iterationCount: 1,
    windowStartNs,
    iteration: undefined,
    warnings,
    gradientBytesEstimate: undefined,
  }
}

/** Kahn's order (ties by index); throws GraphCycleError naming a cycle. O(V + E). */
function topologicalRanks(n: number, preds: number[][], label: (i: number) => string): number[] {
  const succ: number[][] = Array.from({ length: n }, () => [])
  const indeg = new Int32Array(n)
  preds.forEach((ps, i) => {
    for (const p of ps) {
      succ[p]!.push(i)
      indeg[i]!++
    }
  })
  // A binary heap would give strict index ties; a FIFO of ready nodes seeded in index order is enough for a
  // deterministic order and keeps this O(V + E).
  const queue: number[] = []
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i)
  const rank = new Array<number>(n).fill(-1)
  let r = 0
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h]!
    rank[u] = r++
    for (const v of succ[u]!) if (--indeg[v]! === 0) queue.push(v)
  }
  if (r < n) {
    // Walk predecessors inside the unranked set until a node repeats: that is a cycle.
    let u = rank.indexOf(-1)
    const seenAt = new Map<number, number>()
    const path: number[] = []
    while (!seenAt.has(u)) {
      seenAt.set(u, path.length)
      path.push(u)
      u = preds[u]!.find((p) => rank[p] === -1)!
    }
    const cycle = path.slice(seenAt.get(u)!).reverse()
    throw new GraphCycleError({ nodeId: label(u), cycle: [...cycle, cycle[0]!].map(label) })
  }
  return rank
}
