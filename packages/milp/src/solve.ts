/** `solve`: validates options, runs the model in a solver worker under a hard deadline, shapes the result. */
import { InvalidValueError, NotFoundError } from '@dnnperf/ir'
import { MilpAbortedError } from './errors.js'
import { type BackendOutcome, type CompiledMilp, compileModel, type SolveJob } from './internal/compiled.js'
import type { MilpModel } from './model.js'
import type { MilpResult, MilpStatus, SolveOptions, SolverName } from './types.js'
import { runInWorker } from './worker-host.js'

/** Defaults of `SolveOptions`. */
export const SOLVE_DEFAULTS = Object.freeze({ solver: 'glpk' as SolverName, timeLimitS: 60, mipGap: 0 })

/** An integer variable's value within this distance of an integer is snapped to it. */
const INTEGRALITY_SNAP = 1e-6
/** Feasibility tolerance used to accept a warm start as a fallback incumbent. */
const FEASIBILITY_TOL = 1e-6

/** `|objective − bestBound| / max(1e-9, |objective|)`, or null when either is unknown. */
export function relativeGap(objective: number | null, bestBound: number | null): number | null {
  if (objective === null || bestBound === null) return null
  return Math.abs(objective - bestBound) / Math.max(1e-9, Math.abs(objective))
}

/**
 * Solves `model` on glpk.js (default) or HiGHS in a worker thread and resolves with status, objective, best bound,
 * gap, solver, wall-clock time (s) and variable values by name.
 *
 * Exact when the status is `optimal` (within `mipGap`). The back-end's own time limit is
 * `timeLimitS − min(0.1·timeLimitS, 0.5 s)` after the call; at `timeLimitS` the worker is terminated and the result
 * has status `timeLimit` with the last incumbent and bound the worker reported (else `null`s). The promise
 * therefore settles within `timeLimitS` plus a few ms, whatever the solver does.
 *
 * Gotchas: glpk.js gives no MIP bound while it runs, so a time-limited glpk MIP reports the LP-relaxation optimum as
 * `bestBound`. glpk.js takes no warm start. A feasible complete warm start is returned if the back-end finds
 * nothing better before the limit.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for an unknown solver, `timeLimitS` not finite and positive, `mipGap`
 *   negative or not finite, or a non-finite warm-start value (as a rejected promise).
 * @throws NotFoundError (`NOT_FOUND`) for a warm-start name that is not a variable of `model`.
 * @throws MilpAbortedError (`SOLVE_ABORTED`) when `signal` aborts.
 * @example
 * const r = await solve(model, { solver: 'highs', timeLimitS: 5 })
 * r.status // 'optimal'
 */
export async function solve(model: MilpModel, options: SolveOptions = {}): Promise<MilpResult> {
  const startEpochMs = Date.now()
  const t0 = performance.now()
  const solver = options.solver ?? SOLVE_DEFAULTS.solver
  const timeLimitS = options.timeLimitS ?? SOLVE_DEFAULTS.timeLimitS
  const mipGap = options.mipGap ?? SOLVE_DEFAULTS.mipGap
  if (solver !== 'glpk' && solver !== 'highs') {
    throw new InvalidValueError({ at: 'solve', field: 'solver', value: solver, expected: 'glpk | highs' })
  }
  if (typeof timeLimitS !== 'number' || !Number.isFinite(timeLimitS) || timeLimitS <= 0) {
    throw new InvalidValueError({
      at: 'solve',
      field: 'timeLimitS',
      value: timeLimitS,
      expected: 'a finite number > 0',
    })
  }
  if (typeof mipGap !== 'number' || !Number.isFinite(mipGap) || mipGap < 0) {
    throw new InvalidValueError({
      at: 'solve',
      field: 'mipGap',
      value: mipGap,
      expected: 'a finite number ≥ 0',
    })
  }
  const compiled = compileModel(model)
  const warm = readWarmStart(model, options.warmStart)
  const elapsedS = (): number => (performance.now() - t0) / 1000
  const names = model.variables.map((v) => v.name)

  // The warm start, when complete and feasible, is the incumbent to beat.
  let incumbent: { objective: number; colValue: Float64Array } | null = null
  if (warm.complete) {
    const objective = evaluateIfFeasible(compiled, warm.dense)
    if (objective !== null) incumbent = { objective, colValue: warm.dense }
  }
  let bound: number | null = null
  const result = (
    status: MilpStatus,
    objective: number | null,
    bestBound: number | null,
    colValue: Float64Array | null,
    warmStartUsed: boolean,
    message?: string,
  ): MilpResult => ({
    status,
    objective,
    bestBound,
    gap: relativeGap(objective, bestBound),
    solver,
    timeS: elapsedS(),
    values: colValue === null ? {} : namedValues(names, compiled, colValue),
    warmStartUsed,
    ...(message === undefined ? {} : { message }),
  })
  const aborted = (): MilpAbortedError =>
    new MilpAbortedError({
      solver,
      elapsedS: elapsedS(),
      partial:
        incumbent === null
          ? result('error', null, bound, null, false, 'aborted before an incumbent was found')
          : result('feasible', incumbent.objective, bound, incumbent.colValue, false, 'aborted'),
    })
  if (options.signal?.aborted === true) throw aborted()

  if (compiled.numCols === 0) {
    // Nothing to decide: the objective is its constant, feasible iff every (empty) row admits 0.
    let feasible = true
    for (let i = 0; i < compiled.numRows; i++) {
      if (compiled.rowLower[i]! > FEASIBILITY_TOL || compiled.rowUpper[i]! < -FEASIBILITY_TOL)
        feasible = false
    }
    return feasible
      ? result('optimal', compiled.offset, compiled.offset, new Float64Array(0), false)
      : result('infeasible', null, null, null, false)
  }

  const job: SolveJob = {
    solver,
    model: compiled,
    softDeadlineEpochMs: startEpochMs + (timeLimitS - Math.min(0.1 * timeLimitS, 0.5)) * 1000,
    mipGap,
    warmIndex: warm.index,
    warmValue: warm.value,
  }
  const better = (a: number, b: number): boolean => (compiled.maximize ? a > b : a < b)
  const run = await runInWorker(job, startEpochMs + timeLimitS * 1000, options.signal, (r) => {
    if (r.kind === 'bound') bound = r.bestBound
    else if (incumbent === null || better(r.objective, incumbent.objective)) {
      incumbent = { objective: r.objective, colValue: r.colValue }
    }
  })
  if (run.kind === 'killed') {
    if (run.reason === 'aborted') throw aborted()
    const message = `hard time limit: worker terminated after ${elapsedS().toFixed(3)} s`
    // TypeScript cannot see the progress callback's assignment, hence the explicit type.
    const inc = incumbent as { objective: number; colValue: Float64Array } | null
    return result(
      'timeLimit',
      inc?.objective ?? null,
      bound,
      inc?.colValue ?? null,
      solver === 'highs' && warm.index.length > 0,
      message,
    )
  }
  if (run.kind === 'failed') return result('error', null, null, null, false, run.message)
  return fromOutcome(run.outcome, incumbent, result, better)
}

