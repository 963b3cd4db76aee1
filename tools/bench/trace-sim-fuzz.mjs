// Fuzzing @dnnperf/trace-sim: 10,000 generated malformed traces must each give a result (with warnings) or a
// typed DnnperfError, never another exception, through both readers: the whole-document `analyzeTrace` and the
// streaming `loadTraceStream` (bytes cut into random chunk sizes, each input under a 5 s watchdog). Where the
// input is complete valid JSON both readers must agree event for event. Prints one JSON object. Build first:
//   npx nx run @dnnperf/trace-sim:build && node tools/bench/trace-sim-fuzz.mjs [count] [seed]
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { isDnnperfError } from '@dnnperf/ir'
import { Readable } from 'node:stream'
import { analyzeTrace, loadTrace, loadTraceStream } from '@dnnperf/trace-sim'

const count = Number(process.argv[2] ?? 10_000)
const seed = Number(process.argv[3] ?? 42)

function validTrace() {
  const cpu = { pid: 1, tid: 10 }
  return {
    schemaVersion: 1,
    traceEvents: [
      { ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#3', ...cpu, ts: 1000, dur: 100 },
      { ph: 'X', cat: 'cpu_op', name: 'aten::linear', ...cpu, ts: 1008, dur: 19, args: { 'External id': 5 } },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaLaunchKernel',
        ...cpu,
        ts: 1010,
        dur: 5,
        args: { correlation: 1 },
      },
      {
        ph: 'X',
        cat: 'kernel',
        name: 'gemm',
        pid: 0,
        tid: 7,
        ts: 1020,
        dur: 40,
        args: { correlation: 1, stream: 7 },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaLaunchKernel',
        ...cpu,
        ts: 1020,
        dur: 5,
        args: { correlation: 2 },
      },
      {
        ph: 'X',
        cat: 'kernel',
        name: 'relu',
        pid: 0,
        tid: 7,
        ts: 1060,
        dur: 10,
        args: { correlation: 2, stream: 7 },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaStreamSynchronize',
        ...cpu,
        ts: 1030,
        dur: 45,
        args: { correlation: 3 },
      },
      {
        ph: 'X',
        cat: 'cuda_sync',
        name: 'Stream Sync',
        pid: 0,
        tid: 7,
        ts: 1030,
        dur: 45,
        args: { correlation: 3, stream: 7, cuda_sync_kind: 'Stream Sync' },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaStreamWaitEvent',
        ...cpu,
        ts: 1080,
        dur: 2,
        args: { correlation: 4 },
      },
      {
        ph: 'X',
        cat: 'cuda_sync',
        name: 'Stream Wait Event',
        pid: 0,
        tid: 8,
        ts: 1080,
        dur: 1,
        args: {
          correlation: 4,
          stream: 8,
          wait_on_stream: 7,
          wait_on_cuda_event_record_corr_id: 2,
          cuda_sync_kind: 'Stream Wait Event',
        },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaMemcpy',
        ...cpu,
        ts: 1085,
        dur: 10,
        args: { correlation: 5 },
      },
      {
        ph: 'X',
        cat: 'gpu_memcpy',
        name: 'Memcpy DtoH (Device -> Pageable)',
        pid: 0,
        tid: 8,
        ts: 1086,
        dur: 5,
        args: { correlation: 5, stream: 8 },
      },
      { ph: 's', cat: 'ac2g', name: 'ac2g', id: 1, ...cpu, ts: 1010 },
      { ph: 'f', cat: 'ac2g', name: 'ac2g', id: 1, pid: 0, tid: 7, ts: 1020, bp: 'e' },
    ],
  }
}

const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    'X',
    'i',
    's',
    'f',
    'M',
    'kernel',
    'Kernel',
    'cuda_runtime',
    'Runtime',
    'cuda_sync',
    'gpu_memcpy',
  ),
  fc.constantFrom(
    'cudaStreamSynchronize',
    'cudaDeviceSynchronize',
    'cudaMemcpy',
    'ProfilerStep#3',
    'Optimizer.step#SGD.step',
  ),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
)
const arb = fc.record({
  edits: fc.array(
    fc.record({
      event: fc.nat(),
      field: fc.constantFrom(
        'ts',
        'dur',
        'pid',
        'tid',
        'cat',
        'name',
        'ph',
        'args',
        'correlation',
        'stream',
        'wait_on_stream',
        'cuda_sync_kind',
      ),
      value,
    }),
    { maxLength: 12 },
  ),
  duplicate: fc.array(fc.nat(), { maxLength: 6 }),
  drop: fc.array(fc.nat(), { maxLength: 4 }),
  reverse: fc.boolean(),
  top: fc.constantFrom('object', 'array', 'junk', 'wrongEvents'),
  cut: fc.option(
    fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
    { nil: undefined, freq: 3 },
  ),
  gzip: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 4096 }),
  recipe: fc.constantFrom(
    undefined,
    'amp',
    'fused-adam',
    'ddp:4',
    'scale-class:0.5',
    'no-optimizer',
    'reconstructed-bn',
    'gpu:v100:h100',
    'amp+fused-adam',
    'bogus',
  ),
})

