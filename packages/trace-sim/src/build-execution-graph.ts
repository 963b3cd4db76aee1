import { GraphCycleError } from '@dnnperf/ir'
import type {
  DependencyGraph,
  ExecutionGraphOptions,
  ExecutionTrace,
  ExecutionTraceNode,
  LoadedTrace,
  TaskClass,
  TaskInfo,
  TraceWarning,
} from './types.js'

const PROFILER_NODE = /^\[pytorch\|profiler\|/

/**
 * Pairs of (ET node id, Kineto event index) for host-ET nodes whose `rf_id` equals a Kineto `cpu_op`'s
 * External id and whose names agree (reference §3: rf_id ranges overlap External ids, so the name check is what
 * makes a match trustworthy). Exact; O(nodes + events).
 */
export function linkExecutionTrace(
  et: ExecutionTrace,
  kineto: LoadedTrace,
): { readonly nodeId: number; readonly eventIndex: number }[] {
  const byExternal = new Map<number, LoadedTrace['events'][number][]>()
  for (const e of kineto.events) {
    if (e.activity !== 'cpu_op' || e.externalId === undefined) continue
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
 *   (0 when absent), `ctrl_deps` become program edges and `data_deps` data edges; executors are the CPU (one
 *   per `tid` when known), GPU compute, GPU communication and memory, each running its ready tasks in
 *   topological order (priority policy), as a Chakra replayer does.
 * - Host ETs: the operators called directly by a profiler thread node are the tasks (nested calls are inside
 *   their caller's time), one FIFO executor per thread in node-id order, and a data edge from the last earlier
 *   operator that wrote a tensor (anywhere in its call subtree) to each operator that reads it. Host ETs carry no
 *   times: with `options.kineto` each operator takes the duration and start of its linked `cpu_op`
 *   ({@link linkExecutionTrace}) and the measured gap to the next operator on its thread; unlinked operators
 *   take 0 and are counted in an `ET_UNTIMED` warning.
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

function classOf(kind: ExecutionTraceNode['kind']): TaskClass {
  return kind === 'cpu'
    ? 'cpu'
    : kind === 'comm'
      ? 'communication'
      : kind === 'memory'
        ? 'memory'
        : 'computation'
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
  const executorOf = new Map<string, number>()
  const executor = (name: string, kind: 'cpu' | 'gpu' | 'link'): number => {
    let e = executorOf.get(name)
    if (e === undefined) {
      e = g.executors.length
      g.executors.push({ name, kind, policy: 'priority' })
      executorOf.set(name, e)
    }
    return e
  }
  let minStart = Number.POSITIVE_INFINITY
  let maxEnd = Number.NEGATIVE_INFINITY
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
      taskClass: classOf(n.kind),
      kind:
        n.kind === 'cpu' ? 'cpu_op' : n.kind === 'comm' ? 'comm' : n.kind === 'memory' ? 'memcpy' : 'kernel',
      eventIndex: -1,
      ...(n.startS !== undefined ? { measuredStartS: n.startS } : {}),
      ...(n.durationS !== undefined ? { measuredDurationS: n.durationS } : {}),
    }
    g.tasks.push({ executor: e, durationS: n.durationS ?? 0, gapS: 0, releaseS: 0, order: rank[i]!, info })
    if (n.startS !== undefined) {
      minStart = Math.min(minStart, n.startS)
      maxEnd = Math.max(maxEnd, n.startS + (n.durationS ?? 0))
    }
    for (const p of preds[i]!)
      g.dependencies.push({ from: p.from, to: i, kind: p.kind, lagS: 0, fromStart: false })
  })
  const untimed = kept.filter((n) => n.durationS === undefined).length
  if (untimed > 0)
    warnings.push({ code: 'ET_UNTIMED', message: 'ET nodes without a duration taken as 0', count: untimed })
  return finishGraph(g, Number.isFinite(minStart) ? maxEnd - minStart : 0, warnings)
}

function hostGraph(et: ExecutionTrace, options: ExecutionGraphOptions): DependencyGraph {
  const warnings: TraceWarning[] = [...et.warnings]
  const byId = new Map<number, ExecutionTraceNode>()
  for (const n of et.nodes) if (!byId.has(n.id)) byId.set(n.id, n)
  const isTop = (n: ExecutionTraceNode): boolean => {
    if (PROFILER_NODE.test(n.name)) return false
    const p = n.parent === undefined ? undefined : byId.get(n.parent)
    return p === undefined || p === n || PROFILER_NODE.test(p.name)
  }
  const tops = [...byId.values()].filter(isTop).sort((a, b) => a.id - b.id)
  const topIndex = new Map<number, number>()
  for (const [i, n] of tops.entries()) topIndex.set(n.id, i)
  // Top-level ancestor of each node (memoised walk up the call tree; a malformed parent loop ends the walk).
  const ancestor = new Map<number, number | undefined>()
  const topOf = (n: ExecutionTraceNode): number | undefined => {
    const path: number[] = []
    let cur: ExecutionTraceNode | undefined = n
    let found: number | undefined
    for (let hops = 0; cur !== undefined && hops <= byId.size; hops++) {
      if (ancestor.has(cur.id)) {
        found = ancestor.get(cur.id)
        break
      }
      path.push(cur.id)
      const t = topIndex.get(cur.id)
      if (t !== undefined) {
        found = t
        break
      }
      cur = cur.parent === undefined || cur.parent === cur.id ? undefined : byId.get(cur.parent)
    }
    for (const id of path) ancestor.set(id, found)
    return found
  }
  const reads: Set<number>[] = tops.map(() => new Set())
  const writes: Set<number>[] = tops.map(() => new Set())
  for (const n of byId.values()) {
    const t = topOf(n)
    if (t === undefined) continue
    for (const x of n.inputTensors) reads[t]!.add(x)
    for (const x of n.outputTensors) writes[t]!.add(x)
  }
  const g: MutableGraph = { executors: [], tasks: [], dependencies: [] }
  const executorOf = new Map<number, number>()
  const links = options.kineto !== undefined ? linkExecutionTrace(et, options.kineto) : []
  const eventOf = new Map<number, LoadedTrace['events'][number]>()
  // `eventIndex` is the position in the file's traceEvents, not in `events`: look events up through a map.
  if (options.kineto !== undefined) {
    const byIndex = new Map(options.kineto.events.map((e) => [e.index, e] as const))
    for (const l of links) eventOf.set(l.nodeId, byIndex.get(l.eventIndex)!)
  }
  const lastOnThread = new Map<number, number>()
  const lastWriter = new Map<number, number>()
  let untimed = 0
  let minStart = Number.POSITIVE_INFINITY
  let maxEnd = Number.NEGATIVE_INFINITY
  tops.forEach((n, i) => {
    const tid = n.tid ?? 0
    let e = executorOf.get(tid)
    if (e === undefined) {
      e = g.executors.length
      g.executors.push({ name: `cpu thread ${tid}`, kind: 'cpu' })
      executorOf.set(tid, e)
    }
    const ev = eventOf.get(n.id)
    if (ev === undefined) untimed++
    const startS = ev !== undefined ? ev.startNs * 1e-9 : undefined
    const durationS = ev !== undefined ? ev.durNs * 1e-9 : 0
    if (startS !== undefined) {
      minStart = Math.min(minStart, startS)
      maxEnd = Math.max(maxEnd, startS + durationS)
    }
    const info: TaskInfo = {
      role: 'runtime',
      name: n.name,
      taskClass: 'cpu',
      kind: 'cpu_op',
      eventIndex: ev?.index ?? -1,
      ...(startS !== undefined ? { measuredStartS: startS, measuredDurationS: durationS } : {}),
    }
    g.tasks.push({ executor: e, durationS, gapS: 0, releaseS: 0, order: i, info })
    // The measured CPU time between consecutive linked operators of a thread is the earlier one's gap.
    const prev = lastOnThread.get(tid)
    if (prev !== undefined) {
      const p = g.tasks[prev]!
      if (p.info.measuredStartS !== undefined && startS !== undefined)
        p.gapS = Math.max(0, startS - (p.info.measuredStartS + p.durationS))
    }
    lastOnThread.set(tid, i)
    const from = new Set<number>()
    for (const x of reads[i]!) {
      const w = lastWriter.get(x)
      if (w !== undefined && w !== i) from.add(w)
    }
    for (const w of [...from].sort((a, b) => a - b))
      g.dependencies.push({ from: w, to: i, kind: 'data', lagS: 0, fromStart: false })
    for (const x of writes[i]!) lastWriter.set(x, i)
  })
  if (untimed > 0) {
    warnings.push({
      code: 'ET_UNTIMED',
      message:
        options.kineto === undefined
          ? 'host ET operators carry no times (pass the Kineto trace of the run); taken as 0'
          : 'host ET operators without a matching Kineto cpu_op (rf_id = External id, same name); taken as 0',
      count: untimed,
    })
  }
  return finishGraph(g, Number.isFinite(minStart) ? maxEnd - minStart : 0, warnings)
}

function finishGraph(g: MutableGraph, measuredS: number, warnings: TraceWarning[]): DependencyGraph {
  return {
    executors: g.executors,
    tasks: g.tasks,
    dependencies: g.dependencies,
    measuredIterationS: measuredS,
    iterationCount: 1,
    windowStartNs: 0,
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
