import type { MilpModel, Term } from '@dnnperf/milp'

type Var = Term['variable']

/**
 * Links a sender's transfer indicators on one device to its edge u → v (both IPs of placement.md §1.7):
 * `in ≥ x_v − x_u` (v is here and u is not: the data comes in) and `out ≥ x_u − x_v` (it goes out). Minimising a
 * load that pays for them makes each indicator 1 exactly when some edge of the sender crosses that way.
 */
export function linkCrossing(m: MilpModel, inVar: Var, outVar: Var, xu: Var, xv: Var): void {
  m.addConstraint({
    terms: [
      { variable: inVar, coefficient: 1 },
      { variable: xv, coefficient: -1 },
      { variable: xu, coefficient: 1 },
    ],
    sense: '>=',
    rhs: 0,
  })
  m.addConstraint({
    terms: [
      { variable: outVar, coefficient: 1 },
      { variable: xu, coefficient: -1 },
      { variable: xv, coefficient: 1 },
    ],
    sense: '>=',
    rhs: 0,
  })
}