const outcomes = { ok: 0, typedErrors: {}, crashes: 0, crashExamples: [] }
const stream = {
  ok: 0,
  typedErrors: {},
  crashes: 0,
  hangs: 0,
  comparedWithWholeDocument: 0,
  mismatches: 0,
  examples: [],
}

function chunks(bytes, size) {
  const out = []
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)))
  return out
}

async function streamed(bytes, size, text, complete) {
  let timer
  const watchdog = new Promise((resolve) => {
    timer = setTimeout(() => resolve('hang'), 5000)
  })
  try {
    const t = await Promise.race([
      loadTraceStream(Readable.from(chunks(bytes, size)), { source: 'fuzz' }),
      watchdog,
    ])
    if (t === 'hang') {
      stream.hangs++
      if (stream.examples.length < 5) stream.examples.push({ hang: true, input: text.slice(0, 300) })
      return
    }
    stream.ok++
    if (complete) {
      stream.comparedWithWholeDocument++
      const whole = loadTrace(bytes, { source: 'fuzz' })
      if (JSON.stringify(whole) !== JSON.stringify(t)) {
        stream.mismatches++
        if (stream.examples.length < 5) stream.examples.push({ mismatch: true, input: text.slice(0, 300) })
      }
    }
  } catch (e) {
    if (isDnnperfError(e)) stream.typedErrors[e.code] = (stream.typedErrors[e.code] ?? 0) + 1
    else {
      stream.crashes++
      if (stream.examples.length < 5)
        stream.examples.push({ message: String(e?.message ?? e).slice(0, 200), input: text.slice(0, 300) })
    }
  } finally {
    clearTimeout(timer)
  }
}
const t0 = performance.now()
for (const c of fc.sample(arb, { numRuns: count, seed })) {
  const t = validTrace()
  const ev = t.traceEvents
  for (const e of c.edits) {
    const x = ev[e.event % ev.length]
    if (['correlation', 'stream', 'wait_on_stream', 'cuda_sync_kind'].includes(e.field))
      x.args = { ...(typeof x.args === 'object' && x.args !== null ? x.args : {}), [e.field]: e.value }
    else if (e.value === undefined) delete x[e.field]
    else x[e.field] = e.value
  }
  for (const d of c.duplicate) ev.push(structuredClone(ev[d % ev.length]))
  for (const d of c.drop) ev.splice(d % Math.max(1, ev.length), 1)
  if (c.reverse) ev.reverse()
  let text
  if (c.top === 'array') text = JSON.stringify(ev)
  else if (c.top === 'junk') text = `${JSON.stringify(t).slice(0, 40)}\u0000garbage`
  else if (c.top === 'wrongEvents') text = JSON.stringify({ traceEvents: { a: 1 } })
  else text = JSON.stringify(t)
  if (c.cut !== undefined) text = text.slice(0, Math.floor(text.length * c.cut))
  let bytes = new TextEncoder().encode(text)
  if (c.gzip) bytes = gzipSync(bytes)
  let complete = c.cut === undefined && (c.top === 'object' || c.top === 'array')
  if (complete) {
    try {
      loadTrace(bytes)
    } catch {
      complete = false // both readers reject it: compared through the typed-error counts only
    }
  }
  await streamed(bytes, c.chunk, text, complete)
  try {
    const a = analyzeTrace(bytes, {
      ...(c.recipe !== undefined ? { whatIf: c.recipe, whatIfOptions: { gradientBytes: 1e6 } } : {}),
      timeline: true,
    })
    if (!Number.isFinite(a.simulatedIterationS) || !Number.isFinite(a.measuredIterationS))
      throw new Error('non-finite result')
    JSON.stringify(a)
    outcomes.ok++
  } catch (e) {
    if (isDnnperfError(e)) {
      const key = process.env.FUZZ_DETAIL
        ? `${e.code}: ${String(e.detail ?? e.message).slice(0, 60)}`
        : e.code
      outcomes.typedErrors[key] = (outcomes.typedErrors[key] ?? 0) + 1
    } else {
      outcomes.crashes++
      if (outcomes.crashExamples.length < 5)
        outcomes.crashExamples.push({
          message: String(e?.message ?? e).slice(0, 200),
          input: text.slice(0, 300),
        })
    }
  }
}
console.log(
  JSON.stringify({ count, seed, seconds: (performance.now() - t0) / 1e3, ...outcomes, stream }, null, 2),
)
