// Runs every benchmark in tools/bench (each prints one JSON object) and prints them as one JSON array.
// Usage: npm run bench            (builds first)   or   node tools/bench/run.mjs [name-filter]
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ?? ''
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f.includes(filter))
  .sort()
const results = []
for (const script of scripts) {
  process.stderr.write(`bench: ${script}\n`)
  try {
    const out = execFileSync(process.execPath, ['--max-old-space-size=20000', join(here, script)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 30 * 60 * 1000,
      maxBuffer: 256 * 1024 * 1024,
    })
    results.push({ script, result: JSON.parse(out) })
  } catch (err) {
    results.push({ script, error: String(err.message ?? err).split('\n')[0] })
  }
}
console.log(JSON.stringify(results, null, 2))
