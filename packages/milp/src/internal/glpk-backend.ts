/**
 * Solving a compiled model with glpk.js (GLPK 5 in WebAssembly). Free of Node APIs: the caller hands in a
 * loaded glpk instance, so a Web Worker can run this unchanged.
 *
 * glpk.js reports neither a MIP bound nor incumbents while it runs, and with its presolver on it cannot tell an
 * unbounded relaxation from a failure. So a MIP is solved in two steps: first the LP relaxation (presolver off,
 * exact statuses), whose optimum is a valid bound and is reported at once so a hard kill still returns it; then
 * the MIP with the time that is left.
 */
import type { GLPK, LP } from 'glpk.js/node'
import type { BackendOutcome, CompiledMilp, ProgressReport, SolveJob } from './compiled.js'

// glpk.js constants (glpk.h): fixed here so the module needs no loaded instance to type-check.
const GLP_MIN = 1
const GLP_MAX = 2
const GLP_FR = 1
const GLP_LO = 2
const GLP_UP = 3
const GLP_DB = 4
const GLP_FX = 5
const GLP_FEAS = 2
const GLP_NOFEAS = 4
const GLP_OPT = 5
const GLP_UNBND = 6
const DBL_EPSILON = 2.220446049250313e-16

function boundType(lo: number, up: number): number {
  const hasLo = Number.isFinite(lo)
  const hasUp = Number.isFinite(up)
  if (hasLo && hasUp) return lo === up ? GLP_FX : GLP_DB
  if (hasLo) return GLP_LO
  return hasUp ? GLP_UP : GLP_FR
}

/** Generated names: glpk keys everything by name, and `x<j>`/`r<i>` can never clash or need escaping. */
function toGlpkLp(m: CompiledMilp, opts: { relax: boolean; zeroObjective: boolean }): LP {
  const objVars: { name: string; coef: number }[] = []
  if (!opts.zeroObjective) {
    for (let j = 0; j < m.numCols; j++)
      if (m.colCost[j] !== 0) objVars.push({ name: `x${j}`, coef: m.colCost[j]! })
  }
  const subjectTo: LP['subjectTo'] = []
  for (let i = 0; i < m.numRows; i++) {
    const vars: { name: string; coef: number }[] = []
    for (let k = m.rowStart[i]!; k < m.rowStart[i + 1]!; k++)
      vars.push({ name: `x${m.rowIndex[k]!}`, coef: m.rowValue[k]! })
    const lo = m.rowLower[i]!
    const up = m.rowUpper[i]!
    subjectTo.push({
      name: `r${i}`,
      vars,
      bnds: { type: boundType(lo, up), lb: Number.isFinite(lo) ? lo : 0, ub: Number.isFinite(up) ? up : 0 },
    })
  }
  // Every column gets a bounds entry, so columns that appear nowhere else still exist in glpk.
  const bounds: NonNullable<LP['bounds']> = []
  const generals: string[] = []
  for (let j = 0; j < m.numCols; j++) {
    const lo = m.colLower[j]!
    const up = m.colUpper[j]!
    bounds.push({
      name: `x${j}`,
      type: boundType(lo, up),
      lb: Number.isFinite(lo) ? lo : 0,
      ub: Number.isFinite(up) ? up : 0,
    })
    if (!opts.relax && m.colInteger[j] === 1) generals.push(`x${j}`)
  }
  return {
    name: 'milp',
    objective: { direction: m.maximize ? GLP_MAX : GLP_MIN, name: 'obj', vars: objVars },
    subjectTo,
    bounds,
    generals,
  }
}

function readValues(m: CompiledMilp, vars: Record<string, number>): Float64Array {
  const out = new Float64Array(m.numCols)
  for (let j = 0; j < m.numCols; j++) out[j] = vars[`x${j}`] ?? 0
  return out
}

const none = { objective: null, bestBound: null, colValue: null, warmStartUsed: false } as const

/**
 * Runs glpk.js on `job` until `job.softDeadlineEpochMs`. Exact for LPs and for MIPs that finish; `bestBound` of a
 * time-limited MIP is the LP relaxation optimum (valid, possibly weak). O(glpk's simplex and branch-and-bound).
 */
