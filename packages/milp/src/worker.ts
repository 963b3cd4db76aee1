/**
 * Node worker-thread entry: receives `SolveJob`s from the parent and answers with `WorkerMessage`s. Built by tsup
 * as its own entry (`dist/worker.js`) and started by `solve`; all solver logic lives in `internal/run-job.ts`.
 */
import { parentPort } from 'node:worker_threads'
import type { SolveJob, WorkerMessage } from './internal/compiled.js'
import { type BackendLoaders, runJob } from './internal/run-job.js'

const loaders: BackendLoaders = {
  loadGlpk: async () => (await import('glpk.js/node')).default(),
  loadHighs: async () => (await import('highs')).default(),
}

const port = parentPort
if (port !== null) {
  port.on('message', (job: SolveJob) => {
    void runJob(job, loaders, (m: WorkerMessage) => port.postMessage(m))
  })
}
