import { NotFoundError } from '@dnnperf/ir'
import { blockingKindOf, isSynchronousAsyncCopy, phaseOf, taskClassOf } from './classify.js'
import type { BlockingKind } from './classify.js'
import type {
  BuildGraphOptions,
  DependencyGraph,
  LoadedTrace,
  TaskInfo,
  TraceEvent,
  TraceWarning,
} from './types.js'

type Task = DependencyGraph['tasks'][number]
type Dep = DependencyGraph['dependencies'][number]
const NS = 1e-9
const LAUNCH_QUEUE_DEPTH = 1024
const NO_OPS: readonly GpuOp[] = []
const NO_TASKS: readonly number[] = []
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

interface GpuOp {
  ev: TraceEvent
  startNs: number
  endNs: number
  call: number // task index of the launching call (or -1: orphan, pinned)
  issueNs: number // launch-call start; -Infinity for orphans (queued before the window)
  task: number
}

/**
 * Builds Daydream's kernel-level dependency graph from a loaded trace: one executor per CPU thread and per GPU
 * stream, runtime calls and GPU ops as tasks in measured order, CPU gaps, launch edges by correlation id,
 * blocking synchronisation as a call + wait pair whose wait resolves at simulation time (the last op issued on
 * the synchronised streams), event syncs and stream-wait-event edges from `cuda_sync` events, and a layer/phase
 * tag per task from enclosing annotations.
 *
 * Lags and gaps are measured so that the unmodified graph replays the trace: a launch on an idle stream keeps
 * its measured launch latency; on a busy stream the op waits for its predecessor plus the measured back-to-back
 * delay, and its launch latency is capped at the trace's median idle-stream latency (reference 2.12).
 *
 * Heuristic where the trace is silent (no `cuda_sync`: stream syncs wait on all streams, warned). O(E log E).
 *
 * @throws NotFoundError (`NOT_FOUND`) when `iteration` names a ProfilerStep that is not in the trace.
 */
