// Smoke test of the published shape: plain Node (no source condition) loads each package's dist, ESM and CJS.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
for (const script of ['consume.mjs', 'consume.cjs']) {
  process.stdout.write(execFileSync(process.execPath, [join(here, script)], { encoding: 'utf8' }))
}
