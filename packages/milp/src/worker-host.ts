/**
 * The parent side of a solve in Node: finds the worker script, keeps a few idle workers per back-end for reuse,
 * enforces the hard deadline and the AbortSignal by terminating the worker.
 */
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { BackendOutcome, ProgressReport, SolveJob, WorkerMessage } from './internal/compiled.js'
import type { SolverName } from './types.js'

/** Idle workers kept per back-end; each holds a loaded WebAssembly solver (tens of MB). */
const MAX_IDLE_PER_SOLVER = 2
/** An idle worker is terminated after this many ms without work. */
const IDLE_TIMEOUT_MS = 15_000

/** Solves running at once; more wait in line (their time limit runs while they wait). */
const MAX_BUSY_WORKERS = Math.max(2, availableParallelism())

type WorkerSource = { readonly url: URL } | { readonly dataUrl: URL }
let sourcePromise: Promise<WorkerSource> | undefined

/**
 * The built package runs `dist/worker.js` next to this file. Run from TypeScript source (vitest, or a sibling
 * package resolving us through the `@dnnperf/source` condition), Node 20 cannot start a `.ts` worker, so the
 * worker is bundled on the fly with esbuild (present wherever the sources build) into a data: URL whose imports
 * of the solver packages are absolute file URLs.
 */