export function buildDependencyGraph(trace: LoadedTrace, options: BuildGraphOptions = {}): DependencyGraph {
  const warnings: TraceWarning[] = []
  const warnCounts = new Map<string, { count: number; message: string; example: string }>()
  const warn = (code: string, message: string, example: string): void => {
    const c = warnCounts.get(code)
    if (c === undefined) warnCounts.set(code, { count: 1, message, example })
    else c.count++
  }
  const events = trace.events
  const runtimeAll = events.filter((e) => e.activity === 'runtime')
  const gpuAll = events.filter(
    (e) => e.activity === 'kernel' || e.activity === 'memcpy' || e.activity === 'memset',
  )

  // 1. Window.
  let w0: number
  let w1: number
  let stepThread: string | undefined
  if (options.window !== undefined) {
    w0 = Math.round(options.window.startS / NS)
    w1 = Math.round(options.window.endS / NS)
  } else if (options.iteration !== undefined) {
    const steps = trace.steps.filter((s) => s.number === options.iteration)
    if (steps.length === 0) {
      throw new NotFoundError({
        what: 'ProfilerStep',
        key: String(options.iteration),
        known: [...new Set(trace.steps.map((s) => String(s.number)))],
      })
    }
    w0 = steps.reduce((m, st) => Math.min(m, st.startNs), Number.POSITIVE_INFINITY)
    w1 = steps.reduce((m, st) => Math.max(m, st.endNs), Number.NEGATIVE_INFINITY)
    stepThread = `${steps[0]!.pid}/${steps[0]!.tid}`
  } else {
    w0 = Number.POSITIVE_INFINITY
    w1 = Number.NEGATIVE_INFINITY
    for (const e of runtimeAll.length + gpuAll.length > 0 ? [...runtimeAll, ...gpuAll] : events) {
      if (e.startNs < w0) w0 = e.startNs
      if (e.startNs + e.durNs > w1) w1 = e.startNs + e.durNs
    }
  }
  const windowed = options.window !== undefined || options.iteration !== undefined

  // 2. Runtime calls in the window, per thread; nested calls fold into their container.
  const callsByThread = new Map<string, TraceEvent[]>()
  for (const e of runtimeAll) {
    if (e.startNs < w0 || e.startNs >= w1) continue
    const key = `${e.pid}/${e.tid}`
    let list = callsByThread.get(key)
    if (list === undefined) callsByThread.set(key, (list = []))
    list.push(e)
  }
  if (stepThread !== undefined && !callsByThread.has(stepThread)) callsByThread.set(stepThread, [])

  const scopesByThread = collectScopes(events)
  const executors: DependencyGraph['executors'] = []
  const tasks: Task[] = []
  const deps: Dep[] = []
  const callTaskOfCorrelation = new Map<number, number>() // correlation -> task that issues GPU work
  // Per task (undefined for markers and later tasks): the call's blocking kind and event. Arrays, not Maps keyed
  // by task index: they are read for every task.
  const blockingKindOfTask: (BlockingKind | undefined)[] = []
  const blockingEvOfTask: (TraceEvent | undefined)[] = []
  // Measured start and duration of each task, seconds, as in its info (0 where absent): read again below without
  // chasing every task's info object.
  const measuredStartOf: number[] = []
  const measuredDurationOf: number[] = []
  const callStartNsOfCorrelation = new Map<number, number>()
  for (const e of runtimeAll)
    if (e.correlation !== undefined) callStartNsOfCorrelation.set(e.correlation, e.startNs)

  const threadKeys = [...callsByThread.keys()].sort()
  for (const key of threadKeys) {
    const calls = callsByThread.get(key)!.sort((a, b) => a.startNs - b.startNs || b.durNs - a.durNs)
    const exec = executors.length
    executors.push({ name: `cpu ${key}`, kind: 'cpu' })
    const scopes = scopesByThread.get(key) ?? []
    const labels = labelCalls(calls, scopes)
    const threadTasks: { task: number; startNs: number; endNs: number }[] = []
    const add = (t: Omit<Task, 'executor' | 'gapS' | 'releaseS'>, startNs: number, endNs: number): number => {
      // A literal with the spread's key order: one hidden class for every CPU task (spreads gave many).
      tasks.push({
        durationS: t.durationS,
        order: t.order,
        info: t.info,
        executor: exec,
        gapS: 0,
        releaseS: 0,
      })
      measuredStartOf.push(t.info.measuredStartS ?? 0)
      measuredDurationOf.push(t.info.measuredDurationS ?? 0)
      blockingKindOfTask.push(undefined)
      blockingEvOfTask.push(undefined)
      threadTasks.push({ task: tasks.length - 1, startNs, endNs })
      return tasks.length - 1
    }
    if (key === stepThread) {
      add(markerTask('step begin', w0, w0), w0, w0)
    }
    let containerEnd = Number.NEGATIVE_INFINITY
    let container = -1
    for (let k = 0; k < calls.length; k++) {
      const c = calls[k]!
      const endNs = c.startNs + c.durNs
      if (c.startNs < containerEnd && endNs <= containerEnd) {
        // Nested call (a driver call inside a runtime call): its GPU work belongs to the container.
        if (c.correlation !== undefined && container >= 0) callTaskOfCorrelation.set(c.correlation, container)
        warn(
          'NESTED_RUNTIME_CALL',
          'runtime call nested in another on the same thread; folded into it',
          `traceEvents[${c.index}]`,
        )
        continue
      }
      let startNs = c.startNs
      if (startNs < containerEnd) {
        warn(
          'CPU_OVERLAP',
          'runtime calls overlap on one thread; the later one is clamped',
          `traceEvents[${c.index}]`,
        )
        startNs = containerEnd
      }
      const label = labels[k]!
      const blocking = blockingKindOf(c.name)
      // Built by assignment in the key order of the former spreads (name … correlation, role, kind): object
      // spreads with optional parts were the costliest line of the build.
      const info: Partial<Mutable<TaskInfo>> = {
        name: c.name,
        taskClass: 'cpu',
        eventIndex: c.index,
        measuredStartS: (startNs - w0) * NS,
        measuredDurationS: (endNs - startNs) * NS,
      }
      if (label.phase !== undefined) info.phase = label.phase
      if (label.layer !== undefined) info.layer = label.layer
      if (c.correlation !== undefined) info.correlation = c.correlation
      info.role = 'runtime'
      info.kind = 'runtime'
      const t = add(
        { durationS: (endNs - startNs) * NS, order: startNs, info: info as TaskInfo },
        startNs,
        endNs,
      )
      if (c.correlation !== undefined) callTaskOfCorrelation.set(c.correlation, t)
      blockingKindOfTask[t] = blocking
      blockingEvOfTask[t] = c
      container = t
      containerEnd = endNs
    }
    if (key === stepThread) add(markerTask('step end', w1, w1), w1, w1)
    // Gaps and the release of the first task on the thread.
    for (let k = 0; k < threadTasks.length; k++) {
      const cur = threadTasks[k]!
      const next = threadTasks[k + 1]
      const task = tasks[cur.task]!
      if (k === 0) task.releaseS = Math.max(0, cur.startNs - w0) * NS
      if (next !== undefined) task.gapS = Math.max(0, next.startNs - cur.endNs) * NS
    }
  }

  // 3. GPU ops: correlated to a call in the window, or running inside the window (orphans, pinned).
  const gpuExecOf = new Map<string, number>()
  const opsByExec = new Map<number, GpuOp[]>()
  for (const ev of gpuAll) {
    const call = ev.correlation !== undefined ? callTaskOfCorrelation.get(ev.correlation) : undefined
    let startNs = ev.startNs
    const endNs = ev.startNs + ev.durNs
    if (call === undefined) {
      if (endNs <= w0 || startNs >= w1) continue
      if (startNs < w0) startNs = w0
      const launched = ev.correlation !== undefined && callStartNsOfCorrelation.has(ev.correlation)
      if (launched)
        warn(
          'LAUNCHED_BEFORE_WINDOW',
          'GPU op launched before the window; pinned at its measured start',
          `traceEvents[${ev.index}]`,
        )
      else
        warn(
          'ORPHAN_GPU_OP',
          'GPU op without a launching call in the trace; pinned at its measured start',
          `traceEvents[${ev.index}]`,
        )
    }
    const key = `${ev.device ?? ev.pid}/${ev.stream ?? ev.tid}`
    let exec = gpuExecOf.get(key)
    if (exec === undefined) {
      exec = executors.length
      executors.push({ name: `gpu${ev.device ?? ev.pid} stream ${ev.stream ?? ev.tid}`, kind: 'gpu' })
      gpuExecOf.set(key, exec)
      opsByExec.set(exec, [])
    }
    const issueNs =
      call === undefined
        ? Number.NEGATIVE_INFINITY
        : (callStartNsOfCorrelation.get(ev.correlation!) ?? startNs)
    opsByExec.get(exec)!.push({ ev, startNs, endNs, call: call ?? -1, issueNs, task: -1 })
  }

  // Median launch latency on idle streams, the lag used for launches that queue behind earlier work.
  const idleLags: number[] = []
  for (const ops of opsByExec.values()) {
    ops.sort((a, b) => a.startNs - b.startNs || a.ev.index - b.ev.index)
    let prevEnd = Number.NEGATIVE_INFINITY
    for (const op of ops) {
      if (op.call >= 0 && op.issueNs >= prevEnd) idleLags.push(Math.max(0, op.startNs - op.issueNs))
      prevEnd = Math.max(prevEnd, op.endNs)
    }
  }
  idleLags.sort((a, b) => a - b)
  const medianLagNs = idleLags.length > 0 ? idleLags[idleLags.length >> 1]! : 0

  for (const [exec, ops] of opsByExec) {
    for (const op of ops) {
      const ev = op.ev
      const label = op.call >= 0 ? tasks[op.call]!.info : undefined
      const info: Mutable<TaskInfo> = {
        role: 'gpu',
        name: ev.name,
        kind: ev.activity,
        taskClass: taskClassOf(ev),
        eventIndex: ev.index,
        measuredStartS: (op.startNs - w0) * NS,
        measuredDurationS: (op.endNs - op.startNs) * NS,
      }
      if (ev.correlation !== undefined) info.correlation = ev.correlation
      if (label?.phase !== undefined) info.phase = label.phase
      if (label?.layer !== undefined) info.layer = label.layer
      tasks.push({
        executor: exec,
        durationS: (op.endNs - op.startNs) * NS,
        gapS: 0,
        releaseS: op.call >= 0 ? 0 : (op.startNs - w0) * NS,
        order: op.startNs,
        info,
      })
      measuredStartOf.push(info.measuredStartS!)
      measuredDurationOf.push(info.measuredDurationS!)
      op.task = tasks.length - 1
    }
  }

  // 4. Blocking calls: split into call + wait; the wait depends on what the call synchronises with.
  const syncByCorrelation = new Map<number, TraceEvent[]>()
  for (const e of events) {
    if (e.activity !== 'sync' || e.correlation === undefined) continue
    const list = syncByCorrelation.get(e.correlation)
    if (list === undefined) syncByCorrelation.set(e.correlation, [e])
    else list.push(e)
  }
  const gpuExecs = [...opsByExec.keys()]
  const execOfStream = (device: number | undefined, stream: number): number | undefined => {
    for (const [key, exec] of gpuExecOf) {
      const [d, s] = key.split('/')
      if (Number(s) === stream && (device === undefined || Number(d) === device)) return exec
    }
    return undefined
  }
  // Per GPU executor: ops in queue order and the running maximum of their issue times, for "last op issued".
  const prefixIssue = new Map<number, Float64Array>()
  for (const [exec, ops] of opsByExec) {
    const pm = new Float64Array(ops.length)
    let m = Number.NEGATIVE_INFINITY
    ops.forEach((op, i) => {
      m = Math.max(m, op.issueNs)
      pm[i] = m
    })
    prefixIssue.set(exec, pm)
  }
  /** Last op of the longest queue prefix issued at or before `tNs` (the engine's rule). */
  const lastIssued = (exec: number, tNs: number): GpuOp | undefined => {
    const pm = prefixIssue.get(exec)!
    let lo = 0
    let hi = pm.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (pm[mid]! <= tNs) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? undefined : opsByExec.get(exec)![lo - 1]
  }
  // GPU ops of each call, by call task index.
  const copyOpsOfCall: (GpuOp[] | undefined)[] = []
  for (const ops of opsByExec.values()) {
    for (const op of ops) {
      if (op.call < 0) continue
      const list = copyOpsOfCall[op.call]
      if (list === undefined) copyOpsOfCall[op.call] = [op]
      else list.push(op)
    }
  }

  const callCount = blockingEvOfTask.length
  for (let t = 0; t < callCount; t++) {
    const ev = blockingEvOfTask[t]
    if (ev === undefined) continue
    let kind = blockingKindOfTask[t]!
    const launched = copyOpsOfCall[t] ?? NO_OPS
    if (kind === 'none' && launched.some((op) => isSynchronousAsyncCopy(ev.name, op.ev.name))) kind = 'copy'
    if (kind === 'none') continue
    const task = tasks[t]!
    const callStartNs = Math.round(measuredStartOf[t]! / NS) + w0
    const callEndNs = callStartNs + Math.round(measuredDurationOf[t]! / NS)
    const waitsOn: number[] = []
    const staticSources: GpuOp[] = []
    const syncs = ev.correlation !== undefined ? (syncByCorrelation.get(ev.correlation) ?? []) : []
    if (kind === 'copy') staticSources.push(...launched)
    else if (syncs.length > 0) {
      for (const s of syncs) {
        const sk = s.syncKind ?? ''
        if (/Context|Device/i.test(sk)) waitsOn.push(...gpuExecs)
        else if (/Stream Sync/i.test(sk) && s.stream !== undefined) {
          const ex = execOfStream(s.device, s.stream)
          if (ex !== undefined) waitsOn.push(ex)
        } else if (/Event Sync/i.test(sk)) {
          const recordStart =
            s.waitOnRecordCorrelation !== undefined
              ? callStartNsOfCorrelation.get(s.waitOnRecordCorrelation)
              : undefined
          const ex = s.waitOnStream !== undefined ? execOfStream(s.device, s.waitOnStream) : undefined
          if (ex !== undefined && recordStart !== undefined) {
            const op = lastIssued(ex, recordStart)
            if (op !== undefined) staticSources.push(op)
          } else if (ex !== undefined) {
            warn(
              'EVENT_RECORD_UNKNOWN',
              'event sync without its cudaEventRecord; waits on the whole stream',
              `traceEvents[${s.index}]`,
            )
            waitsOn.push(ex)
          }
        }
      }
    } else if (kind === 'device') waitsOn.push(...gpuExecs)
    else if (kind === 'stream') {
      warn(
        'SYNC_STREAM_UNKNOWN',
        'stream sync without cuda_sync events: assumed to wait for all streams',
        `traceEvents[${ev.index}]`,
      )
      waitsOn.push(...gpuExecs)
    } else {
      warn(
        'SYNC_TARGET_UNKNOWN',
        'event sync without cuda_sync events: dependency unknown, measured time kept',
        `traceEvents[${ev.index}]`,
      )
      continue
    }
    // Measured awaited end, by the same rule the engine applies at simulation time. A stream whose last issued
    // op ends after the call returned was provably not awaited (the call would not have returned): drop it.
    let awaitedNs = Number.NEGATIVE_INFINITY
    const targets: number[] = []
    for (const ex of new Set(waitsOn)) {
      const op = lastIssued(ex, callStartNs)
      if (op !== undefined && op.endNs > callEndNs) {
        warn(
          'SYNC_TARGET_NARROWED',
          'a synchronised stream was still busy when the call returned; not awaited',
          `traceEvents[${ev.index}]`,
        )
        continue
      }
      targets.push(ex)
      if (op !== undefined) awaitedNs = Math.max(awaitedNs, op.endNs)
    }
    for (const op of staticSources) awaitedNs = Math.max(awaitedNs, op.endNs)
    if (awaitedNs > callEndNs) {
      warn(
        'SYNC_ENDS_BEFORE_AWAITED',
        'blocking call returns before the GPU work it waits for ends',
        `traceEvents[${ev.index}]`,
      )
    }
    const tailNs = Math.max(0, callEndNs - Math.max(callStartNs, awaitedNs))
    // The call keeps its launches (duration 0); the wait task carries the measured tail after the awaited op.
    task.durationS = 0
    const wait: Task = {
      executor: task.executor,
      durationS: tailNs * NS,
      gapS: task.gapS,
      releaseS: 0,
      order: task.order + 0.5,
      info: { ...task.info, role: 'blocking-wait', kind: 'sync', taskClass: 'sync' },
    }
    task.gapS = 0
    // Measured view: the call is an instant at its start; the wait covers the whole blocked interval.
    task.info = { ...task.info, role: 'blocking-call', measuredDurationS: 0 }
    measuredDurationOf[t] = 0
    if (targets.length > 0) wait.waitsOn = targets
    tasks.push(wait)
    measuredStartOf.push(wait.info.measuredStartS ?? 0)
    measuredDurationOf.push(wait.info.measuredDurationS ?? 0)
    const w = tasks.length - 1
    for (const op of staticSources)
      deps.push({ from: op.task, to: w, kind: 'sync', lagS: 0, fromStart: false })
  }

  // 5. Stream Wait Event: the next op issued on `stream` after the wait waits for the op recorded on the other.
  const crossSources = new Map<number, number[]>() // gpu task -> gpu source tasks
  for (const e of events) {
    if (e.activity !== 'sync' || !/Stream Wait Event/i.test(e.syncKind ?? '') || e.correlation === undefined)
      continue
    const waitCallNs = callStartNsOfCorrelation.get(e.correlation)
    const recordNs =
      e.waitOnRecordCorrelation !== undefined
        ? callStartNsOfCorrelation.get(e.waitOnRecordCorrelation)
        : undefined
    const srcEx = e.waitOnStream !== undefined ? execOfStream(e.device, e.waitOnStream) : undefined
    const dstEx = e.stream !== undefined ? execOfStream(e.device, e.stream) : undefined
    if (waitCallNs === undefined || recordNs === undefined || srcEx === undefined || dstEx === undefined) {
      if (waitCallNs !== undefined && waitCallNs >= w0 && waitCallNs < w1) {
        warn(
          'STREAM_WAIT_UNRESOLVED',
          'stream-wait-event without its record or streams: inter-stream dependency unknown',
          `traceEvents[${e.index}]`,
        )
      }
      continue
    }
    const src = lastIssued(srcEx, recordNs)
    const dst = opsByExec.get(dstEx)!.find((op) => op.issueNs > waitCallNs)
    if (src === undefined || dst === undefined || src.task === dst.task) continue
    const list = crossSources.get(dst.task)
    if (list === undefined) crossSources.set(dst.task, [src.task])
    else list.push(src.task)
  }

  // 6. Launch edges, stream gaps and cross-stream edges with measured lags (replay-exact, what-if-faithful).
  for (const ops of opsByExec.values()) {
    let prev: GpuOp | undefined
    for (const op of ops) {
      const cross = crossSources.get(op.task) ?? NO_TASKS
      const crossEnd = cross.reduce(
        (m, s) => Math.max(m, tasks[s]!.info.measuredStartS! + tasks[s]!.durationS),
        Number.NEGATIVE_INFINITY,
      )
      const crossEndNs = Number.isFinite(crossEnd) ? Math.round(crossEnd / NS) + w0 : Number.NEGATIVE_INFINITY
      const prevEndNs = prev !== undefined ? prev.endNs : Number.NEGATIVE_INFINITY
      if (prev !== undefined && op.startNs < prev.endNs) {
        warn(
          'STREAM_OVERLAP',
          'GPU ops overlap on one stream; the later one will start after the earlier ends',
          `traceEvents[${op.ev.index}]`,
        )
      }
      const boundNs = Math.max(prevEndNs, crossEndNs)
      if (op.call >= 0) {
        const measuredLag = op.startNs - op.issueNs
        if (measuredLag < 0)
          warn(
            'GPU_BEFORE_LAUNCH',
            'GPU op starts before its launch call (clock skew); lag clamped to 0',
            `traceEvents[${op.ev.index}]`,
          )
        const idle = op.issueNs >= boundNs
        const lagNs = idle ? Math.max(0, measuredLag) : Math.max(0, Math.min(measuredLag, medianLagNs))
        deps.push({ from: op.call, to: op.task, kind: 'launch', lagS: lagNs * NS, fromStart: true })
      }
      const residualNs = Math.max(0, op.startNs - boundNs)
      if (Number.isFinite(boundNs) && (op.call < 0 || op.issueNs < boundNs)) {
        if (prevEndNs >= crossEndNs && prev !== undefined) tasks[prev.task]!.gapS = residualNs * NS
      }
      for (const s of cross) {
        const lagNs = crossEndNs > prevEndNs && op.issueNs < boundNs ? residualNs : 0
        deps.push({ from: s, to: op.task, kind: 'sync', lagS: lagNs * NS, fromStart: false })
      }
      prev = op
    }
  }

  // 7. Launch-queue cap: a launch blocks while 1,024 launches are outstanding on its stream (reference 2.9), so
  // the call of launch j waits for the last op of launch j - 1024 on the same stream (a CUDA-graph launch counts
  // once). Kept only where the trace does not contradict it (the depth is approximate); it stops a what-if that
  // slows the GPU from letting the CPU run arbitrarily far ahead.
  for (const ops of opsByExec.values()) {
    const launches: { call: number; last: GpuOp }[] = []
    for (const op of ops) {
      if (op.call < 0) continue
      const prev = launches[launches.length - 1]
      if (prev !== undefined && prev.call === op.call) prev.last = op
      else launches.push({ call: op.call, last: op })
    }
    for (let j = LAUNCH_QUEUE_DEPTH; j < launches.length; j++) {
      const old = launches[j - LAUNCH_QUEUE_DEPTH]!.last
      const call = launches[j]!.call
      const callStartNs = Math.round(measuredStartOf[call]! / NS) + w0
      if (old.endNs <= callStartNs)
        deps.push({ from: old.task, to: call, kind: 'sync', lagS: 0, fromStart: false })
    }
  }

  let measuredEndNs = w1
  for (let t = 0; t < tasks.length; t++) {
    const end = measuredStartOf[t]! + measuredDurationOf[t]!
    if (end / NS + w0 > measuredEndNs) measuredEndNs = Math.round(end / NS) + w0
  }
  for (const [code, c] of warnCounts)
    warnings.push({ code, message: c.message, count: c.count, example: c.example })
  if (!trace.metadata.hasSyncEvents && opsByExec.size > 1) {
    warnings.push({
      code: 'INTER_STREAM_DEPS_UNKNOWN',
      message:
        'no cuda_sync events: waits between streams are not known; they stay as measured delays, so what-ifs cannot move them',
      count: opsByExec.size,
    })
  }
  if (!windowed && trace.steps.length > 1) {
    warnings.push({
      code: 'WHOLE_TRACE',
      message: `no iteration selected: the whole trace (${trace.steps.length} profiler steps) is one window`,
      count: 1,
    })
  }
  if (tasks.length === 0) {
    // Nothing to simulate (a CPU-only trace): keep the measured span on one synthetic thread.
    executors.push({ name: 'cpu trace span', kind: 'cpu' })
    tasks.push({ ...markerTask('window begin', w0, w0), executor: 0, gapS: (w1 - w0) * NS, releaseS: 0 })
    tasks.push({ ...markerTask('window end', w1, w1), executor: 0, gapS: 0, releaseS: 0 })
    warnings.push({
      code: 'NO_GPU_ACTIVITY',
      message: 'no runtime calls or GPU ops in the window: nothing to simulate',
      count: 1,
    })
  }
  return {
    executors,
    tasks,
    dependencies: deps,
    gradientBytesEstimate: estimateGradientBytes(events, w0, w1),
    measuredIterationS: Math.max(0, measuredEndNs - w0) * NS,
    iterationCount: 1,
    windowStartNs: w0,
    iteration: options.iteration,
    warnings,
  }
}

