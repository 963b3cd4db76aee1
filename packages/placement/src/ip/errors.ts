import { DnnperfError } from '@dnnperf/ir'

/** The MILP back-end failed or called a placement model unbounded (a modelling bug, never bad input). */
export class IpSolverError extends DnnperfError {
  readonly code = 'IP_SOLVER_FAILED'
  override readonly name = 'IpSolverError'
  readonly solver: string
  readonly solverStatus: string
  constructor(fields: { solver: string; solverStatus: string; message?: string | undefined }) {
    super(
      `integer program: solver ${fields.solver} returned ${fields.solverStatus}${fields.message === undefined ? '' : `: ${fields.message}`}`,
    )
    this.solver = fields.solver
    this.solverStatus = fields.solverStatus
  }
}
