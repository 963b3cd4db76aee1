import { differenceLength, lengthOf, mergeIntervals, unionOf } from './intervals.js'
import type { Breakdown, DependencyGraph, KernelStat } from './types.js'

/** Start and end of every task of a graph, seconds from the window start (NaN where unknown). */
export interface Timeline {
  readonly startS: ArrayLike<number>
  readonly endS: ArrayLike<number>
}

/** The measured timeline of a graph built from a trace (inserted tasks have none: NaN). */
export function measuredTimeline(graph: DependencyGraph): Timeline {
  const n = graph.tasks.length
  const startS = new Float64Array(n)
  const endS = new Float64Array(n)
  graph.tasks.forEach((t, i) => {
    const s = t.info.measuredStartS
    const d = t.info.measuredDurationS
    startS[i] = s ?? Number.NaN
    endS[i] = s !== undefined && d !== undefined ? s + d : Number.NaN
  })
  return { startS, endS }
}

/**
 * Where the time of a timeline goes, seconds: HTA's temporal breakdown over the GPU span (first GPU op start to
 * last end) with TraceLens's split of non-compute time, so that compute + exposed communication + exposed
 * memory + idle = GPU span; GPU time per phase and per layer; busy time per executor.
 *
 * Exact for the timeline (interval unions, never sums across streams). O(V log V).
 */
export function breakdown(graph: DependencyGraph, timeline: Timeline): Breakdown {
  const cls = { computation: [[], []], communication: [[], []], memory: [[], []] } as Record<
    string,
    [number[], number[]]
  >
  const phase = new Map<string, [number[], number[]]>()
  const layer = new Map<string, number>()
  const busy = new Float64Array(graph.executors.length)
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  graph.tasks.forEach((t, i) => {
    const s = timeline.startS[i]!
    const e = timeline.endS[i]!
    if (!Number.isFinite(s) || !Number.isFinite(e)) return
    busy[t.executor]! += e - s
    const gpuLike =
      t.info.role === 'gpu' || (t.info.role === 'inserted' && graph.executors[t.executor]?.kind !== 'cpu')
    if (!gpuLike) return
    if (s < first) first = s
    if (e > last) last = e
    const c = cls[t.info.taskClass]
    if (c !== undefined) {
      c[0].push(s)
      c[1].push(e)
    }
    const p = t.info.phase ?? 'other'
    let pl = phase.get(p)
    if (pl === undefined) phase.set(p, (pl = [[], []]))
    pl[0].push(s)
    pl[1].push(e)
    if (t.info.layer !== undefined) layer.set(t.info.layer, (layer.get(t.info.layer) ?? 0) + (e - s))
  })
  const comp = mergeIntervals(...cls.computation!)
  const comm = mergeIntervals(...cls.communication!)
  const mem = mergeIntervals(...cls.memory!)
  const compComm = unionOf(comp, comm)
  const all = unionOf(compComm, mem)
  const spanS = Number.isFinite(first) ? last - first : 0
  const byPhaseS: Record<string, number> = {}
  for (const [p, [s, e]] of phase) byPhaseS[p] = lengthOf(mergeIntervals(s, e))
  return {
    gpuSpanS: spanS,
    computeS: lengthOf(comp),
    communicationS: differenceLength(comm, comp),
    memoryS: differenceLength(mem, compComm),
    idleS: Math.max(0, spanS - lengthOf(all)),
    byPhaseS,
    byExecutor: graph.executors.map((ex, e) => ({ name: ex.name, kind: ex.kind, busyS: busy[e]! })),
    topLayersS: [...layer.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([l, g]) => ({ layer: l, gpuS: g })),
  }
}

/** Per-name statistics of GPU tasks on a timeline, heaviest first (at most `limit`, default 50). O(V log V). */
export function kernelStats(graph: DependencyGraph, timeline: Timeline, limit = 50): KernelStat[] {
  const by = new Map<string, { cls: KernelStat['taskClass']; d: number[] }>()
  graph.tasks.forEach((t, i) => {
    if (t.info.role !== 'gpu' && t.info.role !== 'inserted') return
    if (graph.executors[t.executor]?.kind === 'cpu') return
    const d = timeline.endS[i]! - timeline.startS[i]!
    if (!Number.isFinite(d)) return
    const g = by.get(t.info.name)
    if (g === undefined) by.set(t.info.name, { cls: t.info.taskClass, d: [d] })
    else g.d.push(d)
  })
  return [...by.entries()]
    .map(([name, g]) => {
      const totalS = g.d.reduce((a, b) => a + b, 0)
      return {
        name,
        taskClass: g.cls,
        count: g.d.length,
        totalS,
        meanS: totalS / g.d.length,
        minS: g.d.reduce((a, b) => Math.min(a, b)),
        maxS: g.d.reduce((a, b) => Math.max(a, b)),
      }
    })
    .sort((a, b) => b.totalS - a.totalS)
    .slice(0, limit)
}
