import { importDnnPartitioning, InvalidValueError, type PlacementProblem } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { placePipeDream } from './place-pipedream.js'
import { planPipeDream } from './pipedream-dp.js'
import type { PipeDreamLayer } from './types.js'

/** placement.md §3.4 tiny oracle: L1 (3+3 ms, 1e6 B of weights) → L2 (2+2 ms) → L3 (1+1 ms), activations 5e6 B. */
const oracle: PipeDreamLayer[] = [
  { nodes: ['L1'], computeTime: 0.006, parameterBytes: 1e6, activationBytes: 5e6 },
  { nodes: ['L2'], computeTime: 0.004, parameterBytes: 0, activationBytes: 5e6 },
  { nodes: ['L3'], computeTime: 0.002, parameterBytes: 0, activationBytes: 5e6 },
]
const twoGpus = [{ count: 2, bandwidthBytesPerS: 1e9 }]

describe('planPipeDream: placement.md §3.4 oracle (-n 2 -b 1e9)', () => {
  it('transfers ignored (the reference default): 0.006 s, [L1] | [L2, L3], no replication', () => {
    const plan = planPipeDream(oracle, twoGpus)
    expect(plan.objective).toBeCloseTo(0.006, 15)
    expect(plan.stages).toEqual([
      { firstLayer: 0, lastLayer: 0, replication: 1, time: 0.006 },
      { firstLayer: 1, lastLayer: 2, replication: 1, time: 0.006 },
    ])
  })
  it('transfers included (ratio 1): 0.007 s, one stage replicated twice = (0.012 + 4·1e6/(1e9·2)) / 2', () => {
    const plan = planPipeDream(oracle, twoGpus, { communication: 'included' })
    expect(plan.objective).toBeCloseTo(0.007, 15)
    expect(plan.stages).toEqual([{ firstLayer: 0, lastLayer: 2, replication: 2, time: plan.objective }])
  })
  it('two levels (2 GPUs per server × 2 servers): the top level splits over servers, each split again', () => {
    const layers: PipeDreamLayer[] = [4, 4, 4, 4].map((t, i) => ({
      nodes: [`${i}`],
      computeTime: t,
      parameterBytes: 0,
      activationBytes: 0,
    }))
    const plan = planPipeDream(layers, [
      { count: 2, bandwidthBytesPerS: 1e9 },
      { count: 2, bandwidthBytesPerS: 1e8 },
    ])
    // no weights: four one-layer stages (or replicas) of 4 on four devices → 16 / 4 = 4
    expect(plan.objective).toBeCloseTo(4, 12)
    expect(plan.stages.reduce((s, st) => s + st.replication, 0)).toBe(4)
  })
  it('rejects a zero-unit level and a negative layer time', () => {
    expect(() => planPipeDream(oracle, [{ count: 0, bandwidthBytesPerS: 1 }])).toThrow(InvalidValueError)
    expect(() => planPipeDream([{ ...oracle[0]!, computeTime: -1 }], twoGpus)).toThrow(InvalidValueError)
  })
})

/**
 * Brute force on one level: every split of the chain into stages and every replication vector with Σ r = N
 * (or ≤ N), stage time (C + 4(r−1)W/(B·r))/r, plus 2·act/(B·r) on each cut when transfers are included.
 */
function bruteForce(
  layers: readonly PipeDreamLayer[],
  N: number,
  B: number,
  opts: { fewer: boolean; comm: boolean; straight: boolean },
): number {
  const n = layers.length
  let best = Number.POSITIVE_INFINITY
  const go = (start: number, used: number, worst: number): void => {
    if (start === n) {
      if (used === N || (opts.fewer && used <= N)) best = Math.min(best, worst)
      return
    }
    for (let end = start; end < n; end++) {
      let C = 0
      let W = 0
      for (let i = start; i <= end; i++) {
        C += layers[i]!.computeTime
        W += layers[i]!.parameterBytes
      }
      for (let r = 1; used + r <= N; r++) {
        if (opts.straight && r > 1) break
        let t = (C + (4 * (r - 1) * W) / (B * r)) / r
        if (opts.comm && start > 0) t = Math.max(t, (2 * layers[start - 1]!.activationBytes) / (B * r))
        if (opts.comm && start > 0 && end < n - 1)
          t = Math.max(t, (2 * layers[end]!.activationBytes) / (B * r))
        go(end + 1, used + r, Math.max(worst, t))
      }
    }
  }
  go(0, 0, 0)
  return best
}

