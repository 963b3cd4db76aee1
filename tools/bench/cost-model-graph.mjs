// Benchmark: GEMM cost evaluations per second (tensor-core and systolic models) and costing a 30k-op
// training graph. Usage: node tools/bench/cost-model-graph.mjs (after building @dnnperf/ir and
// @dnnperf/cost-model). Prints one JSON object.
import { performance } from 'node:perf_hooks'
import { GraphBuilder, deriveTrainingGraph } from '@dnnperf/ir'
import { costOpGraph, gemmCost, getAcceleratorPreset } from '@dnnperf/cost-model'

function time(fn) {
  const t0 = performance.now()
  const value = fn()
  return { value, s: (performance.now() - t0) / 1e3 }
}

let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const dims = Array.from({ length: 20_000 }, () => ({
  m: 1 + Math.floor(rand() * 8192),
  n: 1 + Math.floor(rand() * 8192),
  k: 1 + Math.floor(rand() * 8192),
  dtype: 'bf16',
}))
const a100 = getAcceleratorPreset('a100-80gb')
const tpu = getAcceleratorPreset('tpuv4-like')
const gpu = time(() => dims.reduce((s, d) => s + gemmCost(a100, d).latencyS, 0))
const systolic = time(() => dims.reduce((s, d) => s + gemmCost(tpu, d).latencyS, 0))

const b = new GraphBuilder('mlp-stack', { defaultDType: 'bf16' })
let x = b.input('x', [4096, 1024])
for (let i = 0; i < 3000; i++) {
  b.setLayer(`block${i}`)
  const h = b.op('gelu', [b.op('linear', [x], { params: [b.param(`w${i}a`, [1024, 1024])] })])
  x = b.op('add', [x, h])
}
const graph = deriveTrainingGraph(b.build())
const costed = time(() => costOpGraph(graph, a100))

console.log(
  JSON.stringify({
    benchmark: 'cost-model-graph',
    gemms: dims.length,
    tensorCoreGemmsPerS: dims.length / gpu.s,
    systolicGemmsPerS: dims.length / systolic.s,
    trainingGraphOps: graph.nodes.length,
    costOpGraphS: costed.s,
    predictedStepS: costed.value.total.latencyS,
  }),
)
