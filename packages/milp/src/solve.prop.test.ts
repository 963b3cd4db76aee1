import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createModel, type MilpModel } from './model.js'
import { solve } from './solve.js'
import type { ConstraintSense } from './types.js'
import { checkSolution, objectiveOf } from './testing/check-solution.js'

interface SmallIp {
  readonly n: number
  readonly rows: readonly { coef: number[]; sense: ConstraintSense; rhs: number }[]
  readonly cost: number[]
  readonly maximize: boolean
}

const arbSmallIp: fc.Arbitrary<SmallIp> = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    rows: fc.array(
      fc.record({
        coef: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
        sense: fc.constantFrom<ConstraintSense>('<=', '>=', '='),
        rhs: fc.integer({ min: -5, max: 20 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    cost: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
    maximize: fc.boolean(),
  }),
)

function build(ip: SmallIp): MilpModel {
  const m = createModel('prop')
  for (let j = 0; j < ip.n; j++) m.addVariable({ name: `v${j}`, type: 'integer', lb: 0, ub: 5 })
  for (const r of ip.rows) {
    m.addConstraint({
      terms: r.coef.map((c, j) => ({ variable: `v${j}`, coefficient: c })),
      sense: r.sense,
      rhs: r.rhs,
    })
  }
  m.setObjective({
    sense: ip.maximize ? 'maximize' : 'minimize',
    terms: ip.cost.map((c, j) => ({ variable: `v${j}`, coefficient: c })),
  })
  return m
}

/** Optimum by enumerating all 6^n points, or null when none is feasible. */
function bruteForce(ip: SmallIp): number | null {
  let best: number | null = null
  const x = new Array<number>(ip.n).fill(0)
  const total = 6 ** ip.n
  for (let code = 0; code < total; code++) {
    let c = code
    for (let j = 0; j < ip.n; j++) {
      x[j] = c % 6
      c = Math.floor(c / 6)
    }
    const ok = ip.rows.every((r) => {
      const lhs = r.coef.reduce((a, k, j) => a + k * x[j]!, 0)
      return r.sense === '<=' ? lhs <= r.rhs : r.sense === '>=' ? lhs >= r.rhs : lhs === r.rhs
    })
    if (!ok) continue
    const z = ip.cost.reduce((a, k, j) => a + k * x[j]!, 0)
    if (best === null || (ip.maximize ? z > best : z < best)) best = z
  }
  return best
}

describe('solve on small bounded integer programs', () => {
  it('both back-ends match brute-force enumeration and each other', async () => {
    await fc.assert(
      fc.asyncProperty(arbSmallIp, async (ip) => {
        const model = build(ip)
        const expected = bruteForce(ip)
        const [g, h] = await Promise.all([
          solve(model, { solver: 'glpk', timeLimitS: 10 }),
          solve(model, { solver: 'highs', timeLimitS: 10 }),
        ])
        for (const r of [g, h]) {
          if (expected === null) {
            expect(r.status).toBe('infeasible')
          } else {
            expect(r.status).toBe('optimal')
            expect(r.objective).toBeCloseTo(expected, 6)
            expect(checkSolution(model, r.values)).toEqual([])
            expect(objectiveOf(model, r.values)).toBeCloseTo(expected, 6)
          }
        }
        expect(g.status).toBe(h.status)
      }),
      { numRuns: 30 },
    )
  })
})
