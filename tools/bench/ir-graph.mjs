// Benchmark: building, validating and compiling a 100k-node op graph, and topological sort of a random DAG.
// Usage: node tools/bench/ir-graph.mjs   (after `npx nx run @dnnperf/ir:build`). Prints one JSON object.
import { performance } from 'node:perf_hooks'
import { GraphBuilder, compileDag, compileOpGraph, deriveTrainingGraph, topologicalSort } from '@dnnperf/ir'

function time(fn) {
  const t0 = performance.now()
  const value = fn()
  return { value, s: (performance.now() - t0) / 1e3 }
}

function buildResidualStack(ops) {
  const b = new GraphBuilder('residual-100k')
  let x = b.input('x', [64, 512])
  let i = 0
  while (i < ops - 1) {
    b.setLayer(`block${Math.floor(i / 3)}`)
    const h = b.op('linear', [x], { params: [b.param(`w${i}`, [512, 512])] })
    const r = b.op('relu', [h])
    x = b.op('add', [x, r])
    i += 3
  }
  return b.build()
}

const NODES = 100_000
const build = time(() => buildResidualStack(NODES))
const compile = time(() => compileOpGraph(build.value))
const training = time(() => deriveTrainingGraph(build.value))
const compileTraining = time(() => compileOpGraph(training.value))

// random DAG: 100k nodes, ~300k edges from lower to higher rank
let seed = 42
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const ids = Array.from({ length: NODES }, (_, k) => `n${k}`)
const edges = []
for (let v = 1; v < NODES; v++) {
  for (let j = 0; j < 3; j++) {
    const u = Math.floor(rand() * v)
    edges.push({ from: ids[u], to: ids[v] })
  }
}
const topo = time(() => topologicalSort(ids, edges))
const compiled = time(() => compileDag(ids, edges))

console.log(
  JSON.stringify(
    {
      benchmark: 'ir-graph',
      node: process.version,
      opGraph: {
        nodes: build.value.nodes.length,
        buildS: build.s,
        validateAndCompileS: compile.s,
        deriveTrainingS: training.s,
        trainingNodes: training.value.nodes.length,
        compileTrainingS: compileTraining.s,
      },
      randomDag: { nodes: NODES, edges: edges.length, topologicalSortS: topo.s, compileDagS: compiled.s },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    },
    null,
    2,
  ),
)
