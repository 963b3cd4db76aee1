import { createModel, type MilpModel, solve, type Term } from '@dnnperf/milp'
import type { LinearModel } from './ilp-model.js'

/** What the scheduler needs back from a solve; numbers in model units, `values` by variable index. */
export interface AdapterResult {
  readonly status: 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeLimit' | 'error'
  readonly objective: number
  /** Proven lower bound (minimisation); −Infinity when the back-end gave none. */
  readonly bestBound: number
  readonly values: Float64Array | undefined
  readonly message?: string
}

export interface AdapterOptions {
  readonly solver: 'glpk' | 'highs'
  readonly timeLimitS: number
  readonly mipGap: number
  readonly warmStart?: Float64Array
  readonly signal?: AbortSignal
}

/** Translate the plain-array model into an `@dnnperf/milp` model. Variables are named by their plain names. */
function toMilp(m: LinearModel): MilpModel {
  const model = createModel('layer-schedule')
  const handles = m.vars.map((v) =>
    model.addVariable({ name: v.name, type: v.binary ? 'binary' : 'continuous', lb: v.lb, ub: v.ub }),
  )
  const terms = (vars: readonly number[], coefs: readonly number[]): Term[] =>
    vars.map((v, k) => ({ variable: handles[v]!, coefficient: coefs[k]! }))
  for (const r of m.rows) {
    const t = terms(r.vars, r.coefs)
    if (r.lo === r.hi) model.addConstraint({ name: r.name, terms: t, sense: '=', rhs: r.lo })
    else {
      if (Number.isFinite(r.lo))
        model.addConstraint({ name: `${r.name}_lo`, terms: t, sense: '>=', rhs: r.lo })
      if (Number.isFinite(r.hi))
        model.addConstraint({ name: `${r.name}_hi`, terms: t, sense: '<=', rhs: r.hi })
    }
  }
  model.setObjective({ sense: 'minimize', terms: terms(m.objective.vars, m.objective.coefs) })
  return model
}

/** Solve a plain-array model on `@dnnperf/milp` (a worker thread with a hard time limit). */
export async function solveLinearModel(m: LinearModel, o: AdapterOptions): Promise<AdapterResult> {
  const warm: Record<string, number> = {}
  if (o.warmStart) {
    for (let k = 0; k < m.vars.length; k++) warm[m.vars[k]!.name] = o.warmStart[k]!
  }
  const r = await solve(toMilp(m), {
    solver: o.solver,
    timeLimitS: o.timeLimitS,
    mipGap: o.mipGap,
    ...(o.warmStart ? { warmStart: warm } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  })
  const has = r.objective !== null && Object.keys(r.values).length > 0
  const values = has ? Float64Array.from(m.vars, (v) => r.values[v.name] ?? 0) : undefined
  return {
    status: r.status,
    objective: r.objective ?? Number.NaN,
    bestBound: r.bestBound ?? Number.NEGATIVE_INFINITY,
    values,
    ...(r.message === undefined ? {} : { message: r.message }),
  }
}
