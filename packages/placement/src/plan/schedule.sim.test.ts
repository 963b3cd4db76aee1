/**
 * An independent check of the closed-form pipeline time: a small event simulation of GPipe and 1F1B (each stage
 * runs its forward/backward ops in schedule order; F(i, s) waits for F(i, s−1), B(i, s) for B(i, s+1) or, on the
 * last stage, for F(i, s)). On uniform stages both must take exactly (m + p − 1)·(t_f + t_b) (SC21 §2.2.1); on
 * non-uniform stages the closed form is an approximation whose error envelope is measured here (seeded).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipelineTimeS } from './schedule.js'

type Op = { kind: 'F' | 'B'; mb: number }

function stageOrder(schedule: 'gpipe' | '1f1b', p: number, m: number, s: number): Op[] {
  const ops: Op[] = []
  if (schedule === 'gpipe') {
    for (let i = 0; i < m; i++) ops.push({ kind: 'F', mb: i })
    for (let i = 0; i < m; i++) ops.push({ kind: 'B', mb: i })
    return ops
  }
  const warmup = Math.min(p - s - 1, m)
  let f = 0
  let b = 0
  for (; f < warmup; f++) ops.push({ kind: 'F', mb: f })
  while (f < m) {
    ops.push({ kind: 'F', mb: f++ })
    ops.push({ kind: 'B', mb: b++ })
  }
  while (b < m) ops.push({ kind: 'B', mb: b++ })
  return ops
}

function simulate(schedule: 'gpipe' | '1f1b', p: number, m: number, tf: number[], tb: number[]): number {
  const orders = Array.from({ length: p }, (_, s) => stageOrder(schedule, p, m, s))
  const next = new Array<number>(p).fill(0)
  const free = new Array<number>(p).fill(0)
  const fEnd = Array.from({ length: p }, () => new Array<number>(m).fill(Number.NaN))
  const bEnd = Array.from({ length: p }, () => new Array<number>(m).fill(Number.NaN))
  let progressed = true
  while (progressed) {
    progressed = false
    for (let s = 0; s < p; s++) {
      const op = orders[s]![next[s]!]
      if (op === undefined) continue
      const dep =
        op.kind === 'F'
          ? s === 0
            ? 0
            : fEnd[s - 1]![op.mb]!
          : s === p - 1
            ? fEnd[s]![op.mb]!
            : bEnd[s + 1]![op.mb]!
      if (Number.isNaN(dep)) continue
      const end = Math.max(free[s]!, dep) + (op.kind === 'F' ? tf[s]! : tb[s]!)
      ;(op.kind === 'F' ? fEnd : bEnd)[s]![op.mb] = end
      free[s] = end
      next[s] = next[s]! + 1
      progressed = true
    }
  }
  for (let s = 0; s < p; s++) expect(next[s]).toBe(2 * m) // no deadlock
  return Math.max(...free)
}

describe('closed-form pipeline time vs an event simulation', () => {
  it('uniform stages: GPipe and 1F1B both take (m + p − 1)(t_f + t_b)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (p, m, f, b) => {
          const tf = new Array<number>(p).fill(f)
          const tb = new Array<number>(p).fill(b)
          const closed = pipelineTimeS('1f1b', new Array<number>(p).fill(f + b), m).totalS
          expect(simulate('1f1b', p, m, tf, tb)).toBe(closed)
          expect(simulate('gpipe', p, m, tf, tb)).toBe(closed)
          expect(closed).toBe((m + p - 1) * (f + b))
        },
      ),
    )
  })

  it('non-uniform stages: Σ T + (m − 1)·max T is an approximation; measure its error envelope', () => {
    const envelope = (spread: number) => {
      let worst = 1
      let best = 1
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 1, max: 50 }),
          fc.array(
            fc.tuple(
              fc.double({ min: 1, max: 1 + spread, noNaN: true }),
              fc.double({ min: 1, max: 1 + spread, noNaN: true }),
            ),
            {
              minLength: 1,
              maxLength: 8,
            },
          ),
          fc.integer({ min: 1, max: 24 }),
          (f, b, scale, m) => {
            const tf = scale.map(([x]) => f * x)
            const tb = scale.map(([, y]) => b * y)
            const closed = pipelineTimeS(
              '1f1b',
              tf.map((x, j) => x + tb[j]!),
              m,
            ).totalS
            const sim = simulate('1f1b', scale.length, m, tf, tb)
            // Never faster than the busiest stage's own work.
            expect(sim).toBeGreaterThanOrEqual(m * Math.max(...tf.map((x, j) => x + tb[j]!)) * (1 - 1e-12))
            worst = Math.max(worst, sim / closed)
            best = Math.min(best, sim / closed)
          },
        ),
        { numRuns: 2000, seed: 7 },
      )
      return { worst, best }
    }
    // Stages within 10 % of each other (the evaluator's case: only the embedding and logits differ).
    const near = envelope(0.1)
    expect(near.worst).toBeLessThan(1.03)
    expect(near.best).toBeGreaterThan(0.97)
    // Arbitrary imbalance (up to 50× between stages, forward and backward independent): much looser.
    const wild = envelope(49)
    expect(wild.worst).toBeLessThan(1.25)
    expect(wild.best).toBeGreaterThan(0.7)
  })
})