function markerTask(
  name: string,
  _startNs: number,
  _endNs: number,
): Omit<Task, 'executor' | 'gapS' | 'releaseS'> {
  return {
    durationS: 0,
    order: _startNs,
    info: { role: 'marker', name, kind: 'marker', taskClass: 'cpu', eventIndex: -1 },
  }
}

interface Scope {
  startNs: number
  endNs: number
  name: string
  module: string | undefined
  isOp: boolean
}

function collectScopes(events: readonly TraceEvent[]): Map<string, Scope[]> {
  const out = new Map<string, Scope[]>()
  for (const e of events) {
    if (e.activity !== 'cpu_op' && e.activity !== 'annotation' && e.activity !== 'python') continue
    if (e.name.startsWith('ProfilerStep#')) continue
    const key = `${e.pid}/${e.tid}`
    let list = out.get(key)
    if (list === undefined) out.set(key, (list = []))
    const m = /^nn\.Module: (.+)$/.exec(e.name)
    list.push({
      startNs: e.startNs,
      endNs: e.startNs + e.durNs,
      name: e.name,
      module: m?.[1],
      isOp: e.activity !== 'python',
    })
  }
  for (const list of out.values()) list.sort((a, b) => a.startNs - b.startNs || b.endNs - a.endNs)
  return out
}

