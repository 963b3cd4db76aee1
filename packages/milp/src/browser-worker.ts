/**
 * Browser Web Worker entry (`dist/browser-worker.js`, a module worker): receives `SolveJob`s and answers with
 * `WorkerMessage`s, like `worker.ts` does in Node. The build bundles glpk.js's Emscripten module and HiGHS into this
 * file; each finds its `.wasm` next to the worker script through `import.meta.url` (copied into `dist/`).
 */
import type { SolveJob, WorkerMessage } from './internal/compiled.js'
import { type BackendLoaders, runJob } from './internal/run-job.js'

// glpk.js's main export starts its own Web Worker with an asynchronous API; this already is a worker, so it takes
// the synchronous Emscripten build (`glpk.js/node`), which loads in any worker by fetching `glpk.wasm`.
const loaders: BackendLoaders = {
  loadGlpk: async () => (await import('glpk.js/node')).default(),
  loadHighs: async () => (await import('highs')).default(),
}

/** The part of `DedicatedWorkerGlobalScope` used here (no DOM library in the type check). */
interface WorkerScope {
  onmessage: ((event: { readonly data: SolveJob }) => void) | null
  postMessage(message: WorkerMessage): void
}

const scope = globalThis as unknown as WorkerScope
scope.onmessage = (event) => {
  void runJob(event.data, loaders, (m) => scope.postMessage(m))
}
