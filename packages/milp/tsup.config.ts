import { build } from 'esbuild'
import { defineConfig } from 'tsup'
import { dnnperfTsup } from '../../tools/tsup.preset.ts'
import { browserBuildOptions, copySolverWasm } from './src/browser-build.ts'

// The worker is its own entry (dist/worker.js), started by `solve` in a worker thread; `shims` gives the CJS
// build an `import.meta.url` to find it. After the Node build, the browser build writes dist/browser.js (the
// `browser` export condition), dist/browser-worker.js (the Web Worker, solvers bundled in) and the two .wasm
// files next to them; it runs in onSuccess so the Node build's `clean` cannot race it.
export default defineConfig(
  dnnperfTsup({
    entry: ['src/index.ts', 'src/worker.ts'],
    shims: true,
    onSuccess: async () => {
      await build(browserBuildOptions('dist'))
      copySolverWasm('dist')
    },
  }),
)
