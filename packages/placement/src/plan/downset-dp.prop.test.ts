/**
 * The downset DP against brute force on small random layer DAGs: every chain of successor-closed sets (contiguous
 * stages), every width and data-parallel degree per stage, scored by an independent transcription of Piper's
 * stage time per sample and memory (one configuration per node and width, so no knapsack is involved).
 */
import type { PlacementProblem } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'

interface Cfg {
  p: number
  w: number
  a: number
  b: number
}
interface Instance {
  n: number
  edges: { u: number; v: number; c: number }[]
  cfg: { t1: Cfg; t2: Cfg | null }[]
  K: number
  N: number
  M: number
  B: number
}

const num = (max: number) => fc.double({ min: 0, max, noNaN: true })
const cfg = fc.record({ p: fc.double({ min: 0.1, max: 10, noNaN: true }), w: num(10), a: num(2), b: num(2) })
const instance: fc.Arbitrary<Instance> = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), num(2)), {
        maxLength: 7,
      })
      .map((es) => {
        const seen = new Set<string>()
        const out: { u: number; v: number; c: number }[] = []
        for (const [a, b, c] of es) {
          const u = Math.min(a, b)
          const v = Math.max(a, b)
          if (u === v || seen.has(`${u},${v}`)) continue
          seen.add(`${u},${v}`)
          out.push({ u, v, c })
        }
        return out
      }),
    cfg: fc.array(fc.record({ t1: cfg, t2: fc.option(cfg, { nil: null }) }), { minLength: n, maxLength: n }),
    K: fc.integer({ min: 1, max: 4 }),
    N: fc.integer({ min: 1, max: 4 }),
    M: fc.double({ min: 0.5, max: 20, noNaN: true }),
    B: fc.double({ min: 0.5, max: 4, noNaN: true }),
  }),
)

function toProblem(x: Instance): PlacementProblem {
  const tmpc = (c: Cfg) => ({
    id: 'only',
    timePerSampleS: c.p,
    parameterBytes: c.w,
    memoryBytesPerMicrobatch: c.a,
    memoryBytesFixed: c.b,
  })
  return {
    schemaVersion: 1,
    format: 'piper',
    timeUnit: 's',
    nodes: x.cfg.map((c, i) => ({
      id: String(i),
      role: 'forward',
      tensorParallel: c.t2 === null ? { '1': [tmpc(c.t1)] } : { '1': [tmpc(c.t1)], '2': [tmpc(c.t2)] },
    })),
    edges: x.edges.map((e) => ({ from: String(e.u), to: String(e.v), bytes: e.c })),
    resources: {
      acceleratorCount: x.K,
      acceleratorMemoryBytes: x.M,
      bandwidthBytesPerS: x.B,
      microbatchCount: x.N,
    },
  }
}

function bruteForce(x: Instance): number {
  const all = (1 << x.n) - 1
  const closed = (mask: number) => x.edges.every((e) => !(mask & (1 << e.u)) || (mask & (1 << e.v)) !== 0)
  const S = Math.min(x.N, x.K)
  const stageTps = (mask: number, t: number, d: number, y: number): number => {
    let tps = 0
    let mem = 0
    for (let v = 0; v < x.n; v++) {
      if (!(mask & (1 << v))) continue
      const c = t === 1 ? x.cfg[v]!.t1 : x.cfg[v]!.t2
      if (c === null) return Number.POSITIVE_INFINITY
      let edge = 0
      for (const e of x.edges) {
        const inU = (mask & (1 << e.u)) !== 0
        const inV = (mask & (1 << e.v)) !== 0
        if (inU !== inV && (e.u === v || e.v === v)) edge += 2 * e.c
      }
      tps += (edge / d + (4 * (d - 1) * c.w) / (d * x.N)) / x.B + c.p / d
      mem += c.a * y + c.b
    }
    return mem > x.M ? Number.POSITIVE_INFINITY : tps
  }
  let best = Number.POSITIVE_INFINITY
  // Stages first to last: `rest` is the successor-closed tail still to place.
  const rec = (rest: number, stages: { mask: number; t: number; d: number }[]) => {
    if (rest === 0) {
      const devices = stages.reduce((a, s) => a + s.t * s.d, 0)
      const sumD = stages.reduce((a, s) => a + s.d, 0)
      if (devices > x.K || sumD > S) return
      let worst = 0
      let later = sumD
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
        for (let d = 1; d <= S; d++) if (x.N % d === 0) rec(tail, [...stages, { mask: rest & ~tail, t, d }])
    }
  }
  rec(all, [])
  return best
}

describe('planDownsetDp equals brute force on small layer DAGs', () => {
  it('same optimum (or both infeasible)', () => {
    fc.assert(
      fc.property(instance, (x) => {
        const r = planDownsetDp(toProblem(x))
        const bf = bruteForce(x)
        if (!Number.isFinite(bf)) {
          expect(r.status).toBe('infeasible')
          return
        }
        expect(r.status).toBe('optimal')
        expect(r.objectiveS!).toBeCloseTo(bf, 9)
        // The reported plan is consistent: contiguous stages covering every node once, within the budgets.
        expect(r.stages.flatMap((s) => s.nodes).sort()).toEqual(x.cfg.map((_, i) => String(i)).sort())
        expect(r.devicesUsed).toBeLessThanOrEqual(x.K)
        expect(Math.max(...r.stages.map((s) => s.timePerSampleS))).toBeCloseTo(r.objectiveS!, 9)
        // Every smaller device budget is the brute-force optimum with that many devices.
        expect(r.optimumByDeviceBudget).toHaveLength(x.K)
        for (const { devices, objectiveS } of r.optimumByDeviceBudget) {
          const bfk = bruteForce({ ...x, K: devices })
          if (Number.isFinite(bfk)) expect(objectiveS!).toBeCloseTo(bfk, 9)
          else expect(objectiveS).toBeNull()
        }
        expect(r.optimumByDeviceBudget.at(-1)!.objectiveS!).toBeCloseTo(r.objectiveS!, 12)
      }),
      { numRuns: 300 },
    )
  })
})
