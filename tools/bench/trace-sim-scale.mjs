// Scale benchmark of @dnnperf/trace-sim, the full path a user takes: a Kineto trace file through `loadTraceFile`
// (streamed parse) -> `buildDependencyGraph` -> `simulateTrace`, on the largest public trace and on a generated
// Kineto-shaped trace of 10M graph tasks (default; first argument to change it). Prints one JSON object with the
// graph-build and simulation rates (tasks/s) and the peak RSS after each phase (the one after parsing is the
// memory peak while parsing). Build first:
//   npx nx run @dnnperf/trace-sim:build && node tools/bench/trace-sim-scale.mjs [tasks]
// The generated trace is written to a temp file (about 1.2 KB of JSON per launch: ~6 GB for 10M tasks) and
// deleted at the end. One CPU thread launches onto one stream: per launch a `cpu_op`, its `cudaLaunchKernel`,
// the kernel and the `ac2g` flow pair; every 2,000 launches a `ProfilerStep#N` ends with cudaDeviceSynchronize
// (a call + wait pair whose wait is resolved during the simulation, so the event engine runs). The whole trace
// is one window. The default V8 heap is too small for 10M tasks: the script re-runs itself with a larger heap.
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getHeapStatistics } from 'node:v8'
import { gunzipSync } from 'node:zlib'

const HEAP_MB = 20_000
if (
  getHeapStatistics().heap_size_limit < 0.9 * HEAP_MB * 2 ** 20 &&
  process.env.TRACE_SIM_SCALE_CHILD !== '1'
) {
  const r = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      '--expose-gc',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, TRACE_SIM_SCALE_CHILD: '1' } },
  )
  process.exit(r.status ?? 1)
}

const { buildDependencyGraph, loadTraceFile, simulateTrace } = await import('@dnnperf/trace-sim')

const targetTasks = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000_000)
const traceDir = resolve(import.meta.dirname, '../../../shared/data/traces')
const peakRss = () => process.resourceUsage().maxRSS * 1024
const gc = () => globalThis.gc?.()
const seconds = (t0) => (performance.now() - t0) / 1e3

/**
 * loadTraceFile -> buildDependencyGraph -> simulateTrace, timed, with the peak RSS after each phase. Small inputs
 * repeat each phase (`runs`) and keep the fastest, as the JIT warms up; the 10M-task run is timed once.
 */
async function fullPath(file, runs = 1) {
  const best = async (f) => {
    let seconds = Number.POSITIVE_INFINITY
    let out
    for (let k = 0; k < runs; k++) {
      out = undefined
      gc()
      const t0 = performance.now()
      out = await f()
      seconds = Math.min(seconds, (performance.now() - t0) / 1e3)
    }
    return { seconds, out }
  }
  const parse = await best(() => loadTraceFile(file))
  let trace = parse.out
  const events = trace.events.length
  const peakRssAfterParseBytes = peakRss()
  const build = await best(() => buildDependencyGraph(trace))
  const graph = build.out
  const peakRssAfterBuildBytes = peakRss()
  // The graph holds what the simulation needs; drop the parsed events before simulating, as a caller may.
  trace = undefined
  parse.out = undefined
  gc()
  const tasks = graph.tasks.length
  const simulate = await best(() => simulateTrace(graph))
  const sim = simulate.out
  return {
    keptEvents: events,
    tasks,
    dependencies: graph.dependencies.length,
    engine: sim.result.engine,
    parseSeconds: parse.seconds,
    buildSeconds: build.seconds,
    simulateSeconds: simulate.seconds,
    buildTasksPerS: tasks / build.seconds,
    simulateTasksPerS: tasks / simulate.seconds,
    measuredS: graph.measuredIterationS,
    simulatedS: sim.iterationS,
    replayErrorFraction: (sim.iterationS - graph.measuredIterationS) / graph.measuredIterationS,
    warnings: graph.warnings.map((w) => w.code),
    peakRssAfterParseBytes,
    peakRssAfterBuildBytes,
    peakRssAfterSimulateBytes: peakRss(),
  }
}

function listTraces(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...listTraces(p))
    else if (name.endsWith('.json.gz') && !name.includes('_et.') && !p.includes('chakra')) out.push(p)
  }
  return out
}

const GEMM =
  'void cutlass::Kernel2<cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4>(cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4::Params)'
const ADD =
  'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)'
const us = (x) => x.toFixed(3)

