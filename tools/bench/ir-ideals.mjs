// Ideal (downset) enumeration time and count on the public placement instances.
// Usage: npx nx run @dnnperf/ir:build && node tools/bench/ir-ideals.mjs [--limit N]
// For dnn-partitioning instances the graph is the forward subgraph (backward nodes are placed with their
// forward class-mates, so only forward ideals matter); Piper graphs are enumerated whole. Prints one JSON object.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { compileDag, enumerateIdeals, importDnnPartitioning, importPiper, isDnnperfError } from '@dnnperf/ir'

const root = resolve(import.meta.dirname, '../..')
const dataDir = resolve(root, '../shared/data/placement')
const limitArg = process.argv.indexOf('--limit')
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : 2_000_000

function jsonFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  )
}

if (!existsSync(dataDir)) {
  console.log(JSON.stringify({ skipped: `no public data at ${dataDir}` }))
  process.exit(0)
}
const files = [
  ...jsonFiles(join(dataDir, 'dnn-partitioning')).filter((f) => !f.includes('human-experts')),
  ...jsonFiles(join(dataDir, 'piper')),
]
const instances = []
for (const file of files) {
  const piper = file.includes('/piper/')
  const problem = (piper ? importPiper : importDnnPartitioning)(readFileSync(file, 'utf8'))
  const forward = new Set(problem.nodes.filter((n) => n.role === 'forward').map((n) => n.id))
  const ids = [...forward]
  const edges = problem.edges.filter((e) => forward.has(e.from) && forward.has(e.to))
  const dag = compileDag(ids, edges)
  const t0 = process.hrtime.bigint()
  const row = { instance: relative(dataDir, file), nodeCount: ids.length, edgeCount: edges.length }
  try {
    const set = enumerateIdeals(dag, { limit })
    row.idealCount = set.count
  } catch (err) {
    if (!isDnnperfError(err)) throw err
    row.error = err.code
  }
  row.timeS = Number(process.hrtime.bigint() - t0) / 1e9
  instances.push(row)
}
console.log(JSON.stringify({ benchmark: 'ir-ideals', limit, node: process.version, instances }, null, 2))