function fromOutcome(
  o: BackendOutcome,
  fallback: { objective: number; colValue: Float64Array } | null,
  result: (
    status: MilpStatus,
    objective: number | null,
    bestBound: number | null,
    colValue: Float64Array | null,
    warmStartUsed: boolean,
    message?: string,
  ) => MilpResult,
  better: (a: number, b: number) => boolean,
): MilpResult {
  let { objective, colValue } = o
  // A stopped search may hold nothing, or something worse than the warm start or a reported incumbent.
  if ((o.status === 'timeLimit' || o.status === 'feasible' || o.status === 'error') && fallback !== null) {
    if (objective === null || better(fallback.objective, objective)) {
      objective = fallback.objective
      colValue = fallback.colValue
    }
  }
  const status = o.status === 'error' && objective !== null ? 'feasible' : o.status
  return result(status, objective, o.bestBound, colValue, o.warmStartUsed, o.message)
}

function namedValues(
  names: readonly string[],
  m: CompiledMilp,
  colValue: Float64Array,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (let j = 0; j < names.length; j++) {
    let v = colValue[j] ?? 0
    if (m.colInteger[j] === 1) {
      const r = Math.round(v)
      if (Math.abs(v - r) <= INTEGRALITY_SNAP) v = r
    }
    out[names[j]!] = v === 0 ? 0 : v // no -0 in results
  }
  return out
}

function readWarmStart(
  model: MilpModel,
  start: Readonly<Record<string, number>> | undefined,
): { index: Int32Array; value: Float64Array; dense: Float64Array; complete: boolean } {
  const n = model.variables.length
  const dense = new Float64Array(n)
  if (start === undefined)
    return { index: new Int32Array(0), value: new Float64Array(0), dense, complete: false }
  const seen = new Uint8Array(n)
  for (const [name, value] of Object.entries(start)) {
    const v = model.variables.find((x) => x.name === name)
    if (v === undefined) throw new NotFoundError({ what: 'variable (in warmStart)', key: name })
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidValueError({ at: 'warmStart', field: name, value, expected: 'a finite number' })
    }
    dense[v.index] = value
    seen[v.index] = 1
  }
  const idx: number[] = []
  for (let j = 0; j < n; j++) if (seen[j] === 1) idx.push(j)
  return {
    index: Int32Array.from(idx),
    value: Float64Array.from(idx, (j) => dense[j]!),
    dense,
    complete: idx.length === n,
  }
}

/** Objective of `x` when it satisfies bounds, integrality and rows within tolerance; else null. */
function evaluateIfFeasible(m: CompiledMilp, x: Float64Array): number | null {
  for (let j = 0; j < m.numCols; j++) {
    const v = x[j]!
    if (v < m.colLower[j]! - FEASIBILITY_TOL || v > m.colUpper[j]! + FEASIBILITY_TOL) return null
    if (m.colInteger[j] === 1 && Math.abs(v - Math.round(v)) > FEASIBILITY_TOL) return null
  }
  for (let i = 0; i < m.numRows; i++) {
    let a = 0
    for (let k = m.rowStart[i]!; k < m.rowStart[i + 1]!; k++) a += m.rowValue[k]! * x[m.rowIndex[k]!]!
    const tol = FEASIBILITY_TOL * Math.max(1, Math.abs(a))
    if (a < m.rowLower[i]! - tol || a > m.rowUpper[i]! + tol) return null
  }
  let z = m.offset
  for (let j = 0; j < m.numCols; j++) z += m.colCost[j]! * x[j]!
  return z
}
