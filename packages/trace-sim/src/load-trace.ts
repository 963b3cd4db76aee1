import { TraceMalformedError } from './errors.js'
import { readTraceDocument } from './read-document.js'
import type {
  LoadTraceOptions,
  LoadedTrace,
  ProfilerStep,
  TraceActivity,
  TraceEvent,
  TraceWarning,
} from './types.js'

// Category spellings across Kineto eras (2021 legacy, 2022, current) and ROCm, mapped to one activity.
const ACTIVITY_OF_CAT: Readonly<Record<string, TraceActivity>> = {
  cpu_op: 'cpu_op',
  operator: 'cpu_op',
  user_annotation: 'annotation',
  python_function: 'python',
  cuda_runtime: 'runtime',
  cuda_driver: 'runtime',
  runtime: 'runtime',
  kernel: 'kernel',
  gpu_memcpy: 'memcpy',
  memcpy: 'memcpy',
  gpu_memset: 'memset',
  memset: 'memset',
  cuda_sync: 'sync',
  gpu_user_annotation: 'gpu_annotation',
}

// ROCm 7.1 reports copies and fills as `cat: kernel` (TraceLens util): reclassify by name.
const ROCM_COPY_KERNEL = /^(__amd_rocclr_copy|MEMORY_COPY_)/
const ROCM_FILL_KERNEL = /^(__amd_rocclr_fill|MEMORY_FILL_)/

/**
 * Reads a PyTorch profiler (Kineto) Chrome-trace JSON: plain, gzip, or a tar(.gz) holding one; CUDA or ROCm;
 * 2021, 2022 and current category names; with or without flow events. Returns normalised complete events with
 * integer nanosecond times from the trace origin, the `ProfilerStep#N` spans, and structured warnings for every
 * recoverable defect (negative durations, events without times, truncation, duplicate correlations).
 *
 * Exact (no sampling). O(events). Whole-document `JSON.parse` for now; `readTraceDocument` is the seam for a
 * streaming tokenizer.
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) when the input is not JSON (with line/column), has no
 *   `traceEvents` array, or holds no usable event.
 */
