import { importDnnPartitioning, type JsonValue } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { placeGreedy, placeSingleDevice } from './baselines.js'
import { placeMaxLoadDp } from './max-load-dp.js'

/** placement.md §1.10 instance A with ℓ CPUs. */
const diamond = (maxCPUs: number, M = 10): JsonValue => ({
  maxSizePerFPGA: M,
  maxFPGAs: 2,
  maxCPUs,
  nodes: [2, 3, 4, 1].map((lat, i) => ({
    id: i + 1,
    supportedOnFpga: 1,
    cpuLatency: 100,
    fpgaLatency: lat,
    isBackwardNode: 0,
    size: 1,
  })),
  edges: [
    { sourceId: 1, destId: 2, cost: 1 },
    { sourceId: 1, destId: 3, cost: 1 },
    { sourceId: 2, destId: 4, cost: 0.5 },
    { sourceId: 3, destId: 4, cost: 0.5 },
  ],
})

describe('placeSingleDevice', () => {
  it('puts the diamond on one accelerator: 10, no communication', () => {
    const r = placeSingleDevice(importDnnPartitioning(diamond(1)))
    expect(r).toMatchObject({ objective: 10, method: 'single-device', status: 'feasible' })
    expect(r.devices).toEqual([{ kind: 'accelerator', nodes: ['1', '2', '3', '4'], load: 10 }])
    // lower bound: total accelerator work 10 over 2 accelerators + 1 CPU worth 1/25 of one (node 3: 100/4)
    expect(r.bestBound).toBeCloseTo(10 / (2 + 1 / 25), 12)
    expect(r.gap).toBeCloseTo((10 - r.bestBound!) / 10, 12)
  })
  it('falls back to the CPU when memory is too small: 400', () => {
    const r = placeSingleDevice(importDnnPartitioning(diamond(1, 3)))
    expect(r.objective).toBe(400)
    expect(r.devices[0]!.kind).toBe('cpu')
  })
  it('is infeasible with neither', () => {
    expect(placeSingleDevice(importDnnPartitioning(diamond(0, 3))).status).toBe('infeasible')
  })
})

describe('placeGreedy', () => {
  it('splits the diamond in topological order at half the work: {1,2} | {3,4} = 6.5', () => {
    const r = placeGreedy(importDnnPartitioning(diamond(0)))
    expect(r.objective).toBe(6.5)
    expect(r.devices.map((d) => d.nodes)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ])
  })
  it('is never better than the DP', () => {
    for (const M of [3, 4, 10]) {
      const p = importDnnPartitioning(diamond(1, M))
      const g = placeGreedy(p)
      const dp = placeMaxLoadDp(p)
      if (g.objective !== null) expect(g.objective).toBeGreaterThanOrEqual(dp.objective!)
    }
  })
})
