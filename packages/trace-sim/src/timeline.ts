import type { DependencyGraph } from './types.js'
import type { Timeline } from './breakdown.js'

/** One timeline to draw: a label (becomes the process names) plus a graph and its task times. */
export interface TimelineRun {
  readonly label: string
  readonly graph: DependencyGraph
  readonly timeline: Timeline
}

/** Chrome trace-event JSON object, loadable in Perfetto and chrome://tracing. */
export interface ChromeTrace {
  readonly displayTimeUnit: 'ms'
  readonly traceEvents: readonly Record<string, unknown>[]
}

/**
 * Chrome/Perfetto JSON of one or more timelines side by side: run r uses pids 1000·r (CPU threads),
 * 1000·r + 1 (GPU streams) and 1000·r + 2 (links); one integer tid per executor, named with `M` events; µs with
 * ns precision. Slices on a track never overlap because executors run one task at a time.
 *
 * Exact. O(V).
 */
export function exportTimeline(runs: readonly TimelineRun[]): ChromeTrace {
  const ev: Record<string, unknown>[] = []
  const slices: {
    ph: 'X'
    cat: string
    name: string
    pid: number
    tid: number
    ts: number
    dur: number
    args: Record<string, unknown>
  }[] = []
  const us = (s: number): number => Math.round(s * 1e9) / 1e3
  runs.forEach((run, r) => {
    const base = 1000 * r
    const pidOf = (kind: string): number => base + (kind === 'cpu' ? 0 : kind === 'gpu' ? 1 : 2)
    for (const [k, label] of [
      ['cpu', 'CPU'],
      ['gpu', 'GPU'],
      ['link', 'network'],
    ] as const) {
      if (!run.graph.executors.some((e) => e.kind === k)) continue
      ev.push({
        ph: 'M',
        name: 'process_name',
        pid: pidOf(k),
        tid: 0,
        args: { name: `${run.label} ${label}` },
      })
      ev.push({ ph: 'M', name: 'process_sort_index', pid: pidOf(k), tid: 0, args: { sort_index: pidOf(k) } })
    }
    run.graph.executors.forEach((e, i) => {
      ev.push({ ph: 'M', name: 'thread_name', pid: pidOf(e.kind), tid: i + 1, args: { name: e.name } })
    })
    run.graph.tasks.forEach((t, i) => {
      const s = run.timeline.startS[i]!
      const e = run.timeline.endS[i]!
      if (!Number.isFinite(s) || !Number.isFinite(e)) return
      const kind = run.graph.executors[t.executor]!.kind
      const args: Record<string, unknown> = { task: i }
      if (t.info.eventIndex >= 0) args.origId = t.info.eventIndex
      if (t.info.correlation !== undefined) args.corr = t.info.correlation
      if (t.info.layer !== undefined) args.layer = t.info.layer
      if (t.info.phase !== undefined) args.phase = t.info.phase
      if (t.info.measuredStartS !== undefined) args.measuredStartUs = us(t.info.measuredStartS)
      if (t.info.scale !== undefined && t.info.scale !== 1) args.scale = t.info.scale
      if (t.info.role === 'inserted') args.inserted = true
      slices.push({
        ph: 'X',
        cat: t.info.kind,
        name: t.info.name,
        pid: pidOf(kind),
        tid: t.executor + 1,
        ts: us(s),
        dur: us(e - s),
        args,
      })
    })
  })
  // Measured timelines can overlap on one stream (clock rounding): clamp so slices on a track never overlap.
  slices.sort((a, b) => a.pid - b.pid || a.tid - b.tid || a.ts - b.ts)
  for (let k = 1; k < slices.length; k++) {
    const p = slices[k - 1]!
    const c = slices[k]!
    if (p.pid !== c.pid || p.tid !== c.tid) continue
    const pEnd = Math.round((p.ts + p.dur) * 1e3) / 1e3
    if (c.ts < pEnd) {
      const end = c.ts + c.dur
      c.ts = pEnd
      c.dur = Math.max(0, Math.round((end - pEnd) * 1e3) / 1e3)
    }
  }
  return { displayTimeUnit: 'ms', traceEvents: [...ev, ...slices] }
}
