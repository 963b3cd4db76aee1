/**
 * Test kit: an independent checker of solver answers. It reads the model only through its public API and shares
 * no code with `solve`, so a bug there cannot hide itself here. Not exported from the package.
 */
import type { MilpModel } from '../model.js'

/** Every way `values` fails `model`: a missing value, a bound, integrality, a row. Empty when it is feasible. */
export function checkSolution(
  model: MilpModel,
  values: Readonly<Record<string, number>>,
  tol = 1e-6,
): string[] {
  const problems: string[] = []
  const x: number[] = []
  for (const v of model.variables) {
    const value = values[v.name]
    if (value === undefined || !Number.isFinite(value)) {
      problems.push(`${v.name}: no finite value`)
      x.push(0)
      continue
    }
    x.push(value)
    if (value < v.lb - tol) problems.push(`${v.name} = ${value} < lb ${v.lb}`)
    if (value > v.ub + tol) problems.push(`${v.name} = ${value} > ub ${v.ub}`)
    if (v.type !== 'continuous' && Math.abs(value - Math.round(value)) > tol) {
      problems.push(`${v.name} = ${value} is not integral`)
    }
  }
  for (const c of model.constraints) {
    let lhs = 0
    for (const t of c.terms) lhs += t.coefficient * x[t.variableIndex]!
    const slack = tol * Math.max(1, Math.abs(c.rhs))
    const ok =
      c.sense === '<='
        ? lhs <= c.rhs + slack
        : c.sense === '>='
          ? lhs >= c.rhs - slack
          : Math.abs(lhs - c.rhs) <= slack
    if (!ok) problems.push(`${c.name}: ${lhs} ${c.sense} ${c.rhs} fails`)
  }
  return problems
}

/** The objective of `values` in `model`, constant included. */
export function objectiveOf(model: MilpModel, values: Readonly<Record<string, number>>): number {
  let z = model.objective.constant
  for (const t of model.objective.terms)
    z += t.coefficient * (values[model.variables[t.variableIndex]!.name] ?? 0)
  return z
}
