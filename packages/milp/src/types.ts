/** Public shapes of @dnnperf/milp: variables, constraints, objective, solve options and results. No logic. */

/** Domain of a variable. `binary` is an integer variable whose bounds lie inside [0, 1]. */
export type VariableType = 'continuous' | 'integer' | 'binary'

/** What `addVariable` takes. Bounds default to `lb = 0`, `ub = Infinity` (`ub = 1` for binaries). */
export interface VariableSpec {
  /** Unique, non-empty name; the LP writer sanitises it, results are keyed by it as given. */
  readonly name: string
  /** Default `continuous`. */
  readonly type?: VariableType
  /** Lower bound; `-Infinity` for none. Default 0. */
  readonly lb?: number
  /** Upper bound; `Infinity` for none. Default `Infinity` (1 for binaries). */
  readonly ub?: number
}

/** A variable as the model stores it: handle returned by `addVariable`. */
export interface Variable {
  readonly name: string
  /** Position in the model, 0-based, in order of creation. */
  readonly index: number
  readonly type: VariableType
  readonly lb: number
  readonly ub: number
}

/** One term `coefficient · variable` of a linear expression; `variable` is a handle or a name. */
export interface Term {
  readonly variable: Variable | string
  readonly coefficient: number
}

/** Relation between a constraint's left-hand side and its right-hand side. */
export type ConstraintSense = '<=' | '>=' | '='

/** What `addConstraint` takes: `sum(terms) sense rhs`. */
export interface ConstraintSpec {
  /** Unique name; generated (`c0`, `c1`, …) when omitted. */
  readonly name?: string
  readonly terms: readonly Term[]
  readonly sense: ConstraintSense
  readonly rhs: number
}

/** A constraint as the model stores it, with terms resolved to variable indices. */
export interface Constraint {
  readonly name: string
  readonly index: number
  readonly terms: readonly { readonly variableIndex: number; readonly coefficient: number }[]
  readonly sense: ConstraintSense
  readonly rhs: number
}

/** Direction of optimisation. */
export type ObjectiveSense = 'minimize' | 'maximize'

/** What `setObjective` takes: `sense  sum(terms) + constant`. */
export interface ObjectiveSpec {
  readonly sense: ObjectiveSense
  readonly terms: readonly Term[]
  /** Constant added to the objective value. Default 0. */
  readonly constant?: number
}

/** The two back-ends. Both are WebAssembly builds shipped in npm packages; no commercial solver is needed. */
export type SolverName = 'glpk' | 'highs'

/**
 * Outcome of a solve.
 *
 * - `optimal`: proved optimal, within `mipGap` for a MIP; `objective`, `bestBound` and `values` are set.
 * - `feasible`: a feasible solution without an optimality proof, for a reason other than the time limit.
 * - `infeasible`: proved to have no feasible point; `objective`, `bestBound`, `gap` are `null`, `values` empty.
 * - `unbounded`: proved feasible with an objective that improves without limit; numbers `null`, `values` empty.
 * - `timeLimit`: the time limit stopped the search. `objective` and `values` hold the best incumbent when one
 *   was found (else `null` and `{}`); `bestBound` holds a proven bound when the back-end reported one.
 * - `error`: the back-end failed or could not classify the model; `message` says why.
 */
export type MilpStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeLimit' | 'error'

/** Options of `solve`. */
export interface SolveOptions {
  /** Back-end. Default `glpk`. */
  readonly solver?: SolverName
  /**
   * Hard wall-clock limit in seconds, counted from the call to `solve` (worker start-up included). The back-end's
   * own limit is set a little below it; at the limit the worker is terminated and `solve` resolves with
   * `timeLimit`. Default 60.
   */
  readonly timeLimitS?: number
  /** Relative MIP gap at which the search may stop and report `optimal`. Default 0 (prove optimality). */
  readonly mipGap?: number
  /**
   * Start values by variable name (a partial assignment is allowed). HiGHS takes it as a MIP start; glpk.js has
   * no start API, so it is not passed there (`warmStartUsed: false`). Default none.
   */
  readonly warmStart?: Readonly<Record<string, number>>
  /** Cancels the solve: the worker is terminated and the promise rejects with `MilpAbortedError`. */
  readonly signal?: AbortSignal
}

/** Result of `solve`: a plain JSON-serialisable object. Unknown numbers are `null`, never NaN or Infinity. */
export interface MilpResult {
  readonly status: MilpStatus
  /** Objective value of `values` (constant included); `null` when there is no solution. */
  readonly objective: number | null
  /**
   * Proven bound on the optimum: a lower bound when minimising, an upper bound when maximising; `null` when the
   * back-end gave none.
   */
  readonly bestBound: number | null
  /** `|objective − bestBound| / max(1e-9, |objective|)`; `null` when either is `null`. */
  readonly gap: number | null
  readonly solver: SolverName
  /** Wall-clock seconds from the call to `solve` until it resolved, worker start-up included. */
  readonly timeS: number
  /** Variable values by name; integer and binary values are snapped to the nearest integer. Empty without a solution. */
  readonly values: Record<string, number>
  /** True when the warm start was handed to the back-end. */
  readonly warmStartUsed: boolean
  /** Why the status is what it is, when there is more to say (back-end message, hard kill, …). */
  readonly message?: string
}
