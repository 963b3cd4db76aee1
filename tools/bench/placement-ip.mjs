// Tarnawski et al. 2020 throughput IP (contiguous and non-contiguous) vs the max-load DP on the public
// dnn-partitioning throughput layer graphs, plus the latency IP on the public latency layer graphs.
// Usage: npx nx run @dnnperf/placement:build && node tools/bench/placement-ip.mjs
//          [--time-limit S] [--solver highs|glpk] [--accelerators K] [--filter SUBSTR] [--operator-graphs]
// Each solve is capped at --time-limit seconds (default 60); the DP runs first, without limit. --accelerators
// overrides the file's accelerator count (the files have 6, where the IP rarely closes its gap). Prints one
// JSON object: per instance the DP optimum and time, and per IP its status, objective, bound, gap and time.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { importDnnPartitioning } from '@dnnperf/ir'
import { placeIp, placeIpNonContiguous, placeLatencyIp, placeMaxLoadDp } from '@dnnperf/placement'

const root = resolve(import.meta.dirname, '../../../shared/data/placement/dnn-partitioning')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : fallback
}
if (!existsSync(root)) {
  console.log(JSON.stringify({ skipped: `no public data at ${root}` }))
  process.exit(0)
}
const timeLimitS = Number(arg('--time-limit', 60))
const solver = arg('--solver', 'highs')
const k = arg('--accelerators', undefined)
const filter = arg('--filter', '')
const folders = process.argv.includes('--operator-graphs')
  ? ['LayerGraphs', 'OperatorGraphs']
  : ['LayerGraphs']
const options = { solver, timeLimitS, ...(k === undefined ? {} : { acceleratorCount: Number(k) }) }

const summary = (r) => ({
  status: r.status,
  objective: r.objective,
  bestBound: r.bestBound,
  gap: r.gap,
  timeS: r.timeS,
})
const list = (dir) =>
  folders.flatMap((f) =>
    existsSync(join(dir, f))
      ? readdirSync(join(dir, f))
          .filter((n) => n.endsWith('.json') && n.includes(filter))
          .sort()
          .map((n) => join(f, n))
      : [],
  )

const throughput = []
for (const name of list(join(root, 'throughput-inputs'))) {
  const problem = importDnnPartitioning(readFileSync(join(root, 'throughput-inputs', name), 'utf8'))
  const row = { instance: name, nodes: problem.nodes.length }
  try {
    const dp = placeMaxLoadDp(problem, k === undefined ? {} : { acceleratorCount: Number(k) })
    row.dp = { objective: dp.objective, timeS: dp.timeS }
    row.ip = summary(await placeIp(problem, options))
    row.ipNonContiguous = summary(await placeIpNonContiguous(problem, options))
    row.ipMatchesDp =
      row.ip.status === 'optimal' && dp.objective !== null
        ? Math.abs(row.ip.objective - dp.objective) <= 1e-9 * dp.objective
        : null
  } catch (err) {
    row.error = err?.code ?? String(err)
  }
  throughput.push(row)
}
const latency = []
for (const name of list(join(root, 'latency-inputs'))) {
  const problem = importDnnPartitioning(readFileSync(join(root, 'latency-inputs', name), 'utf8'))
  const row = { instance: name, nodes: problem.nodes.length }
  try {
    row.latencyIp = summary(await placeLatencyIp(problem, options))
  } catch (err) {
    row.error = err?.code ?? String(err)
  }
  latency.push(row)
}
console.log(
  JSON.stringify({
    benchmark: 'placement-ip',
    solver,
    timeLimitS,
    acceleratorCount: k ?? 'file',
    throughput,
    latency,
  }),
)
process.exit(0)