/** One launch as Kineto writes it: cpu_op, cudaLaunchKernel, kernel, ac2g flow pair (written as text: fast). */
function group(k, ts) {
  const ext = k + 1
  const corr = 1_000_000 + k
  const gemm = k % 3 === 0
  return (
    `{"ph":"X","cat":"cpu_op","name":"${gemm ? 'aten::addmm' : 'aten::add'}","pid":4242,"tid":4242,"ts":${us(ts)},"dur":18.500,` +
    `"args":{"External id":${ext},"Record function id":0,"Ev Idx":${k},"Sequence number":${k},"Fwd thread id":0,` +
    `"Input Dims":[[1024,1024],[512,1024],[1024,512],[],[]],"Input type":["float","float","float","Scalar","Scalar"]}},\n` +
    `{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","pid":4242,"tid":4242,"ts":${us(ts + 4)},"dur":6.250,` +
    `"args":{"External id":${ext},"cbid":211,"correlation":${corr}}},\n` +
    `{"ph":"X","cat":"kernel","name":"${gemm ? GEMM : ADD}","pid":0,"tid":7,"ts":${us(ts + 12)},"dur":15.750,` +
    `"args":{"External id":${ext},"queued":0,"device":0,"context":1,"stream":7,"correlation":${corr},` +
    `"registers per thread":232,"shared memory":73728,"grid":[4,8,1],"block":[256,1,1],"est. achieved occupancy %":19}},\n` +
    `{"ph":"s","id":${corr},"pid":4242,"tid":4242,"ts":${us(ts + 4)},"cat":"ac2g","name":"ac2g"},\n` +
    `{"ph":"f","id":${corr},"pid":0,"tid":7,"ts":${us(ts + 12)},"cat":"ac2g","name":"ac2g","bp":"e"},\n`
  )
}

/** Writes the trace; returns its size and the graph tasks it must give (2 per launch, 2 per device sync). */
async function generate(file, tasks) {
  const out = createWriteStream(file, { highWaterMark: 1 << 22 })
  let bytes = 0
  const write = async (s) => {
    bytes += s.length // ASCII only
    if (!out.write(s)) await once(out, 'drain')
  }
  await write(
    '{"schemaVersion":1,"deviceProperties":[{"id":0,"name":"NVIDIA A100-SXM4-80GB","totalGlobalMem":85031714816,"computeMajor":8,"computeMinor":0,"numSms":108}],\n' +
      '"distributedInfo":{"backend":"nccl","rank":0,"world_size":1},\n"traceEvents":[\n',
  )
  const perStep = 2000
  let k = 0
  let ts = 1_000_000
  let expected = 0
  for (let step = 0; expected < tasks; step++) {
    const launches = Math.min(perStep, Math.ceil((tasks - expected - 2) / 2))
    const stepDur = launches * 25 + 30
    let batch = `{"ph":"X","cat":"user_annotation","name":"ProfilerStep#${step}","pid":4242,"tid":4242,"ts":${us(ts)},"dur":${us(stepDur - 1)},"args":{"External id":0}},\n`
    for (let j = 0; j < launches; j++, k++, ts += 25) {
      batch += group(k, ts)
      if (batch.length > 1 << 20) {
        await write(batch)
        batch = ''
      }
    }
    batch += `{"ph":"X","cat":"cuda_runtime","name":"cudaDeviceSynchronize","pid":4242,"tid":4242,"ts":${us(ts)},"dur":10.000,"args":{"cbid":165,"correlation":${k + 500_000_000}}},\n`
    ts += 30
    expected += 2 * launches + 2
    await write(batch)
  }
  // A last instant event so the array has no trailing comma.
  await write(
    `{"ph":"i","s":"g","name":"Record Window End","pid":"","tid":"","ts":${us(ts)}}\n],\n"traceName":"synthetic"}\n`,
  )
  out.end()
  await once(out, 'close')
  return { textBytes: bytes, launches: k, expectedTasks: expected }
}

const result = { node: process.version, heapLimitBytes: getHeapStatistics().heap_size_limit }

// 1. The largest public trace (by decompressed size), through the same streamed path.
if (existsSync(traceDir)) {
  const files = listTraces(traceDir).map((f) => ({ f, size: gunzipSync(readFileSync(f)).length }))
  files.sort((a, b) => b.size - a.size)
  const { f, size } = files[0]
  result.largestPublicTrace = {
    file: relative(traceDir, f),
    megabytes: size / 1e6,
    runs: 5,
    ...(await fullPath(f, 5)),
  }
  gc()
} else result.largestPublicTrace = 'skipped: ../shared/data/traces not found'

// 2. The generated trace.
const dir = mkdtempSync(join(tmpdir(), 'trace-sim-scale-'))
try {
  const file = join(dir, 'scale.pt.trace.json')
  const t0 = performance.now()
  const gen = await generate(file, targetTasks)
  const generateSeconds = seconds(t0)
  gc()
  const rssBeforeParseBytes = process.memoryUsage().rss
  const run = await fullPath(file)
  result.generated = {
    targetTasks,
    fileBytes: statSync(file).size,
    ...gen,
    generateSeconds,
    parseMBPerS: gen.textBytes / 1e6 / run.parseSeconds,
    rssBeforeParseBytes,
    ...run,
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
console.log(JSON.stringify(result, null, 2))
