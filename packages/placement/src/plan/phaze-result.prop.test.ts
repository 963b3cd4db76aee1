/**
 * PHAZE solver inputs through the downset DP: on small random layer DAGs the optimum equals brute force over every
 * chain of successor-closed sets with every width and data-parallel degree per stage, scored by an independent
 * transcription of the PHAZE → Piper reading (time F + B per microbatch, memory A per microbatch in flight +
 * (2 + [Adam])·P, edge bytes per width); and export → import keeps the optimum and PHAZE's output.
 */
import { exportPhaze, importPhaze } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'
import { exportDownsetDpResult } from './phaze-result.js'

interface Rec {
  f: number
  b: number
  p: number
  a: number
}
interface Instance {
  n: number
  edges: { u: number; v: number; c1: number; c2: number }[]
  w1: Rec[]
  w2: Rec[]
  K: number
  N: number
  M: number
  B: number
  adam: boolean
  recompute: boolean
}

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true })
const rec = fc.record({ f: num(0.1, 5), b: num(0.1, 10), p: num(0, 4), a: num(0, 2) })
const instance: fc.Arbitrary<Instance> = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: n - 1 }),
          fc.integer({ min: 0, max: n - 1 }),
          num(0, 2),
          num(0, 2),
        ),
        {
          maxLength: 7,
        },
      )
      .map((es) => {
        const seen = new Set<string>()
        const out: Instance['edges'] = []
        for (const [x, y, c1, c2] of es) {
          const u = Math.min(x, y)
          const v = Math.max(x, y)
          if (u === v || seen.has(`${u},${v}`)) continue
          seen.add(`${u},${v}`)
          out.push({ u, v, c1, c2 })
        }
        return out
      }),
    w1: fc.array(rec, { minLength: n, maxLength: n }),
    w2: fc.array(rec, { minLength: n, maxLength: n }),
    K: fc.integer({ min: 1, max: 4 }),
    N: fc.integer({ min: 1, max: 4 }),
    M: num(1, 40),
    B: num(0.5, 4),
    adam: fc.boolean(),
    recompute: fc.boolean(),
  }),
)

function toJson(x: Instance): string {
  const nodes = (rs: readonly Rec[], tp: boolean) =>
    rs.map((r, id) => ({
      id,
      parameterSize: r.p,
      activationSize: r.a,
      optimalLatencyFw: r.f,
      optimalLatencyBw: r.b,
      isTensorParallelized: tp,
    }))
  const edges = (key: 'c1' | 'c2') =>
    x.edges.map((e) => ({ sourceId: e.u, destId: e.v, communicationCost: e[key] }))
  return JSON.stringify({
    maxMemoryPerDevice: x.M,
    maxDevices: x.K,
    bandwidth: x.B,
    mbsInBatch: x.N,
    nodes: { '1': nodes(x.w1, false), '2': nodes(x.w2, true) },
    edges: { '1': edges('c1'), '2': edges('c2') },
    activationRecomputation: x.recompute,
    optimizerAlgorithm: x.adam ? 'Adam' : 'SGD',
  })
}

/** The optimum over every contiguous split, width and degree, one (stashing) configuration per node. */
function bruteForce(x: Instance): number {
  const all = (1 << x.n) - 1
  const closed = (mask: number) => x.edges.every((e) => !(mask & (1 << e.u)) || (mask & (1 << e.v)) !== 0)
  const S = Math.min(x.N, x.K)
  const stageTps = (mask: number, t: number, d: number, y: number): number => {
    let tps = 0
    let mem = 0
    for (let v = 0; v < x.n; v++) {
      if (!(mask & (1 << v))) continue
      const r = (t === 1 ? x.w1 : x.w2)[v]!
      let edge = 0
      for (const e of x.edges) {
        const inU = (mask & (1 << e.u)) !== 0
        const inV = (mask & (1 << e.v)) !== 0
        if (inU !== inV && (e.u === v || e.v === v)) edge += 2 * (t === 1 ? e.c1 : e.c2)
      }
      tps += (edge / d + (4 * (d - 1) * r.p) / (d * x.N)) / x.B + (r.f + r.b) / d
      mem += r.a * y + (x.adam ? 3 : 2) * r.p
    }
    return mem > x.M ? Number.POSITIVE_INFINITY : tps
  }
  let best = Number.POSITIVE_INFINITY
  const recurse = (rest: number, stages: { mask: number; t: number; d: number }[]) => {
    if (rest === 0) {
      if (stages.reduce((a, s) => a + s.t * s.d, 0) > x.K) return
      let later = stages.reduce((a, s) => a + s.d, 0)
      if (later > S) return
      let worst = 0
      for (const s of stages) {
        worst = Math.max(worst, stageTps(s.mask, s.t, s.d, Math.ceil(later / s.d)))
        later -= s.d
      }
      best = Math.min(best, worst)
      return
    }
    for (let tail = 0; tail < rest; tail++) {
      if ((tail & rest) !== tail || !closed(tail)) continue
      for (const t of [1, 2])
        for (let d = 1; d <= S; d++)
          if (x.N % d === 0) recurse(tail, [...stages, { mask: rest & ~tail, t, d }])
    }
  }
  recurse(all, [])
  return best
}

describe('planDownsetDp on PHAZE solver inputs', () => {
  it('equals brute force without recomputation (or both infeasible)', () => {
    fc.assert(
      fc.property(instance, (x0) => {
        const x = { ...x0, recompute: false }
        const r = planDownsetDp(importPhaze(toJson(x)))
        const bf = bruteForce(x)
        if (!Number.isFinite(bf)) {
          expect(r.status).toBe('infeasible')
          return
        }
        expect(r.status).toBe('optimal')
        expect(r.objectiveS!).toBeCloseTo(bf, 9)
      }),
      { numRuns: 300 },
    )
  })

  it('recomputation never makes the optimum worse (it only adds configurations)', () => {
    fc.assert(
      fc.property(instance, (x) => {
        const without = planDownsetDp(importPhaze(toJson({ ...x, recompute: false })))
        const withR = planDownsetDp(importPhaze(toJson({ ...x, recompute: true })))
        // Piper's knapsack is a heuristic, but with all-fastest feasible it picks all-fastest: never worse then.
        if (without.status === 'optimal') {
          expect(withR.status).toBe('optimal')
          expect(withR.objectiveS!).toBeLessThanOrEqual(without.objectiveS! * (1 + 1e-12))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('export → import keeps the optimum; the PHAZE output covers every node once within the devices', () => {
    fc.assert(
      fc.property(instance, (x) => {
        const p = importPhaze(toJson(x))
        const back = importPhaze(JSON.stringify(exportPhaze(p)))
        const a = planDownsetDp(p)
        const b = planDownsetDp(back)
        expect(b.objectiveS).toBe(a.objectiveS)
        const out = exportDownsetDpResult(b, back)
        expect(out).toEqual(exportDownsetDpResult(a, p))
        if (a.status !== 'optimal') {
          expect(out.stages).toEqual([])
          expect(out.finalTimePerBatch).toBe(1e30)
          return
        }
        expect(out.stages.flatMap((s) => s.nodes).sort((u, v) => u - v)).toEqual(x.w1.map((_, i) => i))
        const devices = out.stages.reduce((acc, s) => acc + s.devicesForStage * s.dataParallelDegree, 0)
        expect(devices).toBeLessThanOrEqual(x.K)
        expect(out.finalTimePerBatch).toBeGreaterThanOrEqual(a.objectiveS! * x.N)
      }),
      { numRuns: 200 },
    )
  })
})