/** Phase and layer of each call (sorted by start) from the scopes enclosing it, by one sweep with a stack. */
function labelCalls(
  calls: readonly TraceEvent[],
  scopes: readonly Scope[],
): { phase: TaskInfo['phase']; layer: string | undefined }[] {
  const out: { phase: TaskInfo['phase']; layer: string | undefined }[] = []
  const stack: Scope[] = []
  let k = 0
  for (const c of calls) {
    while (k < scopes.length && scopes[k]!.startNs <= c.startNs) {
      const s = scopes[k++]!
      while (stack.length > 0 && stack[stack.length - 1]!.endNs <= s.startNs) stack.pop()
      stack.push(s)
    }
    while (stack.length > 0 && stack[stack.length - 1]!.endNs < c.startNs + c.durNs) {
      // Scopes that end before the call ends do not enclose it (the call is not inside them).
      const top = stack[stack.length - 1]!
      if (top.endNs <= c.startNs) stack.pop()
      else break
    }
    const enclosing = stack.filter((s) => s.startNs <= c.startNs && s.endNs >= c.startNs + c.durNs)
    let layer: string | undefined
    for (let i = enclosing.length - 1; i >= 0 && layer === undefined; i--) layer = enclosing[i]!.module
    if (layer === undefined)
      layer = enclosing.find(
        (s) => s.isOp && !/^(Optimizer|enumerate|##|autograd::engine)/.test(s.name),
      )?.name
    out.push({ phase: phaseOf(enclosing.map((s) => s.name)), layer })
  }
  return out
}

/**
 * Gradient bytes from the optimizer's per-parameter ops: 4 bytes per element of the first input, summed per op
 * name under `Optimizer.step` in the window. An op may run more than once per parameter (SGD with momentum calls
 * `add_` twice), so among the frequent ops (at least half the calls of the most frequent) the smallest total
 * wins. `_foreach_` ops take tensor lists and are skipped. Heuristic.
 */
function estimateGradientBytes(events: readonly TraceEvent[], w0: number, w1: number): number | undefined {
  const steps = events.filter(
    (e) =>
      (e.activity === 'annotation' || e.activity === 'cpu_op') &&
      /^Optimizer\.step/.test(e.name) &&
      e.startNs >= w0 &&
      e.startNs < w1,
  )
  if (steps.length === 0) return undefined
  const byName = new Map<string, { count: number; numel: number }>()
  for (const e of events) {
    if (e.activity !== 'cpu_op' || e.firstInputNumel === undefined || e.name.includes('_foreach_')) continue
    const inside = steps.some(
      (s) =>
        s.pid === e.pid &&
        s.tid === e.tid &&
        e.startNs >= s.startNs &&
        e.startNs + e.durNs <= s.startNs + s.durNs,
    )
    if (!inside) continue
    const g = byName.get(e.name)
    if (g === undefined) byName.set(e.name, { count: 1, numel: e.firstInputNumel })
    else {
      g.count++
      g.numel += e.firstInputNumel
    }
  }
  let maxCount = 0
  for (const g of byName.values()) maxCount = Math.max(maxCount, g.count)
  let best: number | undefined
  for (const g of byName.values()) {
    if (g.count * 2 >= maxCount && (best === undefined || g.numel < best)) best = g.numel
  }
  return best === undefined || best === 0 ? undefined : 4 * best
}