function workerSource(): Promise<WorkerSource> {
  sourcePromise ??= (async (): Promise<WorkerSource> => {
    const here = import.meta.url
    if (!here.endsWith('.ts')) return { url: new URL('./worker.js', here) }
    const require = createRequire(here)
    const esbuildName = 'esbuild' // a variable, so bundlers leave this dev-only import alone
    const esbuild = (await import(
      pathToFileURL(require.resolve(esbuildName)).href
    )) as typeof import('esbuild')
    const external: Record<string, string> = {
      'glpk.js/node': pathToFileURL(require.resolve('glpk.js/node')).href,
      highs: pathToFileURL(require.resolve('highs')).href,
    }
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./worker.ts', here))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [
        {
          name: 'absolute-solver-imports',
          setup(build) {
            build.onResolve({ filter: /^(glpk\.js\/node|highs)$/ }, (a) => ({
              path: external[a.path]!,
              external: true,
            }))
          },
        },
      ],
    })
    const code = out.outputFiles[0]!.text
    return { dataUrl: new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`) }
  })()
  return sourcePromise
}

interface PooledWorker {
  readonly worker: Worker
  idleTimer: ReturnType<typeof setTimeout> | undefined
  /** Our listeners, removed one by one: `removeAllListeners` would also drop Node's own port bookkeeping. */
  listeners: [event: string, fn: (...args: never[]) => void][]
}

function listen(pooled: PooledWorker, event: string, fn: (...args: never[]) => void): void {
  pooled.worker.on(event, fn as (...args: unknown[]) => void)
  pooled.listeners.push([event, fn])
}

function unlistenAll(pooled: PooledWorker): void {
  for (const [event, fn] of pooled.listeners) pooled.worker.off(event, fn as (...args: unknown[]) => void)
  pooled.listeners = []
}

const idle: Record<SolverName, PooledWorker[]> = { glpk: [], highs: [] }

async function acquire(solver: SolverName): Promise<PooledWorker> {
  const pooled = idle[solver].pop()
  if (pooled !== undefined) {
    if (pooled.idleTimer !== undefined) clearTimeout(pooled.idleTimer)
    pooled.idleTimer = undefined
    unlistenAll(pooled)
    pooled.worker.ref()
    return pooled
  }
  const src = await workerSource()
  const worker = 'url' in src ? new Worker(src.url) : new Worker(src.dataUrl)
  return { worker, idleTimer: undefined, listeners: [] }
}

function release(solver: SolverName, pooled: PooledWorker): void {
  unlistenAll(pooled)
  if (idle[solver].length >= MAX_IDLE_PER_SOLVER) {
    void pooled.worker.terminate()
    return
  }
  // An idle worker must not keep the process alive.
  pooled.worker.unref()
  listen(pooled, 'error', () => drop(solver, pooled))
  listen(pooled, 'exit', () => drop(solver, pooled))
  pooled.idleTimer = setTimeout(() => {
    drop(solver, pooled)
    void pooled.worker.terminate()
  }, IDLE_TIMEOUT_MS)
  pooled.idleTimer.unref()
  idle[solver].push(pooled)
}

function drop(solver: SolverName, pooled: PooledWorker): void {
  const list = idle[solver]
  const at = list.indexOf(pooled)
  if (at >= 0) list.splice(at, 1)
}

let busy = 0
const waiting: (() => void)[] = []

/**
 * Waits for one of `MAX_BUSY_WORKERS` slots, so many concurrent solves cannot spawn a worker (and a WebAssembly
 * heap) each. Resolves false, holding no slot, when the deadline passes or the signal aborts first.
 */
function takeSlot(hardDeadlineEpochMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (busy < MAX_BUSY_WORKERS) {
    busy++
    return Promise.resolve(true)
  }
  return new Promise<boolean>((resolve) => {
    const granted = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', giveUp)
      resolve(true)
    }
    const giveUp = (): void => {
      const at = waiting.indexOf(granted)
      if (at >= 0) waiting.splice(at, 1)
      clearTimeout(timer)
      signal?.removeEventListener('abort', giveUp)
      resolve(false)
    }
    const timer = setTimeout(giveUp, Math.max(0, hardDeadlineEpochMs - Date.now()))
    signal?.addEventListener('abort', giveUp, { once: true })
    waiting.push(granted)
  })
}

function giveSlot(): void {
  const next = waiting.shift()
  if (next !== undefined)
    next() // the slot passes straight to the next in line
  else busy--
}

/** How a worker run ended. */
export type WorkerRun =
  | { readonly kind: 'done'; readonly outcome: BackendOutcome }
  | { readonly kind: 'killed'; readonly reason: 'timeLimit' | 'aborted' }
  | { readonly kind: 'failed'; readonly message: string }

/**
 * Runs `job` in a worker thread. Resolves with the outcome, or with `killed` once `hardDeadlineEpochMs` passes or
 * `signal` aborts; the worker is then terminated without waiting (a WebAssembly solver can take a few hundred ms
 * to stop, and the caller's deadline must not wait for it). Never rejects.
 */
export async function runInWorker(
  job: SolveJob,
  hardDeadlineEpochMs: number,
  signal: AbortSignal | undefined,
  onProgress: (r: ProgressReport) => void,
): Promise<WorkerRun> {
  if (!(await takeSlot(hardDeadlineEpochMs, signal))) {
    return { kind: 'killed', reason: signal?.aborted === true ? 'aborted' : 'timeLimit' }
  }
  try {
    return await runHoldingSlot(job, hardDeadlineEpochMs, signal, onProgress)
  } finally {
    giveSlot()
  }
}

async function runHoldingSlot(
  job: SolveJob,
  hardDeadlineEpochMs: number,
  signal: AbortSignal | undefined,
  onProgress: (r: ProgressReport) => void,
): Promise<WorkerRun> {
  let pooled: PooledWorker
  try {
    pooled = await acquire(job.solver)
  } catch (err) {
    return { kind: 'failed', message: `could not start the solver worker: ${String(err)}` }
  }
  const { worker } = pooled
  return new Promise<WorkerRun>((resolve) => {
    let settled = false
    const finish = (run: WorkerRun, reuse: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (reuse) release(job.solver, pooled)
      else {
        unlistenAll(pooled)
        worker.on('error', () => {}) // late errors of a dying worker are expected
        void worker.terminate().catch(() => {})
        worker.unref()
      }
      resolve(run)
    }
    const onAbort = (): void => finish({ kind: 'killed', reason: 'aborted' }, false)
    const timer = setTimeout(
      () => finish({ kind: 'killed', reason: 'timeLimit' }, false),
      Math.max(0, hardDeadlineEpochMs - Date.now()),
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted === true) {
      onAbort()
      return
    }
    listen(pooled, 'message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.report)
      else if (m.type === 'done') finish({ kind: 'done', outcome: m.outcome }, true)
      else finish({ kind: 'failed', message: m.message }, false)
    })
    listen(pooled, 'error', (err: Error) =>
      finish({ kind: 'failed', message: `solver worker crashed: ${String(err)}` }, false),
    )
    listen(pooled, 'exit', (code: number) =>
      finish({ kind: 'failed', message: `solver worker exited with code ${code}` }, false),
    )
    worker.postMessage(job)
  })
}
