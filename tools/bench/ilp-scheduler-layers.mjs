// Per-layer operator-scheduling ILP: solve time, status, makespan, bound and gap for one GPT-2 XL transformer
// layer (forward and backward) on the TPUv4-like preset, for each MILP back-end; plus the whole model's layers
// scheduled with repeated layers solved once.
// Usage: npx nx run @dnnperf/ilp-scheduler:build && node tools/bench/ilp-scheduler-layers.mjs
//          [--time-limit S] [--solvers highs,glpk] [--core-capacity cliques|assignment] [--model gpt2-xl]
// Prints one JSON object.
import { getAcceleratorPreset } from '@dnnperf/cost-model'
import {
  acceleratorCores,
  acceleratorOpLatency,
  layerSchedulingProblem,
  listLayers,
  scheduleLayer,
  scheduleLayers,
} from '@dnnperf/ilp-scheduler'
import { deriveTrainingGraph } from '@dnnperf/ir'
import { buildModel } from '@dnnperf/models'

const arg = (name, fallback) => {
  const k = process.argv.indexOf(name)
  return k > 0 ? process.argv[k + 1] : fallback
}
const timeLimitS = Number(arg('--time-limit', '60'))
const solvers = arg('--solvers', 'highs,glpk').split(',')
const coreCapacity = arg('--core-capacity', 'cliques')
const modelName = arg('--model', 'gpt2-xl')
const hardware = 'tpuv4-like'

const graph = deriveTrainingGraph(buildModel(modelName, { batchSize: 1, seqLen: 1024 }), {
  optimizer: 'none',
})
const hw = getAcceleratorPreset(hardware)
const latency = acceleratorOpLatency(hw)
const cores = acceleratorCores(hw)
const layers = listLayers(graph).filter((l) => /^h\.\d+$/.test(l))

const rows = []
for (const phase of ['forward', 'backward']) {
  const problem = layerSchedulingProblem(graph, { layer: layers[0], phase, cores, latency })
  // `alwaysSolve` times the MILP even when the list schedule already meets a lower bound.
  for (const [solver, alwaysSolve] of solvers.flatMap((s) => [
    [s, false],
    [s, true],
  ])) {
    const r = await scheduleLayer(problem, { solver, timeLimitS, coreCapacity, alwaysSolve })
    rows.push({
      layer: layers[0],
      phase,
      alwaysSolve,
      ops: problem.ops.length,
      deps: problem.deps.length,
      solver,
      status: r.status,
      algorithm: r.algorithm,
      makespanS: r.makespanS,
      bestBoundS: r.bestBoundS,
      gap: r.gap,
      timeS: r.timeS,
      milpSolves: r.milpSolves,
      heuristicMakespanS: r.heuristicMakespanS,
      lowerBounds: r.lowerBounds,
    })
  }
}

// Every transformer layer's forward pass: identical layers share one solve.
const t0 = performance.now()
const forwardProblems = layers.map((layer) =>
  layerSchedulingProblem(graph, { layer, phase: 'forward', cores, latency }),
)
const batch = await scheduleLayers(forwardProblems, { solver: solvers[0], timeLimitS })
const allLayers = {
  phase: 'forward',
  layers: layers.length,
  uniqueSolves: batch.uniqueSolves,
  totalMakespanS: batch.results.reduce((s, r) => s + r.makespanS, 0),
  timeS: (performance.now() - t0) / 1000,
}

console.log(
  JSON.stringify({ model: modelName, hardware, timeLimitS, coreCapacity, rows, allLayers }, null, 2),
)
