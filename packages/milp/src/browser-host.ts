/**
 * The parent side of a solve in a browser: the Web Worker counterpart of `worker-host.ts`, with the same
 * `runInWorker` signature. The browser build (`dist/browser.js`, see `browser-build.ts`) binds `solve.ts` to this
 * module instead of the Node host, so validation, time limits and result shaping are shared code.
 */
import type { ProgressReport, SolveJob, WorkerMessage } from './internal/compiled.js'
import type { SolverName } from './types.js'
import type { WorkerRun } from './worker-host.js'

/** An idle worker is terminated after this many ms without work (it holds a loaded WebAssembly solver). */
const IDLE_TIMEOUT_MS = 15_000

/** The part of the DOM `Worker` used here; the package is type-checked without the DOM library. */
interface WebWorker {
  postMessage(message: unknown): void
  terminate(): void
  onmessage: ((event: { readonly data: WorkerMessage }) => void) | null
  onerror: ((event: { readonly message?: string }) => void) | null
  onmessageerror: (() => void) | null
}
type WebWorkerConstructor = new (url: URL, options: { readonly type: 'module' }) => WebWorker

interface Idle {
  readonly worker: WebWorker
  readonly timer: ReturnType<typeof setTimeout>
}
/** At most one idle worker per back-end: a browser tab rarely runs solves in parallel. */
const idle: Partial<Record<SolverName, Idle>> = {}

function startWorker(): WebWorker {
  const WorkerCtor = (globalThis as { Worker?: WebWorkerConstructor }).Worker
  if (WorkerCtor === undefined) throw new Error('this environment has no Web Worker')
  // Written in the one form bundlers (Vite, webpack 5, Parcel) recognise, so they ship the worker file too.
  return new WorkerCtor(new URL('./browser-worker.js', import.meta.url), { type: 'module' })
}

function acquire(solver: SolverName): WebWorker {
  const kept = idle[solver]
  if (kept === undefined) return startWorker()
  clearTimeout(kept.timer)
  delete idle[solver]
  return kept.worker
}

function release(solver: SolverName, worker: WebWorker): void {
  worker.onmessage = null
  worker.onerror = null
  worker.onmessageerror = null
  const previous = idle[solver]
  if (previous !== undefined) {
    clearTimeout(previous.timer)
    previous.worker.terminate()
  }
  const timer = setTimeout(() => {
    if (idle[solver]?.worker === worker) delete idle[solver]
    worker.terminate()
  }, IDLE_TIMEOUT_MS)
  idle[solver] = { worker, timer }
}

/**
 * Runs `job` in a module Web Worker. Resolves with the outcome, or with `killed` once `hardDeadlineEpochMs` passes or
 * `signal` aborts; the worker is then terminated at once (`Worker.terminate` stops WebAssembly mid-run). Never
 * rejects.
 */
export function runInWorker(
  job: SolveJob,
  hardDeadlineEpochMs: number,
  signal: AbortSignal | undefined,
  onProgress: (r: ProgressReport) => void,
): Promise<WorkerRun> {
  if (signal?.aborted === true) return Promise.resolve({ kind: 'killed', reason: 'aborted' })
  let worker: WebWorker
  try {
    worker = acquire(job.solver)
  } catch (err) {
    return Promise.resolve({ kind: 'failed', message: `could not start the solver worker: ${String(err)}` })
  }
  return new Promise<WorkerRun>((resolve) => {
    let settled = false
    const finish = (run: WorkerRun, reuse: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (reuse) release(job.solver, worker)
      else worker.terminate()
      resolve(run)
    }
    const onAbort = (): void => finish({ kind: 'killed', reason: 'aborted' }, false)
    const timer = setTimeout(
      () => finish({ kind: 'killed', reason: 'timeLimit' }, false),
      Math.max(0, hardDeadlineEpochMs - Date.now()),
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.onmessage = (event) => {
      const m = event.data
      if (m.type === 'progress') onProgress(m.report)
      else if (m.type === 'done') finish({ kind: 'done', outcome: m.outcome }, true)
      else finish({ kind: 'failed', message: m.message }, false)
    }
    // A worker script or WebAssembly file that fails to load surfaces here, not as a message.
    worker.onerror = (event) =>
      finish({ kind: 'failed', message: `solver worker crashed: ${event.message ?? 'unknown error'}` }, false)
    worker.onmessageerror = () =>
      finish({ kind: 'failed', message: 'solver worker sent a message that could not be read' }, false)
    worker.postMessage(job)
  })
}
