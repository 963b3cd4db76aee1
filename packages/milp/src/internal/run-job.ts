/**
 * The solver-thread side of a solve, free of Node APIs: loads the back-end once per thread, runs the job and
 * posts progress and the outcome. `src/worker.ts` wraps it in a Node worker thread; a browser Web Worker can wrap
 * it the same way with its own module loaders.
 */
import type { GLPK } from 'glpk.js/node'
import type { Highs } from 'highs'
import type { ProgressReport, SolveJob, WorkerMessage } from './compiled.js'
import { solveWithGlpk } from './glpk-backend.js'
import { solveWithHighs } from './highs-backend.js'

/** How the hosting thread loads each back-end (dynamic imports differ between Node and the browser). */
export interface BackendLoaders {
  readonly loadGlpk: () => Promise<GLPK>
  readonly loadHighs: () => Promise<Highs>
}

let glpkPromise: Promise<GLPK> | undefined
let highsPromise: Promise<Highs> | undefined

/** Runs one job and posts exactly one `done` or `failed` message, after any number of `progress` messages. */
export async function runJob(
  job: SolveJob,
  loaders: BackendLoaders,
  post: (m: WorkerMessage) => void,
): Promise<void> {
  try {
    const report = (r: ProgressReport): void => post({ type: 'progress', report: r })
    if (job.solver === 'glpk') {
      glpkPromise ??= loaders.loadGlpk()
      post({ type: 'done', outcome: solveWithGlpk(await glpkPromise, job, report) })
    } else {
      highsPromise ??= loaders.loadHighs()
      post({ type: 'done', outcome: solveWithHighs(await highsPromise, job, report) })
    }
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
  }
}
