import type { MilpResult } from '@dnnperf/milp'
import type { PlacementStatus } from '../../types.js'
import { IpSolverError } from '../errors.js'

/** Map a MILP status onto a placement status; unbounded and error are modelling failures and throw. */
export function placementStatus(r: MilpResult): PlacementStatus {
  switch (r.status) {
    case 'optimal':
    case 'feasible':
    case 'infeasible':
    case 'timeLimit':
      return r.status
    default:
      throw new IpSolverError({ solver: r.solver, solverStatus: r.status, message: r.message })
  }
}

/** The solver's bound, clipped to the re-scored objective, and the relative gap between them. */
export function boundAndGap(
  r: MilpResult,
  objective: number,
): { bestBound: number | null; gap: number | null } {
  if (r.bestBound === null) return { bestBound: null, gap: null }
  const bestBound = Math.min(r.bestBound, objective)
  return { bestBound, gap: objective > 0 ? (objective - bestBound) / objective : 0 }
}