export function loadTrace(input: string | Uint8Array | object, options: LoadTraceOptions = {}): LoadedTrace {
  const source = options.source ?? (typeof input === 'string' ? input : 'buffer')
  const warnings: TraceWarning[] = []
  const doc =
    typeof input === 'string' || input instanceof Uint8Array
      ? readTraceDocument(input, source, warnings)
      : input
  const raw: unknown = Array.isArray(doc) ? doc : (doc as { traceEvents?: unknown } | null)?.traceEvents
  if (!Array.isArray(raw)) {
    throw new TraceMalformedError({
      source,
      field: 'traceEvents',
      detail:
        doc !== null && typeof doc === 'object' && 'nodes' in doc
          ? 'this is an execution trace (ET), not a Kineto profiler trace'
          : 'expected an array of events',
    })
  }
  const top = (Array.isArray(doc) ? {} : doc) as Record<string, unknown>
  const unitToUs = options.timeUnit === 'ns' ? 1e-3 : 1
  const counts = new Map<string, { count: number; example: string; message: string }>()
  const warn = (code: string, message: string, example: string): void => {
    const c = counts.get(code)
    if (c === undefined) counts.set(code, { count: 1, example, message })
    else c.count++
  }

  // Pass 1: the origin (floor of the earliest timestamp, in µs) so that later `ts - origin` stays exact.
  let originUs = Number.POSITIVE_INFINITY
  for (const e of raw) {
    if (e === null || typeof e !== 'object') continue
    const ts = toNumber((e as { ts?: unknown }).ts)
    if (ts !== undefined && (e as { ph?: unknown }).ph === 'X' && ts * unitToUs < originUs)
      originUs = ts * unitToUs
  }
  if (!Number.isFinite(originUs)) {
    throw new TraceMalformedError({
      source,
      field: 'traceEvents',
      detail: 'no complete ("ph":"X") event with a timestamp',
    })
  }
  originUs = Math.floor(originUs)

  const events: TraceEvent[] = []
  // Launch flows (`ac2g`, 2022 `async_cpu_to_gpu`, 2021 `async`): id = correlation. Only a fallback for events
  // that lack `args.correlation` (reference pitfall 1: join by correlation, not flows).
  const flowIdAt = new Map<string, number>()
  const pendingFlow: { ev: { correlation?: number }; key: string }[] = []
  let flowEventCount = 0
  let hasSyncEvents = false
  let rocm = false
  let cuda = false
  for (let index = 0; index < raw.length; index++) {
    const e = raw[index] as Record<string, unknown> | null
    if (e === null || typeof e !== 'object') {
      warn('EVENT_NOT_OBJECT', 'trace event is not an object; skipped', `traceEvents[${index}]`)
      continue
    }
    const ph = e.ph
    if (ph === 's' || ph === 'f' || ph === 't') {
      flowEventCount++
      const cat = typeof e.cat === 'string' ? e.cat : ''
      const id = toNumber(e.id)
      const ts = toNumber(e.ts)
      if (id !== undefined && ts !== undefined && /^(ac2g|async|async_cpu_to_gpu)$/.test(cat)) {
        flowIdAt.set(`${String(e.pid)}|${String(e.tid)}|${ts}`, id)
      }
      continue
    }
    if (ph !== 'X') continue
    const catRaw = typeof e.cat === 'string' ? e.cat : ''
    let activity: TraceActivity = ACTIVITY_OF_CAT[catRaw.toLowerCase()] ?? 'other'
    const name = typeof e.name === 'string' ? e.name : String(e.name ?? '')
    const ts = toNumber(e.ts)
    let dur = toNumber(e.dur)
    if (ts === undefined) {
      warn(
        'EVENT_MISSING_FIELD',
        'complete event without a numeric "ts"; skipped',
        `traceEvents[${index}].ts`,
      )
      continue
    }
    if (dur === undefined) {
      warn(
        'EVENT_MISSING_FIELD',
        'complete event without a numeric "dur"; taken as 0',
        `traceEvents[${index}].dur`,
      )
      dur = 0
    }
    if (dur < 0) {
      warn('NEGATIVE_DURATION', 'negative "dur" clamped to 0', `traceEvents[${index}]`)
      dur = 0
    }
    const args = (e.args !== null && typeof e.args === 'object' ? e.args : {}) as Record<string, unknown>
    if (activity === 'kernel') {
      if (ROCM_COPY_KERNEL.test(name)) activity = 'memcpy'
      else if (ROCM_FILL_KERNEL.test(name)) activity = 'memset'
    }
    if (activity === 'runtime') {
      if (name.startsWith('hip')) rocm = true
      else if (name.startsWith('cu')) cuda = true
    }
    if (activity === 'sync') hasSyncEvents = true
    const startNs = Math.round((ts * unitToUs - originUs) * 1000)
    const durNs = Math.round(dur * unitToUs * 1000)
    const ev: {
      -readonly [K in keyof TraceEvent]: TraceEvent[K]
    } = {
      index,
      activity,
      cat: catRaw,
      name,
      pid: String(e.pid ?? ''),
      tid: String(e.tid ?? ''),
      startNs,
      durNs,
    }
    const corr = toNumber(args.correlation)
    if (corr !== undefined) ev.correlation = corr
    else if (
      activity === 'runtime' ||
      activity === 'kernel' ||
      activity === 'memcpy' ||
      activity === 'memset'
    ) {
      pendingFlow.push({ ev, key: `${String(e.pid)}|${String(e.tid)}|${ts}` })
    }
    const ext = toNumber(args['External id'] ?? args['external id'])
    if (ext !== undefined) ev.externalId = ext
    if (
      activity === 'kernel' ||
      activity === 'memcpy' ||
      activity === 'memset' ||
      activity === 'gpu_annotation'
    ) {
      const stream = toNumber(args.stream) ?? toNumber(String(e.tid ?? '').replace(/^stream\s*/, ''))
      if (stream !== undefined) ev.stream = stream
      const device = toNumber(args.device) ?? toNumber(e.pid)
      if (device !== undefined) ev.device = device
      const bytes = toNumber(args.bytes)
      if (bytes !== undefined) ev.bytes = bytes
    } else if (activity === 'sync') {
      // Current Kineto puts Stream Sync on tid = stream + 1e6: trust args.stream (reference 2.4).
      const stream = toNumber(args.stream)
      if (stream !== undefined && stream !== -1 && stream !== 4294967295) ev.stream = stream
      const device = toNumber(args.device)
      if (device !== undefined) ev.device = device
      const kind = args.cuda_sync_kind
      ev.syncKind = typeof kind === 'string' ? kind : name
      const ws = toNumber(args.wait_on_stream)
      if (ws !== undefined) ev.waitOnStream = ws
      const rc = toNumber(args.wait_on_cuda_event_record_corr_id)
      if (rc !== undefined) ev.waitOnRecordCorrelation = rc
    }
    if (activity === 'cpu_op') {
      const dims = args['Input Dims']
      const first = Array.isArray(dims) ? dims[0] : undefined
      if (Array.isArray(first) && first.length > 0 && first.every((d) => typeof d === 'number' && d >= 0)) {
        ev.firstInputNumel = (first as number[]).reduce((a, b) => a * b, 1)
      }
    }
    events.push(ev)
  }
  if (events.length === 0) {
    throw new TraceMalformedError({ source, field: 'traceEvents', detail: 'no usable complete event' })
  }
  // Flows may come before or after their slices: resolve the fallback once everything is read.
  let viaFlow = 0
  for (const { ev, key } of pendingFlow) {
    const id = flowIdAt.get(key)
    if (id !== undefined) {
      ev.correlation = id
      viaFlow++
    }
  }
  if (viaFlow > 0) {
    warnings.push({
      code: 'CORRELATION_FROM_FLOW',
      message: 'events without args.correlation linked by their launch flow id',
      count: viaFlow,
    })
  }

  const steps: ProfilerStep[] = []
  for (const ev of events) {
    if ((ev.activity === 'annotation' || ev.activity === 'cpu_op') && ev.name.startsWith('ProfilerStep#')) {
      const number = Number(ev.name.slice('ProfilerStep#'.length))
      if (Number.isInteger(number)) {
        steps.push({ number, startNs: ev.startNs, endNs: ev.startNs + ev.durNs, pid: ev.pid, tid: ev.tid })
      }
    }
  }
  steps.sort((a, b) => a.startNs - b.startNs)

  for (const [code, c] of counts)
    warnings.push({ code, message: c.message, count: c.count, example: c.example })
  const dist = (top.distributedInfo ?? {}) as Record<string, unknown>
  return {
    source,
    originUs,
    events,
    steps,
    warnings,
    metadata: {
      schemaVersion: toNumber(top.schemaVersion),
      platform: rocm || 'roctracer_version' in top ? 'rocm' : cuda ? 'cuda' : 'unknown',
      hasSyncEvents,
      flowEventCount,
      rank: toNumber(dist.rank),
      worldSize: toNumber(dist.world_size),
    },
  }
}

function toNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined
  if (typeof x === 'string' && x.trim() !== '') {
    const v = x.startsWith('0x') ? Number.parseInt(x, 16) : Number(x)
    return Number.isFinite(v) ? v : undefined
  }
  return undefined
}
