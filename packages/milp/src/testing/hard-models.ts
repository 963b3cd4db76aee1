/** Test kit: seeded models that take the back-ends well over a second to prove optimal. */
import { createModel, type MilpModel } from '../model.js'

/**
 * A multi-dimensional 0/1 knapsack with `items` items and `dims` capacity rows (weights 10–99, capacity half
 * the row sum, values correlated with weights): the classic hard family for branch-and-bound.
 */
export function multiKnapsack(items = 60, dims = 5, seed = 12345): MilpModel {
  let s = seed
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  const w = Array.from({ length: dims }, () =>
    Array.from({ length: items }, () => 10 + Math.floor(rnd() * 90)),
  )
  const v = Array.from(
    { length: items },
    (_, j) => w.reduce((a, r) => a + r[j]!, 0) / dims + Math.floor(rnd() * 20),
  )
  const m = createModel(`mkp-${items}x${dims}`)
  const x = v.map((_, j) => m.addVariable({ name: `x${j}`, type: 'binary' }))
  for (const [i, row] of w.entries()) {
    const cap = Math.floor(row.reduce((a, b) => a + b, 0) / 2)
    m.addConstraint({
      name: `cap${i}`,
      terms: row.map((c, j) => ({ variable: x[j]!, coefficient: c })),
      sense: '<=',
      rhs: cap,
    })
  }
  m.setObjective({ sense: 'maximize', terms: v.map((c, j) => ({ variable: x[j]!, coefficient: c })) })
  return m
}

/** 2x − 2y = 1 over free integers: no solution, and glpk's branch-and-bound never proves it. */
export function endlessParity(): MilpModel {
  const m = createModel('parity')
  m.addVariable({ name: 'x', type: 'integer', lb: Number.NEGATIVE_INFINITY })
  m.addVariable({ name: 'y', type: 'integer', lb: Number.NEGATIVE_INFINITY })
  m.addConstraint({
    name: 'odd',
    terms: [
      { variable: 'x', coefficient: 2 },
      { variable: 'y', coefficient: -2 },
    ],
    sense: '=',
    rhs: 1,
  })
  m.setObjective({ sense: 'minimize', terms: [{ variable: 'x', coefficient: 1 }] })
  return m
}
