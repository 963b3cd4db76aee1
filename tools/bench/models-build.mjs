// Build time of the model zoo: GPT-3 175B forward graph + training-graph derivation, then every zoo model.
// Usage: npx nx run @dnnperf/models:build && node tools/bench/models-build.mjs [--repeat N]
// Times are medians over N runs (default 5) after one warm-up, in seconds. Prints one JSON object.
import { deriveTrainingGraph } from '@dnnperf/ir'
import { buildModel, listModels } from '@dnnperf/models'

const repeatArg = process.argv.indexOf('--repeat')
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 5

function medianS(fn) {
  fn() // warm-up
  const times = []
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint()
    fn()
    times.push(Number(process.hrtime.bigint() - t0) / 1e9)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

let forward
let training
const gpt3 = {
  model: 'gpt3-175b',
  batchSize: 1,
  seqLen: 2048,
  buildS: medianS(() => {
    forward = buildModel('gpt3-175b', { batchSize: 1, seqLen: 2048 })
  }),
  deriveTrainingS: medianS(() => {
    training = deriveTrainingGraph(forward)
  }),
}
gpt3.totalS = gpt3.buildS + gpt3.deriveTrainingS
gpt3.forwardOps = forward.nodes.length
gpt3.trainingOps = training.nodes.length

const zoo = listModels().map((info) => {
  let g
  let t
  const buildS = medianS(() => {
    g = buildModel(info.name)
  })
  const deriveTrainingS = medianS(() => {
    t = deriveTrainingGraph(g)
  })
  return {
    model: info.name,
    batchSize: info.defaultBatch,
    seqLen: info.defaultSeq ?? null,
    forwardOps: g.nodes.length,
    trainingOps: t.nodes.length,
    buildS,
    deriveTrainingS,
  }
})

console.log(
  JSON.stringify(
    {
      benchmark: 'models-build',
      node: process.version,
      repeat,
      gpt3_175b: gpt3,
      zoo,
      zooTotalS: zoo.reduce((s, r) => s + r.buildS + r.deriveTrainingS, 0),
    },
    null,
    2,
  ),
)
