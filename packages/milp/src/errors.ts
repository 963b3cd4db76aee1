/** Errors specific to @dnnperf/milp. Bad numbers use `InvalidValueError` and unknown names `NotFoundError` from the IR. */
import { DnnperfError } from '@dnnperf/ir'
import type { MilpResult, SolverName } from './types.js'

/** A variable or constraint name is used twice in one model. */
export class DuplicateNameError extends DnnperfError {
  readonly code = 'MILP_DUPLICATE_NAME'
  override readonly name = 'DuplicateNameError'
  readonly kind: 'variable' | 'constraint'
  readonly duplicate: string
  constructor(fields: { kind: 'variable' | 'constraint'; duplicate: string }) {
    super(`@dnnperf/milp: ${fields.kind} name "${fields.duplicate}" is used twice`)
    this.kind = fields.kind
    this.duplicate = fields.duplicate
  }
}

/**
 * The caller's AbortSignal cancelled a solve. The worker was terminated; `partial` holds the best incumbent
 * reported before the cancellation (status `feasible`) or, without one, status `error`.
 */
export class MilpAbortedError extends DnnperfError {
  readonly code = 'SOLVE_ABORTED'
  override readonly name = 'MilpAbortedError'
  readonly solver: SolverName
  readonly elapsedS: number
  readonly partial: MilpResult
  constructor(fields: { solver: SolverName; elapsedS: number; partial: MilpResult }) {
    super(`@dnnperf/milp: ${fields.solver} solve aborted after ${fields.elapsedS.toFixed(3)} s`)
    this.solver = fields.solver
    this.elapsedS = fields.elapsedS
    this.partial = fields.partial
  }
}