export function solveWithGlpk(
  glpk: GLPK,
  job: SolveJob,
  report: (r: ProgressReport) => void,
): BackendOutcome {
  const m = job.model
  const remainingS = (): number => (job.softDeadlineEpochMs - Date.now()) / 1000
  // glpk truncates its limit to whole milliseconds and checks it between nodes and iterations: a run that used
  // nearly all the time it was given stopped on the limit.
  let lastGivenMs = 0
  let lastStartMs = 0
  const timedOut = (): boolean => {
    const usedMs = Date.now() - lastStartMs
    return usedMs >= lastGivenMs - Math.max(2, 0.02 * lastGivenMs) || Date.now() >= job.softDeadlineEpochMs
  }
  const run = (lp: LP, presol: boolean, mipgap: number) => {
    lastStartMs = Date.now()
    lastGivenMs = Math.max(1, job.softDeadlineEpochMs - lastStartMs)
    return glpk.solve(lp, { msglev: 0, presol, mipgap, tmlim: lastGivenMs / 1000 }).result
  }
  if (remainingS() <= 0) return { status: 'timeLimit', ...none, message: 'no time left to start glpk' }

  // Presolver off for LPs: with it on, glpk reports infeasible and unbounded LPs as "undefined".
  const relaxed = run(toGlpkLp(m, { relax: true, zeroObjective: false }), false, 0)
  const isMip = m.colInteger.some((t) => t === 1)
  if (relaxed.status === GLP_NOFEAS) return { status: 'infeasible', ...none }
  if (relaxed.status === GLP_UNBND) {
    if (!isMip) return { status: 'unbounded', ...none }
    return decideUnboundedMip(m, run, timedOut)
  }
  if (relaxed.status !== GLP_OPT) {
    if (timedOut()) {
      if (!isMip && relaxed.status === GLP_FEAS) {
        return {
          status: 'timeLimit',
          objective: relaxed.z + m.offset,
          bestBound: null,
          colValue: readValues(m, relaxed.vars),
          warmStartUsed: false,
        }
      }
      return { status: 'timeLimit', ...none }
    }
    return { status: 'error', ...none, message: `glpk LP status ${relaxed.status}` }
  }
  const lpObjective = relaxed.z + m.offset
  if (!isMip) {
    return {
      status: 'optimal',
      objective: lpObjective,
      bestBound: lpObjective,
      colValue: readValues(m, relaxed.vars),
      warmStartUsed: false,
    }
  }
  report({ kind: 'bound', bestBound: lpObjective })
  if (remainingS() <= 0) return { status: 'timeLimit', ...none, bestBound: lpObjective }

  // The MIP needs glpk's presolver: without it glp_intopt demands an optimal basis glpk.js does not keep.
  const mip = run(toGlpkLp(m, { relax: false, zeroObjective: false }), true, job.mipGap)
  const objective = mip.z + m.offset
  const colValue = readValues(m, mip.vars)
  if (mip.status === GLP_OPT) {
    return { status: 'optimal', objective, bestBound: objective, colValue, warmStartUsed: false }
  }
  if (mip.status === GLP_NOFEAS) return { status: 'infeasible', ...none }
  if (mip.status === GLP_FEAS) {
    if (timedOut())
      return { status: 'timeLimit', objective, bestBound: lpObjective, colValue, warmStartUsed: false }
    if (job.mipGap === 0) {
      const message = 'glpk stopped with a feasible, unproved solution'
      return {
        status: 'feasible',
        objective,
        bestBound: lpObjective,
        colValue,
        warmStartUsed: false,
        message,
      }
    }
    // Stopped on the gap: GLPK guarantees |z − bound| ≤ mipGap·(|z| + ε), which may beat the LP bound.
    const slack = job.mipGap * (Math.abs(mip.z) + DBL_EPSILON)
    const gapBound = m.maximize ? objective + slack : objective - slack
    const bestBound = m.maximize ? Math.min(gapBound, lpObjective) : Math.max(gapBound, lpObjective)
    return { status: 'optimal', objective, bestBound, colValue, warmStartUsed: false }
  }
  if (timedOut()) return { status: 'timeLimit', ...none, bestBound: lpObjective }
  return { status: 'error', ...none, bestBound: lpObjective, message: `glpk MIP status ${mip.status}` }
}

/**
 * The LP relaxation is unbounded, so the MIP is unbounded if it has any feasible point (rational data; Meyer
 * 1974) and infeasible otherwise: decide by solving it with a zero objective.
 */
function decideUnboundedMip(
  m: CompiledMilp,
  run: (lp: LP, presol: boolean, mipgap: number) => { status: number },
  timedOut: () => boolean,
): BackendOutcome {
  const feas = run(toGlpkLp(m, { relax: false, zeroObjective: true }), true, 0)
  if (feas.status === GLP_OPT || feas.status === GLP_FEAS) return { status: 'unbounded', ...none }
  if (feas.status === GLP_NOFEAS) return { status: 'infeasible', ...none }
  const message = 'LP relaxation is unbounded; feasibility of the MIP was not decided'
  return { status: timedOut() ? 'timeLimit' : 'error', ...none, message }
}
