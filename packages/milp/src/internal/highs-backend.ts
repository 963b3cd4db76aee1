/**
 * Solving a compiled model with HiGHS (highs-js, WebAssembly). Free of Node APIs: the caller hands in a loaded
 * runtime, so a Web Worker can run this unchanged.
 *
 * The model is passed as arrays (no LP text to parse), the warm start through `setSolution`, and incumbents and
 * bounds are reported from HiGHS's MIP callbacks as they appear, so a hard kill still returns them.
 */
import type { Highs, Model, ModelData } from 'highs'
import type { BackendOutcome, CompiledMilp, ProgressReport, SolveJob } from './compiled.js'

/** Minimum wall-clock spacing of bound reports, in ms: enough for a hard kill, cheap for the solver. */
const BOUND_REPORT_INTERVAL_MS = 50

function modelData(highs: Highs, m: CompiledMilp, zeroObjective: boolean): ModelData {
  const isMip = m.colInteger.some((t) => t === 1)
  return {
    numCols: m.numCols,
    numRows: m.numRows,
    sense: m.maximize ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: zeroObjective ? 0 : m.offset,
    colCost: zeroObjective ? new Float64Array(m.numCols) : m.colCost,
    colLower: m.colLower,
    colUpper: m.colUpper,
    rowLower: m.rowLower,
    rowUpper: m.rowUpper,
    matrix: {
      format: 'csr',
      numRows: m.numRows,
      numCols: m.numCols,
      starts: m.rowStart,
      indices: m.rowIndex,
      values: m.rowValue,
    },
    ...(isMip ? { integrality: Int32Array.from(m.colInteger) } : {}),
  }
}

function infoNumber(model: Model, name: string): number | null {
  try {
    const v = model.info.get(name)
    return typeof v === 'number' && Number.isFinite(v) ? v : null
  } catch {
    return null // not available for this model or algorithm
  }
}

function hasPrimal(highs: Highs, model: Model): boolean {
  return infoNumber(model, 'primal_solution_status') === highs.constants.solutionStatus.feasible
}

const none = { objective: null, bestBound: null, colValue: null } as const

/**
 * Runs HiGHS on `job` until `job.softDeadlineEpochMs`. Exact when it reports `optimal` (within `mipGap`);
 * `bestBound` is HiGHS's MIP dual bound. O(HiGHS's simplex and branch-and-cut).
 */
export function solveWithHighs(
  highs: Highs,
  job: SolveJob,
  report: (r: ProgressReport) => void,
): BackendOutcome {
  const m = job.model
  const isMip = m.colInteger.some((t) => t === 1)
  const remainingS = (): number => (job.softDeadlineEpochMs - Date.now()) / 1000
  if (remainingS() <= 0) {
    return { status: 'timeLimit', ...none, warmStartUsed: false, message: 'no time left to start HiGHS' }
  }
  const model = highs.createModel(modelData(highs, m, false))
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(0.001, remainingS()),
      mip_rel_gap: job.mipGap,
    })
    let warmStartUsed = false
    if (job.warmIndex.length > 0) {
      try {
        model.setSolution({ indices: job.warmIndex, values: job.warmValue })
        warmStartUsed = true
      } catch {
        warmStartUsed = false // HiGHS refused the start; solve without it
      }
    }
    const cb = highs.constants.callbackType
    let lastBoundAt = 0
    let lastBound = Number.NaN
    const reportBound = (bound: number | undefined): void => {
      const now = Date.now()
      if (bound === undefined || !Number.isFinite(bound) || bound === lastBound) return
      if (now - lastBoundAt < BOUND_REPORT_INTERVAL_MS) return
      lastBoundAt = now
      lastBound = bound
      report({ kind: 'bound', bestBound: bound })
    }
    model.run(
      isMip
        ? {
            [cb.mipImprovingSolution](event) {
              const x = event.data.mip_solution
              const z = event.data.objective_function_value
              if (x !== undefined && z !== undefined && Number.isFinite(z)) {
                report({ kind: 'incumbent', objective: z, colValue: x })
              }
              reportBound(event.data.mip_dual_bound)
              return undefined
            },
            [cb.mipInterrupt](event) {
              reportBound(event.data.mip_dual_bound)
              return undefined
            },
          }
        : undefined,
    )
    const st = highs.constants.modelStatus
    const status = model.getModelStatus()
    const primal = hasPrimal(highs, model)
    const objective = primal ? model.getObjectiveValue() : null
    const colValue = primal ? Float64Array.from(model.getSolution().colValue) : null
    const dualBound = isMip ? infoNumber(model, 'mip_dual_bound') : null
    switch (status) {
      case st.optimal:
        return {
          status: 'optimal',
          objective,
          bestBound: isMip ? (dualBound ?? objective) : objective,
          colValue,
          warmStartUsed,
        }
      case st.infeasible:
        return { status: 'infeasible', ...none, warmStartUsed }
      case st.unbounded:
        return { status: 'unbounded', ...none, warmStartUsed }
      case st.unboundedOrInfeasible:
        return { ...decideUnboundedOrInfeasible(highs, m, remainingS), warmStartUsed }
      case st.timeLimit:
        return { status: 'timeLimit', objective, bestBound: dualBound, colValue, warmStartUsed }
      case st.empty:
        return { status: 'optimal', objective, bestBound: objective, colValue, warmStartUsed }
      default: {
        const message = `HiGHS model status ${status}`
        if (primal)
          return { status: 'feasible', objective, bestBound: dualBound, colValue, warmStartUsed, message }
        return { status: 'error', ...none, warmStartUsed, message }
      }
    }
  } finally {
    model.dispose()
  }
}

/** HiGHS's presolve could not tell infeasible from unbounded: decide by solving for any feasible point. */
function decideUnboundedOrInfeasible(
  highs: Highs,
  m: CompiledMilp,
  remainingS: () => number,
): Omit<BackendOutcome, 'warmStartUsed'> {
  const message = 'HiGHS could not tell infeasible from unbounded before the time limit'
  if (remainingS() <= 0) return { status: 'timeLimit', ...none, message }
  const feas = highs.createModel(modelData(highs, m, true))
  try {
    feas.options.set({ output_flag: false, time_limit: Math.max(0.001, remainingS()) })
    feas.run()
    const status = feas.getModelStatus()
    const st = highs.constants.modelStatus
    // A feasible model whose objective HiGHS found possibly unbounded is unbounded (rational data).
    if (status === st.optimal) return { status: 'unbounded', ...none }
    if (status === st.infeasible) return { status: 'infeasible', ...none }
    return { status: remainingS() <= 0 ? 'timeLimit' : 'error', ...none, message }
  } finally {
    feas.dispose()
  }
}
