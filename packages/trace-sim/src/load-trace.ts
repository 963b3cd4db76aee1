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
 * Exact (no sampling). O(events). Whole-document `JSON.parse` (inputs up to ~512 MiB of text); use
 * `loadTraceFile` to stream larger files in bounded memory.
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
        doc !== null && typeof doc === 'object' && ('nodes' in doc || 'workload_graph' in doc)
          ? 'this is an execution trace (ET), not a Kineto profiler trace'
          : 'expected an array of events',
    })
  }
  const normalizer = new TraceNormalizer(source, options, warnings)
  if (!Array.isArray(doc)) for (const [k, v] of Object.entries(doc as object)) normalizer.top(k, v)
  for (let index = 0; index < raw.length; index++) normalizer.event(raw[index], index)
  return normalizer.finish()
}

/** Top-level keys the normaliser reads; the streaming reader skips every other top-level value unparsed. */
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'schemaVersion',
  'distributedInfo',
  'deviceProperties',
])

/**
 * Turns raw Chrome-trace events into {@link TraceEvent}s one at a time, keeping only the fields the graph needs
 * (names, times, ids, stream, device, bytes, sync targets, first input size); everything else in `args` is
 * dropped as soon as the event is read. Repeated strings are shared. Times are converted in `finish`, once the
 * origin (earliest timestamp) is known. Used by both the whole-document and the streaming readers.
 */
export class TraceNormalizer {
  private readonly unitToUs: number
  private readonly counts = new Map<string, { count: number; example: string; message: string }>()
  private readonly strings = new Map<string, string>()
  private readonly events: { -readonly [K in keyof TraceEvent]: TraceEvent[K] }[] = []
  private originUs = Number.POSITIVE_INFINITY
  // Launch flows (`ac2g`, 2022 `async_cpu_to_gpu`, 2021 `async`): id = correlation. Only a fallback for events
  // that lack `args.correlation` (reference pitfall 1: join by correlation, not flows).
  // Stored as parallel number arrays (packed doubles, ~24 bytes a flow) rather than a string-keyed map: every
  // launch has a flow pair, and the map is only built in `finish` if some event actually lacks a correlation.
  private readonly flowTrack: number[] = []
  private readonly flowTs: number[] = []
  private readonly flowId: number[] = []
  private readonly trackIndex = new Map<string, number>()
  private readonly pendingFlow: { ev: { correlation?: number }; key: string }[] = []
  private flowEventCount = 0
  private hasSyncEvents = false
  private rocm = false
  private cuda = false
  private schemaVersion: number | undefined
  private rank: number | undefined
  private worldSize: number | undefined
  private deviceName: string | undefined
  private readonly topKeys = new Set<string>()

  constructor(
    private readonly source: string,
    options: LoadTraceOptions,
    private readonly warnings: TraceWarning[],
  ) {
    this.unitToUs = options.timeUnit === 'ns' ? 1e-3 : 1
  }

  /** Number of events kept so far. */
  get eventCount(): number {
    return this.events.length
  }

  /** A top-level key of the document (values only for {@link TOP_LEVEL_KEYS}; others may be undefined). */
  top(key: string, value: unknown): void {
    this.topKeys.add(key)
    if (key === 'schemaVersion') this.schemaVersion = toNumber(value)
    else if (key === 'distributedInfo' && value !== null && typeof value === 'object') {
      const dist = value as Record<string, unknown>
      this.rank = toNumber(dist.rank)
      this.worldSize = toNumber(dist.world_size)
    } else if (key === 'roctracer_version') this.rocm = true
    else if (key === 'deviceProperties' && Array.isArray(value)) {
      const name = (value[0] as { name?: unknown } | null)?.name
      if (typeof name === 'string') this.deviceName = name
    }
  }

  /** Keys seen at the top level of the document. */
  hasTopKey(key: string): boolean {
    return this.topKeys.has(key)
  }

  private intern(s: string): string {
    const known = this.strings.get(s)
    if (known !== undefined) return known
    this.strings.set(s, s)
    return s
  }

  private warn(code: string, message: string, example: string): void {
    const c = this.counts.get(code)
    if (c === undefined) this.counts.set(code, { count: 1, example, message })
    else c.count++
  }