describe('planPipeDream = brute force over stage splits on small chains', () => {
  // deterministic pseudo-random chains (no fast-check shrinking needed for a pure function this small)
  let seed = 12345
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + Math.floor(rand() * 5)
    const N = 1 + Math.floor(rand() * 4)
    const B = [1e3, 1e4, 1e5][Math.floor(rand() * 3)]!
    const layers: PipeDreamLayer[] = Array.from({ length: n }, (_, i) => ({
      nodes: [`${i}`],
      computeTime: Math.floor(rand() * 10) + 1,
      parameterBytes: Math.floor(rand() * 3) * 1e4,
      activationBytes: Math.floor(rand() * 3) * 1e4,
    }))
    const opts = { fewer: rand() < 0.5, comm: rand() < 0.5, straight: rand() < 0.3 }
    it(`chain ${trial}: ${n} layers on ${N} devices ${JSON.stringify(opts)}`, () => {
      const plan = planPipeDream(layers, [{ count: N, bandwidthBytesPerS: B }], {
        useFewerMachines: opts.fewer,
        communication: opts.comm ? 'included' : 'ignored',
        straight: opts.straight,
      })
      const expected = bruteForce(layers, N, B, opts)
      if (!Number.isFinite(expected)) expect(plan.objective).toBeNull()
      else expect(plan.objective!).toBeCloseTo(expected, 9)
      if (plan.objective !== null) {
        // the stages tile the chain and use at most N devices
        expect(plan.stages[0]!.firstLayer).toBe(0)
        expect(plan.stages.at(-1)!.lastLayer).toBe(n - 1)
        expect(plan.stages.reduce((s, st) => s + st.replication, 0)).toBeLessThanOrEqual(N)
        expect(Math.max(...plan.stages.map((s) => s.time))).toBeLessThanOrEqual(plan.objective + 1e-9)
      }
    })
  }
})

describe('placePipeDream on placement problems', () => {
  const diamond: PlacementProblem = importDnnPartitioning({
    maxSizePerFPGA: 100,
    maxFPGAs: 2,
    maxCPUs: 0,
    nodes: [2, 3, 4, 1].map((lat, i) => ({
      id: i + 1,
      supportedOnFpga: 1,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: 0,
    })),
    edges: [
      { sourceId: 1, destId: 2, cost: 1 },
      { sourceId: 1, destId: 3, cost: 1 },
      { sourceId: 2, destId: 4, cost: 0.5 },
      { sourceId: 3, destId: 4, cost: 0.5 },
    ],
  })
  it('linearises a DAG by topological order and says so; stages tile the chain', () => {
    const r = placePipeDream(diamond)
    expect(r.method).toBe('pipedream')
    expect(r.notes).toContain(
      'the graph is not a chain of layers: it was linearised by topological order of its co-location classes',
    )
    // chain 1,2,3,4 with times 2,3,4,1 (no weights, free transfers) on 2 devices: data parallel 10/2 = 5
    expect(r.objective).toBe(5)
    expect(r.devices).toEqual([{ kind: 'accelerator', nodes: ['1', '2', '3', '4'], load: 5, replication: 2 }])
  })
  it('a straight pipeline on the same chain: [1,2] | [3,4] = 5', () => {
    const r = placePipeDream(diamond, { straight: true })
    expect(r.objective).toBe(5)
    expect(r.devices.map((d) => d.nodes)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ])
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})
