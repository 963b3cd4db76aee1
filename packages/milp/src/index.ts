/** @dnnperf/milp: a small MILP modelling layer solved by glpk.js or HiGHS in worker threads. What is not exported here is private. */

// modelling
export { MilpModel, createModel, linear } from './model.js'
export type { StoredObjective } from './model.js'
export type {
  Constraint,
  ConstraintSense,
  ConstraintSpec,
  ObjectiveSense,
  ObjectiveSpec,
  Term,
  Variable,
  VariableSpec,
  VariableType,
} from './types.js'

// LP text
export { toCplexLp, cplexLpNames } from './lp-format.js'

// solving
export { solve, relativeGap, SOLVE_DEFAULTS } from './solve.js'
export type { MilpResult, MilpStatus, SolveOptions, SolverName } from './types.js'

// errors
export { DuplicateNameError, MilpAbortedError } from './errors.js'