  /** One element of `traceEvents` at position `index`. */
  event(raw: unknown, index: number): void {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.warn('EVENT_NOT_OBJECT', 'trace event is not an object; skipped', `traceEvents[${index}]`)
      return
    }
    const e = raw as Record<string, unknown>
    const ph = e.ph
    if (ph === 's' || ph === 'f' || ph === 't') {
      this.flowEventCount++
      const cat = typeof e.cat === 'string' ? e.cat : ''
      const id = toNumber(e.id)
      const ts = toNumber(e.ts)
      if (id !== undefined && ts !== undefined && /^(ac2g|async|async_cpu_to_gpu)$/.test(cat)) {
        const track = `${String(e.pid)}|${String(e.tid)}`
        let t = this.trackIndex.get(track)
        if (t === undefined) {
          t = this.trackIndex.size
          this.trackIndex.set(track, t)
        }
        this.flowTrack.push(t)
        this.flowTs.push(ts)
        this.flowId.push(id)
      }
      return
    }
    if (ph !== 'X') return
    const catRaw = typeof e.cat === 'string' ? e.cat : ''
    let activity: TraceActivity = ACTIVITY_OF_CAT[catRaw.toLowerCase()] ?? 'other'
    const name = typeof e.name === 'string' ? e.name : String(e.name ?? '')
    const ts = toNumber(e.ts)
    let dur = toNumber(e.dur)
    if (ts === undefined) {
      this.warn(
        'EVENT_MISSING_FIELD',
        'complete event without a numeric "ts"; skipped',
        `traceEvents[${index}].ts`,
      )
      return
    }
    if (dur === undefined) {
      this.warn(
        'EVENT_MISSING_FIELD',
        'complete event without a numeric "dur"; taken as 0',
        `traceEvents[${index}].dur`,
      )
      dur = 0
    }
    if (dur < 0) {
      this.warn('NEGATIVE_DURATION', 'negative "dur" clamped to 0', `traceEvents[${index}]`)
      dur = 0
    }
    const args = (e.args !== null && typeof e.args === 'object' ? e.args : {}) as Record<string, unknown>
    if (activity === 'kernel') {
      if (ROCM_COPY_KERNEL.test(name)) activity = 'memcpy'
      else if (ROCM_FILL_KERNEL.test(name)) activity = 'memset'
    }
    if (activity === 'runtime') {
      if (name.startsWith('hip')) this.rocm = true
      else if (name.startsWith('cu')) this.cuda = true
    }
    if (activity === 'sync') this.hasSyncEvents = true
    // Raw scaled timestamp for now; `finish` subtracts the origin.
    const tsUs = ts * this.unitToUs
    if (tsUs < this.originUs) this.originUs = tsUs
    const startNs = tsUs
    const durNs = Math.round(dur * this.unitToUs * 1000)
    const ev: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
      index,
      activity,
      cat: this.intern(catRaw),
      name: this.intern(name),
      pid: this.intern(String(e.pid ?? '')),
      tid: this.intern(String(e.tid ?? '')),
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
      this.pendingFlow.push({ ev, key: `${String(e.pid)}|${String(e.tid)}|${ts}` })
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
    this.events.push(ev)
  }

  /** The loaded trace. @throws TraceMalformedError when no usable event was read. */
  finish(): LoadedTrace {
    if (this.events.length === 0) {
      throw new TraceMalformedError({
        source: this.source,
        field: 'traceEvents',
        detail: 'no complete ("ph":"X") event with a timestamp',
      })
    }
    // The origin is the floor of the earliest timestamp (µs) so that `ts - origin` stays exact.
    const originUs = Math.floor(this.originUs)
    for (const ev of this.events) ev.startNs = Math.round((ev.startNs - originUs) * 1000)
    // Flows may come before or after their slices: resolve the fallback once everything is read.
    let viaFlow = 0
    const flowIdAt = new Map<string, number>()
    if (this.pendingFlow.length > 0) {
      const tracks = [...this.trackIndex.keys()]
      for (let k = 0; k < this.flowId.length; k++)
        flowIdAt.set(`${tracks[this.flowTrack[k]!]}|${this.flowTs[k]}`, this.flowId[k]!)
    }
    for (const { ev, key } of this.pendingFlow) {
      const id = flowIdAt.get(key)
      if (id !== undefined) {
        ev.correlation = id
        viaFlow++
      }
    }
    if (viaFlow > 0) {
      this.warnings.push({
        code: 'CORRELATION_FROM_FLOW',
        message: 'events without args.correlation linked by their launch flow id',
        count: viaFlow,
      })
    }

    const steps: ProfilerStep[] = []
    for (const ev of this.events) {
      if ((ev.activity === 'annotation' || ev.activity === 'cpu_op') && ev.name.startsWith('ProfilerStep#')) {
        const number = Number(ev.name.slice('ProfilerStep#'.length))
        if (Number.isInteger(number)) {
          steps.push({ number, startNs: ev.startNs, endNs: ev.startNs + ev.durNs, pid: ev.pid, tid: ev.tid })
        }
      }
    }
    steps.sort((a, b) => a.startNs - b.startNs)

    for (const [code, c] of this.counts)
      this.warnings.push({ code, message: c.message, count: c.count, example: c.example })
    return {
      source: this.source,
      originUs,
      events: this.events,
      steps,
      warnings: this.warnings,
      metadata: {
        schemaVersion: this.schemaVersion,
        platform: this.rocm ? 'rocm' : this.cuda ? 'cuda' : 'unknown',
        hasSyncEvents: this.hasSyncEvents,
        flowEventCount: this.flowEventCount,
        rank: this.rank,
        worldSize: this.worldSize,
        deviceName: this.deviceName,
      },
    }
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
