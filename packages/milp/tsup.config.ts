import { defineConfig } from 'tsup'
import { dnnperfTsup } from '../../tools/tsup.preset.ts'

// The worker is its own entry (dist/worker.js), started by `solve` in a worker thread; `shims` gives the CJS
// build an `import.meta.url` to find it.
export default defineConfig(dnnperfTsup({ entry: ['src/index.ts', 'src/worker.ts'], shims: true }))
