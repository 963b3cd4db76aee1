/**
 * Test kit: the conformance suite every back-end must pass (graphology-style: one suite, a function of the
 * implementation under test). Each known case is solved and the answer checked independently.
 */
import { describe, expect, it } from 'vitest'
import { solve } from '../solve.js'
import type { SolverName } from '../types.js'
import { KNOWN_CASES } from './cases.js'
import { checkSolution, objectiveOf } from './check-solution.js'

export function runSolverConformance(solver: SolverName): void {
  describe(`conformance: ${solver}`, () => {
    for (const c of KNOWN_CASES) {
      it(c.name, async () => {
        const model = c.build()
        const r = await solve(model, { solver, timeLimitS: 20 })
        expect(r.status, r.message).toBe(c.status)
        expect(r.solver).toBe(solver)
        expect(r.timeS).toBeGreaterThan(0)
        expect(JSON.parse(JSON.stringify(r))).toEqual(r) // plain JSON, no NaN or Infinity
        if (c.status === 'optimal') {
          expect(r.objective).toBeCloseTo(c.objective!, 6)
          expect(checkSolution(model, r.values)).toEqual([])
          expect(objectiveOf(model, r.values)).toBeCloseTo(c.objective!, 6)
          expect(Object.keys(r.values).sort()).toEqual(model.variables.map((v) => v.name).sort())
          expect(r.bestBound).toBeCloseTo(c.objective!, 6)
          expect(r.gap).toBeLessThanOrEqual(1e-6)
        } else {
          expect(r.objective).toBeNull()
          expect(r.bestBound).toBeNull()
          expect(r.gap).toBeNull()
          expect(r.values).toEqual({})
        }
      })
    }
  })
}
