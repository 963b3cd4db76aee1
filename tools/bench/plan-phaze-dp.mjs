// Costs PHAZE's Llama-2-7B layer graphs (../shared/data/hardware/phaze-llama2-layer-graphs, one DOT per
// microbatch size) with @dnnperf/placement's per-layer model and runs the Piper/PHAZE downset DP on 8 and 64
// A100s (dgx-a100), with dnnperf's and PHAZE's memory rules; reports times, the plan and PHAZE's output fields.
// Usage: npx nx run-many -t build -p @dnnperf/placement @dnnperf/models && node tools/bench/plan-phaze-dp.mjs
// Prints one JSON object.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { importPhazeLayerGraphDot } from '@dnnperf/ir'
import { transformerPreset } from '@dnnperf/models'
import {
  costPhazeLayerGraph,
  exportDownsetDpResult,
  planDownsetDp,
  transformerShapeFromMetadata,
} from '@dnnperf/placement'

const here = dirname(fileURLToPath(import.meta.url))
const dir = resolve(here, '../../../shared/data/hardware/phaze-llama2-layer-graphs')
const GPUS = [8, 64]
const GLOBAL_BATCH = 512
const CLUSTER = 'dgx-a100'

const ms = (f) => {
  const t0 = performance.now()
  const r = f()
  return { r, ms: Math.round((performance.now() - t0) * 10) / 10 }
}

if (!existsSync(dir)) {
  console.log(JSON.stringify({ skipped: `${dir} not found` }))
  process.exit(0)
}
const model = transformerShapeFromMetadata({ config: transformerPreset('llama2-7b') }, { seq: 4096 })
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.dot'))
  .sort((a, b) => Number(/mbs_(\d+)/.exec(a)?.[1]) - Number(/mbs_(\d+)/.exec(b)?.[1]))
const runs = []
for (const file of files) {
  const graph = importPhazeLayerGraphDot(readFileSync(join(dir, file), 'utf8'))
  for (const gpus of GPUS) {
    for (const memoryModel of ['dnnperf', 'phaze']) {
      const build = ms(() =>
        costPhazeLayerGraph(graph, model, CLUSTER, { gpus, globalBatch: GLOBAL_BATCH, memoryModel }),
      )
      const solve = ms(() => planDownsetDp(build.r))
      const p = build.r
      const r = solve.r
      const mbs = GLOBAL_BATCH / p.resources.microbatchCount
      const out = exportDownsetDpResult(r, p)
      runs.push({
        file,
        gpus,
        memoryModel,
        microbatchSize: mbs,
        nodes: p.nodes.length,
        buildMs: build.ms,
        solveMs: solve.ms,
        status: r.status,
        objectiveSPerMicrobatch: r.objectiveS,
        objectiveSPerSample: r.objectiveS === null ? null : r.objectiveS / mbs,
        samplesPerS: r.objectiveS === null ? null : GLOBAL_BATCH / out.finalTimePerBatch,
        stages: r.stages.length,
        stagePlan: r.stages
          .map((s) => {
            const recomputed = s.configIds.filter((c) => c !== 'vanilla').length
            return `${s.nodes[0]}..${s.nodes.at(-1)} t${s.tensorParallel} d${s.dataParallel}${recomputed > 0 ? ` r${recomputed}` : ''}`
          })
          .join(' | '),
        devicesUsed: r.devicesUsed,
        pairs: r.pairs,
        phaze: {
          dataParallelDegree: out.dataParallelDegree,
          tensorParallelDegree: out.tensorParallelDegree,
          finalTimePerBatch: out.finalTimePerBatch,
        },
      })
    }
  }
}
console.log(
  JSON.stringify(
    { model: model.name ?? 'llama2-7b', cluster: CLUSTER, globalBatch: GLOBAL_BATCH, runs },
    null,
    1,
  ),
)
