/** Test kit: small models with known answers, shared by the conformance suite and the LP-format tests. */
import { createModel, linear, type MilpModel } from '../model.js'
import type { MilpStatus } from '../types.js'

export interface KnownCase {
  readonly name: string
  readonly build: () => MilpModel
  readonly status: MilpStatus
  /** Optimal objective when `status` is `optimal`. */
  readonly objective?: number
}

export const KNOWN_CASES: readonly KnownCase[] = [
  {
    // max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6, x ≤ 3: vertex (3, 1), value 11.
    name: 'LP, two variables',
    build: () => {
      const m = createModel('lp2')
      m.addVariable({ name: 'x', ub: 3 })
      m.addVariable({ name: 'y' })
      m.addConstraint({ name: 'a', terms: linear({ x: 1, y: 1 }), sense: '<=', rhs: 4 })
      m.addConstraint({ name: 'b', terms: linear({ x: 1, y: 3 }), sense: '<=', rhs: 6 })
      m.setObjective({ sense: 'maximize', terms: linear({ x: 3, y: 2 }) })
      return m
    },
    status: 'optimal',
    objective: 11,
  },
  {
    // min 2x + 3y, x + y ≥ 4, x − y = 1: x = 2.5, y = 1.5, value 9.5.
    name: 'LP with an equality and a ≥ row',
    build: () => {
      const m = createModel('lpeq')
      m.addVariable({ name: 'x' })
      m.addVariable({ name: 'y' })
      m.addConstraint({ name: 'cover', terms: linear({ x: 1, y: 1 }), sense: '>=', rhs: 4 })
      m.addConstraint({ name: 'diff', terms: linear({ x: 1, y: -1 }), sense: '=', rhs: 1 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 2, y: 3 }) })
      return m
    },
    status: 'optimal',
    objective: 9.5,
  },
  {
    // The textbook 0/1 knapsack: capacity 50, weights 10/20/30, values 60/100/120: take items 2 and 3, value 220.
    name: 'binary knapsack',
    build: () => {
      const m = createModel('knap')
      for (const n of ['i1', 'i2', 'i3']) m.addVariable({ name: n, type: 'binary' })
      m.addConstraint({ name: 'cap', terms: linear({ i1: 10, i2: 20, i3: 30 }), sense: '<=', rhs: 50 })
      m.setObjective({ sense: 'maximize', terms: linear({ i1: 60, i2: 100, i3: 120 }) })
      return m
    },
    status: 'optimal',
    objective: 220,
  },
  {
    // min x + y, 3x + 5y = 14, x, y ≥ 0 integer: (3, 1) is the only solution, value 4 (LP optimum 2.8).
    name: 'integer equality',
    build: () => {
      const m = createModel('inteq')
      m.addVariable({ name: 'x', type: 'integer' })
      m.addVariable({ name: 'y', type: 'integer' })
      m.addConstraint({ name: 'e', terms: linear({ x: 3, y: 5 }), sense: '=', rhs: 14 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 1, y: 1 }) })
      return m
    },
    status: 'optimal',
    objective: 4,
  },
  {
    // 3×3 assignment with costs [[4,1,3],[2,0,5],[3,2,2]]: 1→2, 2→1, 3→3 costs 1 + 2 + 2 = 5.
    name: 'binary assignment',
    build: () => {
      const cost = [
        [4, 1, 3],
        [2, 0, 5],
        [3, 2, 2],
      ]
      const m = createModel('assign')
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) m.addVariable({ name: `a${i}${j}`, type: 'binary' })
      for (let i = 0; i < 3; i++) {
        m.addConstraint({
          name: `row${i}`,
          terms: [0, 1, 2].map((j) => ({ variable: `a${i}${j}`, coefficient: 1 })),
          sense: '=',
          rhs: 1,
        })
        m.addConstraint({
          name: `col${i}`,
          terms: [0, 1, 2].map((j) => ({ variable: `a${j}${i}`, coefficient: 1 })),
          sense: '=',
          rhs: 1,
        })
      }
      m.setObjective({
        sense: 'minimize',
        terms: cost.flatMap((r, i) => r.map((c, j) => ({ variable: `a${i}${j}`, coefficient: c }))),
      })
      return m
    },
    status: 'optimal',
    objective: 5,
  },
  {
    // Free and negative-bounded variables and an objective constant: min x − y + 10, x ≥ −5 (free), −3 ≤ y ≤ 2,
    // x + y ≥ −7: x = −5, y = 2 gives −5 − 2 + 10 = 3.
    name: 'free variable, negative bounds, constant',
    build: () => {
      const m = createModel('free')
      m.addVariable({ name: 'x', lb: Number.NEGATIVE_INFINITY })
      m.addVariable({ name: 'y', lb: -3, ub: 2 })
      m.addVariable({ name: 'unused', type: 'integer', lb: 1, ub: 4 })
      m.addConstraint({ name: 'low', terms: linear({ x: 1 }), sense: '>=', rhs: -5 })
      m.addConstraint({ name: 'sum', terms: linear({ x: 1, y: 1 }), sense: '>=', rhs: -7 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 1, y: -1 }), constant: 10 })
      return m
    },
    status: 'optimal',
    objective: 3,
  },
  {
    // Names an LP reader would choke on, and a variable fixed by its bounds: max a + b with a = 2, b ≤ 3.5.
    name: 'awkward names and a fixed variable',
    build: () => {
      const m = createModel('names')
      m.addVariable({ name: 'x[1, 2]', lb: 2, ub: 2 })
      m.addVariable({ name: '2nd var', ub: 3.5 })
      m.addConstraint({ name: 'st', terms: linear({ 'x[1, 2]': 1, '2nd var': 1 }), sense: '<=', rhs: 10 })
      m.setObjective({ sense: 'maximize', terms: linear({ 'x[1, 2]': 1, '2nd var': 1 }) })
      return m
    },
    status: 'optimal',
    objective: 5.5,
  },
  {
    // x + y ≥ 5 with x, y ≤ 1: no point.
    name: 'infeasible LP',
    build: () => {
      const m = createModel('inf')
      m.addVariable({ name: 'x', ub: 1 })
      m.addVariable({ name: 'y', ub: 1 })
      m.addConstraint({ name: 'c', terms: linear({ x: 1, y: 1 }), sense: '>=', rhs: 5 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 1 }) })
      return m
    },
    status: 'infeasible',
  },
  {
    // 2x = 3 with integer x ∈ [0, 10]: the LP relaxation is feasible (x = 1.5), the MIP is not.
    name: 'integer-infeasible MIP',
    build: () => {
      const m = createModel('intinf')
      m.addVariable({ name: 'x', type: 'integer', ub: 10 })
      m.addConstraint({ name: 'c', terms: linear({ x: 2 }), sense: '=', rhs: 3 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 1 }) })
      return m
    },
    status: 'infeasible',
  },
  {
    // max x + y, x − y ≤ 1: the ray (1, 1) improves without limit.
    name: 'unbounded LP',
    build: () => {
      const m = createModel('unb')
      m.addVariable({ name: 'x' })
      m.addVariable({ name: 'y' })
      m.addConstraint({ name: 'c', terms: linear({ x: 1, y: -1 }), sense: '<=', rhs: 1 })
      m.setObjective({ sense: 'maximize', terms: linear({ x: 1, y: 1 }) })
      return m
    },
    status: 'unbounded',
  },
  {
    // The same with integer variables: feasible (0, 0), unbounded along (1, 1).
    name: 'unbounded MIP',
    build: () => {
      const m = createModel('unbint')
      m.addVariable({ name: 'x', type: 'integer' })
      m.addVariable({ name: 'y', type: 'integer' })
      m.addConstraint({ name: 'c', terms: linear({ x: 1, y: -1 }), sense: '<=', rhs: 1 })
      m.setObjective({ sense: 'maximize', terms: linear({ x: 1, y: 1 }) })
      return m
    },
    status: 'unbounded',
  },
  {
    // No constraints at all: min 2x − z with 1 ≤ x ≤ 4 integer, z ≤ 7 continuous: x = 1, z = 7, value −5.
    name: 'bounds only',
    build: () => {
      const m = createModel('bounds')
      m.addVariable({ name: 'x', type: 'integer', lb: 1, ub: 4 })
      m.addVariable({ name: 'z', ub: 7 })
      m.setObjective({ sense: 'minimize', terms: linear({ x: 2, z: -1 }) })
      return m
    },
    status: 'optimal',
    objective: -5,
  },
]
