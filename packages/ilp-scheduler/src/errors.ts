import { DnnperfError } from '@dnnperf/ir'

/**
 * The layer has no feasible schedule at all: an op needs a core type the accelerator lacks, or an op alone
 * needs more on-chip buffer than there is.
 */
export class ScheduleInfeasibleError extends DnnperfError {
  readonly code = 'INFEASIBLE'
  override readonly name = 'ScheduleInfeasibleError'
  readonly opId: string
  readonly reason: 'no-cores' | 'buffer'
  constructor(fields: { opId: string; reason: 'no-cores' | 'buffer'; detail: string }) {
    super(`op "${fields.opId}" cannot be scheduled: ${fields.detail}`)
    this.opId = fields.opId
    this.reason = fields.reason
  }
}

/** The MILP back-end failed, or returned a schedule that breaks the model (a bug, never silently ignored). */
export class SchedulerSolverError extends DnnperfError {
  readonly code = 'SCHEDULER_SOLVER_ERROR'
  override readonly name = 'SchedulerSolverError'
  readonly solver: string
  readonly detail: string
  constructor(fields: { solver: string; detail: string }) {
    super(`${fields.solver}: ${fields.detail}`)
    this.solver = fields.solver
    this.detail = fields.detail
  }
}
