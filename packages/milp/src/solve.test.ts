import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { MilpAbortedError } from './errors.js'
import { compileModel } from './internal/compiled.js'
import { createModel, linear } from './model.js'
import { relativeGap, solve } from './solve.js'
import { checkSolution, objectiveOf } from './testing/check-solution.js'
import { endlessParity, multiKnapsack } from './testing/hard-models.js'
import { runInWorker } from './worker-host.js'

async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (err) {
    return isDnnperfError(err) ? err.code : `not a dnnperf error: ${String(err)}`
  }
  return undefined
}

function smallKnapsack() {
  const m = createModel('k')
  for (const n of ['a', 'b', 'c']) m.addVariable({ name: n, type: 'binary' })
  m.addConstraint({ name: 'cap', terms: linear({ a: 10, b: 20, c: 30 }), sense: '<=', rhs: 50 })
  m.setObjective({ sense: 'maximize', terms: linear({ a: 60, b: 100, c: 120 }) })
  return m
}

describe('relativeGap', () => {
  it('is |objective − bound| / max(1e-9, |objective|), null when unknown', () => {
    expect(relativeGap(100, 110)).toBeCloseTo(0.1, 12)
    expect(relativeGap(-50, -55)).toBeCloseTo(0.1, 12)
    expect(relativeGap(0, 1e-12)).toBeCloseTo(1e-3, 12)
    expect(relativeGap(null, 3)).toBeNull()
    expect(relativeGap(3, null)).toBeNull()
  })
})

describe('solve: options', () => {
  it('rejects bad options with typed errors', async () => {
    const m = smallKnapsack()
    expect(await rejectionCode(solve(m, { solver: 'cplex' as never }))).toBe('INVALID_VALUE')
    expect(await rejectionCode(solve(m, { timeLimitS: 0 }))).toBe('INVALID_VALUE')
    expect(await rejectionCode(solve(m, { timeLimitS: Number.POSITIVE_INFINITY }))).toBe('INVALID_VALUE')
    expect(await rejectionCode(solve(m, { mipGap: -0.1 }))).toBe('INVALID_VALUE')
    expect(await rejectionCode(solve(m, { warmStart: { nope: 1 } }))).toBe('NOT_FOUND')
    expect(await rejectionCode(solve(m, { warmStart: { a: Number.NaN } }))).toBe('INVALID_VALUE')
  })

  it('defaults to glpk', async () => {
    const r = await solve(smallKnapsack())
    expect(r.solver).toBe('glpk')
    expect(r.objective).toBe(220)
    expect(r.values).toEqual({ a: 0, b: 1, c: 1 })
  })

  it('solves a model without variables from its constant', async () => {
    const m = createModel()
    m.setObjective({ sense: 'minimize', terms: [], constant: 7 })
    expect(await solve(m)).toMatchObject({
      status: 'optimal',
      objective: 7,
      bestBound: 7,
      gap: 0,
      values: {},
    })
    m.addConstraint({ terms: [], sense: '>=', rhs: 1 })
    expect((await solve(m)).status).toBe('infeasible')
  })
})

describe('solve: concurrency', () => {
  it('answers many concurrent solves correctly (workers are capped and reused)', async () => {
    const runs = Array.from({ length: 16 }, (_, k) =>
      solve(smallKnapsack(), { solver: k % 2 === 0 ? 'glpk' : 'highs', timeLimitS: 20 }),
    )
    const results = await Promise.all(runs)
    expect(results.map((r) => r.objective)).toEqual(new Array(16).fill(220))
    expect(results.map((r) => r.solver)).toEqual(
      Array.from({ length: 16 }, (_, k) => (k % 2 === 0 ? 'glpk' : 'highs')),
    )
  })
})

describe('solve: warm starts', () => {
  it('hands the start to HiGHS but not to glpk', async () => {
    const warmStart = { a: 1, b: 1, c: 0 }
    const h = await solve(smallKnapsack(), { solver: 'highs', warmStart })
    const g = await solve(smallKnapsack(), { solver: 'glpk', warmStart })
    expect([h.warmStartUsed, g.warmStartUsed]).toEqual([true, false])
    expect([h.objective, g.objective]).toEqual([220, 220])
  })

  it('returns a feasible complete warm start when the limit leaves no time to beat it', async () => {
    const m = multiKnapsack()
    const warmStart = Object.fromEntries(m.variables.map((v) => [v.name, v.index < 5 ? 1 : 0]))
    expect(checkSolution(m, warmStart)).toEqual([])
    for (const solver of ['glpk', 'highs'] as const) {
      const r = await solve(m, { solver, timeLimitS: 0.001, warmStart })
      expect(r.status).toBe('timeLimit')
      expect(r.objective).not.toBeNull()
      expect(r.objective!).toBeGreaterThanOrEqual(objectiveOf(m, warmStart) - 1e-9)
      expect(checkSolution(m, r.values)).toEqual([])
    }
  })
})

