// Benchmark of @dnnperf/trace-sim and the IR task-graph engine. Prints one JSON object.
// Run after building: npx nx run @dnnperf/trace-sim:build && node tools/bench/trace-sim-replay.mjs
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { TaskGraphBuilder, simulateTaskGraph } from '@dnnperf/ir'
import { buildDependencyGraph, loadTrace, simulateTrace } from '@dnnperf/trace-sim'

const traceDir = resolve(import.meta.dirname, '../../../shared/data/traces')
const best = (f, runs = 5) => {
  let t = Number.POSITIVE_INFINITY
  let out
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now()
    out = f()
    t = Math.min(t, (performance.now() - t0) / 1e3)
  }
  return { seconds: t, out }
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

const result = { node: process.version }

// 1. The largest public trace (by decompressed size): parse, graph build, simulation.
if (existsSync(traceDir)) {
  const files = listTraces(traceDir).map((f) => ({ f, text: gunzipSync(readFileSync(f)) }))
  files.sort((a, b) => b.text.length - a.text.length)
  const { f, text } = files[0]
  const parse = best(() => loadTrace(text, { source: f }))
  const build = best(() => buildDependencyGraph(parse.out))
  const sim = best(() => simulateTrace(build.out))
  const tasks = build.out.tasks.length
  result.largestTrace = {
    file: relative(traceDir, f),
    megabytes: text.length / 1e6,
    events: parse.out.events.length,
    tasks,
    parseMegabytesPerS: text.length / 1e6 / parse.seconds,
    buildTasksPerS: tasks / build.seconds,
    simulateTasksPerS: tasks / sim.seconds,
    replayErrorFraction: (sim.out.iterationS - build.out.measuredIterationS) / build.out.measuredIterationS,
  }
} else result.largestTrace = 'skipped: ../shared/data/traces not found'

// 2. A generated 1M-task graph: 4 CPU threads launching onto 8 GPU streams, a stream sync every 2,000 launches
// (dynamic waits: event engine) or none (static max-plus engine).
function generate(taskCount, withSyncs) {
  const b = new TaskGraphBuilder()
  const cpus = [0, 1, 2, 3].map((i) => b.addExecutor({ name: `cpu${i}`, kind: 'cpu' }))
  const gpus = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => b.addExecutor({ name: `stream${i}`, kind: 'gpu' }))
  let seed = 12345
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  let n = 0
  let k = 0
  while (n + 2 <= taskCount) {
    const cpu = cpus[k % 4]
    const gpu = gpus[k % 8]
    const launch = b.addTask({
      executor: cpu,
      durationS: 4e-6 + 2e-6 * rnd(),
      gapS: 10e-6 * rnd(),
      kind: 'runtime',
    })
    const kernel = b.addTask({ executor: gpu, durationS: 50e-6 * rnd(), kind: 'kernel' })
    b.addDependency(launch, kernel, { kind: 'launch', lagS: 5e-6, fromStart: true })
    n += 2
    k++
    if (withSyncs && k % 2000 === 0 && n < taskCount) {
      b.addTask({ executor: cpu, durationS: 2e-6, kind: 'sync', waitsOn: [gpu] })
      n++
    }
  }
  return b
}
for (const [label, withSyncs] of [
  ['static', false],
  ['event', true],
]) {
  const gen = best(() => generate(1_000_000, withSyncs), 1)
  const compile = best(() => gen.out.compile(), 1)
  const sim = best(() => simulateTaskGraph(compile.out))
  result[`generated1M_${label}`] = {
    tasks: compile.out.taskCount,
    engine: sim.out.engine,
    compileTasksPerS: compile.out.taskCount / compile.seconds,
    simulateTasksPerS: compile.out.taskCount / sim.seconds,
    simulateSeconds: sim.seconds,
    makespanS: sim.out.makespanS,
  }
}
console.log(JSON.stringify(result, null, 2))
