/**
 * The compiled, index-based form of a model that crosses into a solver thread (typed arrays structured-clone
 * cheaply), and the messages exchanged with that thread. Free of Node APIs so a Web Worker can use it too.
 */
import type { MilpModel } from '../model.js'
import type { SolverName } from '../types.js'

/**
 * Row i has coefficients rowValue[rowStart[i] .. rowStart[i + 1] − 1] on columns rowIndex[…], and reads
 * rowLower[i] ≤ activity ≤ rowUpper[i] (±Infinity for a missing side). Column j has bounds colLower[j] ≤ x ≤
 * colUpper[j] and is integer when colInteger[j] = 1.
 */
export interface CompiledMilp {
  readonly numCols: number
  readonly numRows: number
  readonly maximize: boolean
  readonly offset: number
  readonly colCost: Float64Array // length numCols
  readonly colLower: Float64Array // length numCols
  readonly colUpper: Float64Array // length numCols
  readonly colInteger: Uint8Array // length numCols; 1 = integer or binary
  readonly rowLower: Float64Array // length numRows
  readonly rowUpper: Float64Array // length numRows
  readonly rowStart: Int32Array // length numRows + 1
  readonly rowIndex: Int32Array // length rowStart[numRows]
  readonly rowValue: Float64Array // length rowStart[numRows]
}

/** Index-based model from a `MilpModel`. O(variables + nonzeros). */
export function compileModel(model: MilpModel): CompiledMilp {
  const vars = model.variables
  const cons = model.constraints
  const numCols = vars.length
  const numRows = cons.length
  const colCost = new Float64Array(numCols)
  const colLower = new Float64Array(numCols)
  const colUpper = new Float64Array(numCols)
  const colInteger = new Uint8Array(numCols)
  for (const v of vars) {
    colLower[v.index] = v.lb
    colUpper[v.index] = v.ub
    colInteger[v.index] = v.type === 'continuous' ? 0 : 1
  }
  for (const t of model.objective.terms) colCost[t.variableIndex] = t.coefficient
  const rowLower = new Float64Array(numRows)
  const rowUpper = new Float64Array(numRows)
  const rowStart = new Int32Array(numRows + 1)
  let nnz = 0
  for (const c of cons) for (const t of c.terms) if (t.coefficient !== 0) nnz++
  const rowIndex = new Int32Array(nnz)
  const rowValue = new Float64Array(nnz)
  let k = 0
  for (const c of cons) {
    rowStart[c.index] = k
    rowLower[c.index] = c.sense === '<=' ? Number.NEGATIVE_INFINITY : c.rhs
    rowUpper[c.index] = c.sense === '>=' ? Number.POSITIVE_INFINITY : c.rhs
    for (const t of c.terms) {
      if (t.coefficient === 0) continue // explicit zeros only confuse the back-ends' matrix checks
      rowIndex[k] = t.variableIndex
      rowValue[k] = t.coefficient
      k++
    }
  }
  rowStart[numRows] = k
  return {
    numCols,
    numRows,
    maximize: model.objective.sense === 'maximize',
    offset: model.objective.constant,
    colCost,
    colLower,
    colUpper,
    colInteger,
    rowLower,
    rowUpper,
    rowStart,
    rowIndex,
    rowValue,
  }
}

/** One solve request, parent → solver thread. */
export interface SolveJob {
  readonly solver: SolverName
  readonly model: CompiledMilp
  /** `Date.now()` by which the back-end's own limit must stop it (the soft deadline). */
  readonly softDeadlineEpochMs: number
  readonly mipGap: number
  /** Sparse start: ascending column indices and their values; empty when there is none. */
  readonly warmIndex: Int32Array
  readonly warmValue: Float64Array
}

/** How a back-end run ended, before the parent adds names, timing and the gap. */
export interface BackendOutcome {
  readonly status: 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeLimit' | 'error'
  /** Objective including the offset, or null. */
  readonly objective: number | null
  readonly bestBound: number | null
  /** Column values in column order, or null without a solution. */
  readonly colValue: Float64Array | null
  readonly warmStartUsed: boolean
  readonly message?: string
}

/** Progress a back-end reports while it runs, so a hard kill still returns what was found. */
export type ProgressReport =
  | { readonly kind: 'incumbent'; readonly objective: number; readonly colValue: Float64Array }
  | { readonly kind: 'bound'; readonly bestBound: number }

/** Messages solver thread → parent. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly report: ProgressReport }
  | { readonly type: 'done'; readonly outcome: BackendOutcome }
  | { readonly type: 'failed'; readonly message: string }
