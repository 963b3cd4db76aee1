// Prints one closing line over every package's vitest JSON report (.test-results/*.json):
// "tests: N passed, N failed, N skipped". Exits 1 when a report has failures or no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(import.meta.dirname, '..', '.test-results')
let passed = 0
let failed = 0
let skipped = 0
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []
for (const f of files) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
}
console.error(`test reports: ${files.length} packages`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
if (failed > 0 || passed === 0) process.exit(1)