describe('solve: time limits and cancellation', () => {
  it.each(['glpk', 'highs'] as const)(
    '%s stops a hard MILP near timeLimitS with an incumbent and a bound',
    async (solver) => {
      const m = multiKnapsack()
      const t0 = performance.now()
      const r = await solve(m, { solver, timeLimitS: 1 })
      const wallS = (performance.now() - t0) / 1000
      expect(wallS).toBeLessThan(1.5)
      expect(r.timeS).toBeLessThanOrEqual(wallS)
      expect(['timeLimit', 'optimal']).toContain(r.status)
      // An incumbent and a bound are expected within a second, but a loaded machine may deliver neither in
      // time; whatever is reported must be right.
      if (r.objective !== null) {
        expect(checkSolution(m, r.values)).toEqual([])
        expect(objectiveOf(m, r.values)).toBeCloseTo(r.objective, 6)
      } else {
        expect(r.values).toEqual({})
      }
      // Maximising: the bound is at least the best value known for this instance (2118.2) and the incumbent.
      if (r.bestBound !== null) expect(r.bestBound).toBeGreaterThanOrEqual(2118.2 - 1e-6)
      if (r.objective !== null && r.bestBound !== null) {
        expect(r.bestBound).toBeGreaterThanOrEqual(r.objective - 1e-6)
        expect(r.gap).toBeCloseTo(Math.abs(r.objective - r.bestBound) / Math.abs(r.objective), 12)
      }
    },
  )

  it('glpk returns at the limit on a model its branch-and-bound never finishes', async () => {
    const t0 = performance.now()
    const r = await solve(endlessParity(), { solver: 'glpk', timeLimitS: 0.5 })
    expect((performance.now() - t0) / 1000).toBeLessThan(0.8)
    expect(r.status, r.message).toBe('timeLimit')
    expect(r.objective).toBeNull()
    expect(r.values).toEqual({})
  })

  it('terminates a worker that ignores its own limit (hard kill)', async () => {
    // Soft deadline far away, hard deadline in 300 ms: only the parent's backstop can stop this run.
    const job = {
      solver: 'glpk' as const,
      model: compileModel(endlessParity()),
      softDeadlineEpochMs: Date.now() + 60_000,
      mipGap: 0,
      warmIndex: new Int32Array(0),
      warmValue: new Float64Array(0),
    }
    const t0 = performance.now()
    const run = await runInWorker(job, Date.now() + 300, undefined, () => {})
    expect(run).toEqual({ kind: 'killed', reason: 'timeLimit' })
    expect(performance.now() - t0).toBeLessThan(600)
  })

  it('a tiny limit still resolves on time, with status timeLimit', async () => {
    const t0 = performance.now()
    const r = await solve(multiKnapsack(), { solver: 'highs', timeLimitS: 0.02 })
    expect(performance.now() - t0).toBeLessThan(500)
    expect(r.status).toBe('timeLimit')
  })

  it('an AbortSignal terminates the solve and rejects with MilpAbortedError', async () => {
    const controller = new AbortController()
    const p = solve(multiKnapsack(), { solver: 'highs', timeLimitS: 20, signal: controller.signal })
    setTimeout(() => controller.abort(), 300)
    const t0 = performance.now()
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(MilpAbortedError)
    expect(performance.now() - t0).toBeLessThan(600)
    const partial = (err as MilpAbortedError).partial
    expect(['feasible', 'error']).toContain(partial.status)
    if (partial.status === 'feasible') expect(checkSolution(multiKnapsack(), partial.values)).toEqual([])
    // Already aborted: rejects without starting a worker.
    expect(await rejectionCode(solve(smallKnapsack(), { signal: AbortSignal.abort() }))).toBe('SOLVE_ABORTED')
  })
})

describe('solve: mipGap', () => {
  it.each(['glpk', 'highs'] as const)('%s stops within the gap and reports a valid bound', async (solver) => {
    const m = multiKnapsack(12, 2, 11)
    const exact = await solve(m, { solver, timeLimitS: 30 })
    const r = await solve(m, { solver, timeLimitS: 30, mipGap: 0.05 })
    expect([exact.status, r.status], JSON.stringify(r)).toEqual(['optimal', 'optimal'])
    expect(checkSolution(m, r.values)).toEqual([])
    expect(r.gap!, JSON.stringify(r)).toBeLessThanOrEqual(0.05 + 1e-9)
    // Maximising: the reported bound must be at least the true optimum, and the incumbent at most.
    expect(r.bestBound!).toBeGreaterThanOrEqual(exact.objective! - 1e-6)
    expect(r.objective!).toBeLessThanOrEqual(exact.objective! + 1e-6)
  })
})
