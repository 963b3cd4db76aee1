// Replay error of every public Kineto trace: whole trace and the default step (the last complete one).
// Prints one JSON object. Build first: npx nx run @dnnperf/trace-sim:build
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { buildDependencyGraph, defaultIteration, loadTrace, simulateTrace } from '@dnnperf/trace-sim'

const traceDir = resolve(import.meta.dirname, '../../../shared/data/traces')
function list(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...list(p))
    else if (name.endsWith('.json.gz') && !name.includes('_et.') && !p.includes('chakra')) out.push(p)
  }
  return out.sort()
}
if (!existsSync(traceDir)) {
  console.log(JSON.stringify({ skipped: '../shared/data/traces not found' }))
  process.exit(0)
}
const rows = []
for (const f of list(traceDir)) {
  const trace = loadTrace(f)
  const iteration = defaultIteration(trace)
  for (const options of iteration === undefined ? [{}] : [{}, { iteration }]) {
    const graph = buildDependencyGraph(trace, options)
    const sim = simulateTrace(graph)
    rows.push({
      trace: relative(traceDir, f),
      iteration: options.iteration ?? 'whole',
      tasks: graph.tasks.length,
      measuredS: graph.measuredIterationS,
      simulatedS: sim.iterationS,
      errorFraction: (sim.iterationS - graph.measuredIterationS) / graph.measuredIterationS,
      syncEvents: trace.metadata.hasSyncEvents,
      warnings: Object.fromEntries(graph.warnings.map((w) => [w.code, w.count])),
    })
  }
}
const worst = Math.max(...rows.map((r) => Math.abs(r.errorFraction)))
console.log(JSON.stringify({ traces: rows.length, worstAbsErrorFraction: worst, rows }, null, 1))
