// Exhaustive 3D-parallel plan search for GPT-3 175B on 1,024 GPUs at a global batch of 1,536 sequences.
// Usage: npx nx run @dnnperf/placement:build && node tools/bench/plan-search.mjs [--cluster dgx-a100] [--batch 1536]
// Space: t ≤ 8 dividing the heads × p dividing the layers × d = n/(t·p) × microbatch {1, 2, 4, 8} ×
// schedule {gpipe, 1f1b, interleaved v ≤ 8, 2bw} × recompute {none, selective, full} × SP × ZeRO {0, 1}.
// Prints one JSON object: the best plan, the runners-up, how the space was settled and the wall time.
import { formatSchedule, searchPlans } from '@dnnperf/placement'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const cluster = arg('cluster', 'dgx-a100')
const globalBatch = Number(arg('batch', '1536'))
const gpus = Number(arg('gpus', '1024'))
const gpt3 = { name: 'gpt3-175b', layers: 96, hidden: 12288, heads: 96, seq: 2048, vocab: 51200 }

const summarise = (r) => ({
  plan: `t=${r.plan.tensorParallel} p=${r.plan.pipelineParallel} d=${r.plan.dataParallel} b=${r.plan.microbatchSize} m=${r.plan.microbatches} ${formatSchedule(r.plan)} recompute=${r.plan.recompute}${r.plan.sequenceParallel ? ' sp' : ''} zero=${r.plan.zeroStage}`,
  iterationTimeS: +r.iterationTimeS.toFixed(3),
  throughputSamplesPerS: +r.throughputSamplesPerS.toFixed(2),
  mfu: +r.mfu.toFixed(4),
  memoryPerDeviceGiB: +(r.memoryPerDeviceBytes.total / 2 ** 30).toFixed(2),
  breakdownS: Object.fromEntries(Object.entries(r.breakdownS).map(([k, v]) => [k, +v.toFixed(3)])),
})

const run = (schedules) => {
  const started = performance.now()
  const r = searchPlans(gpt3, cluster, { gpus, globalBatch, schedules, top: 5 })
  const wallS = (performance.now() - started) / 1000
  return {
    schedules,
    status: r.status,
    best: r.best ? summarise(r.best) : null,
    runnersUp: r.runnersUp.map(summarise),
    lowerBoundS: r.lowerBoundS === null ? null : +r.lowerBoundS.toFixed(3),
    candidates: r.candidates,
    invalid: r.invalid,
    prunedByMemory: r.prunedByMemory,
    prunedByBound: r.prunedByBound,
    evaluated: r.evaluated,
    evaluatedNotFitting: r.evaluatedNotFitting,
    provedFraction: r.provedFraction,
    wallS: +wallS.toFixed(3),
    evaluationsPerS: Math.round(r.evaluated / wallS),
  }
}

console.log(
  JSON.stringify(
    {
      benchmark: 'plan-search',
      model: gpt3,
      cluster,
      gpus,
      globalBatch,
      node: process.version,
      flushing: run(['gpipe', '1f1b', 'interleaved']),
      withPipeDream2BW: run(['gpipe', '1f1b', 'interleaved', '2bw']),
    },
    null,
    2,
  ),
)
