/**
 * @dnnperf/milp's browser entry (`dist/browser.js`, picked by the `browser` export condition): the same API as
 * `index.ts`, built so that `solve` runs each job in a module Web Worker (`browser-host.ts`) instead of a Node worker
 * thread. The `.wasm` files and the worker script sit next to it in `dist/` and are found through `import.meta.url`.
 */

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

// solving (the build binds `solve.ts` to the Web Worker host)
export { solve, relativeGap, SOLVE_DEFAULTS } from './solve.js'
export type { MilpResult, MilpStatus, SolveOptions, SolverName } from './types.js'

// errors
export { DuplicateNameError, MilpAbortedError } from './errors.js'
