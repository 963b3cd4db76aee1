// Times the plan lowering/simulation, the PipeDream-2BW planner and the Piper downset DP of @dnnperf/placement,
// and reports how far the simulated iteration time is from the closed form on published configurations.
// Usage: npx nx run @dnnperf/placement:build && node tools/bench/plan-lower-dp.mjs
// Prints one JSON object.
import { layerGraphProblem, planDownsetDp, planPipeDream2bw, simulatePlan } from '@dnnperf/placement'

const ms = (f) => {
  const t0 = performance.now()
  const r = f()
  return { r, ms: Math.round((performance.now() - t0) * 10) / 10 }
}
const gpt175 = { name: 'gpt3-175b', layers: 96, hidden: 12288, heads: 96, seq: 2048, vocab: 51200 }
const gpt22 = { name: 'gpt-22b', layers: 48, hidden: 6144, heads: 64, seq: 2048, vocab: 51200 }
const gpt2xl = { name: 'gpt2-xl', layers: 48, hidden: 1600, heads: 25, seq: 1024, vocab: 50257 }

const simulate = []
for (const [label, model, plan] of [
  [
    '175B t8 p8 interleaved:3, 64 GPUs, B 64',
    gpt175,
    {
      gpus: 64,
      tensorParallel: 8,
      pipelineParallel: 8,
      globalBatch: 64,
      schedule: 'interleaved',
      chunksPerDevice: 3,
    },
  ],
  [
    '175B t8 p16 1F1B, 1536 GPUs, B 1536',
    gpt175,
    { gpus: 1536, tensorParallel: 8, pipelineParallel: 16, globalBatch: 1536 },
  ],
  [
    '22B t8 p4 GPipe, 64 GPUs, B 64',
    gpt22,
    { gpus: 64, tensorParallel: 8, pipelineParallel: 4, globalBatch: 64, schedule: 'gpipe' },
  ],
  [
    '22B t8 p4 2BW, 64 GPUs, B 64',
    gpt22,
    { gpus: 64, tensorParallel: 8, pipelineParallel: 4, globalBatch: 64, schedule: '2bw' },
  ],
]) {
  const { r, ms: t } = ms(() => simulatePlan(model, 'dgx-a100', plan))
  simulate.push({
    label,
    tasks: r.taskCount,
    simulatedS: r.iterationTimeS,
    closedFormS: r.closedFormIterationTimeS,
    simOverClosed: r.iterationTimeS / r.closedFormIterationTimeS,
    ms: t,
  })
}

const twoBw = ms(() => planPipeDream2bw(gpt2xl, 'dgx-a100-40gb', { gpus: 64, globalBatch: 1024 }))
const dp = []
for (const [label, model, cluster, gpus, batch] of [
  ['gpt2-xl 8 GPUs B 64', gpt2xl, 'dgx-a100-40gb', 8, 64],
  ['gpt-22b 64 GPUs B 64', gpt22, 'dgx-a100', 64, 64],
  ['gpt3-175b 64 GPUs B 64', gpt175, 'dgx-a100', 64, 64],
]) {
  const build = ms(() => layerGraphProblem(model, cluster, { gpus, globalBatch: batch }))
  const solve = ms(() => planDownsetDp(build.r))
  dp.push({
    label,
    nodes: build.r.nodes.length,
    buildMs: build.ms,
    solveMs: solve.ms,
    status: solve.r.status,
    objectiveSPerSample: solve.r.objectiveS,
    stages: solve.r.stages.length,
    stagePlan: solve.r.stages
      .map((s) => `${s.nodes.length}L t${s.tensorParallel} d${s.dataParallel}`)
      .join(' | '),
    devicesUsed: solve.r.devicesUsed,
    pairs: solve.r.pairs,
  })
}
console.log(
  JSON.stringify(
    {
      simulate,
      pipedream2bw: {
        model: 'gpt2-xl 64 GPUs B 1024',
        ms: twoBw.ms,
        candidates: twoBw.r.candidates,
        evaluated: twoBw.r.evaluated,
        bestS: twoBw.r.objectiveS,
        best: twoBw.r.best && {
          depth: twoBw.r.best.plan.pipelineParallel,
          width: twoBw.r.best.plan.dataParallel,
          microbatchSize: twoBw.r.best.plan.microbatchSize,
          recompute: twoBw.r.best.plan.recompute,
        },
      },
      downsetDp: dp,
    },
    null,
    1,
  ),
)
