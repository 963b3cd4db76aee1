import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { importDnnPartitioning, type JsonValue } from '@dnnperf/ir'
import { instanceA, sorted } from '../testing/worked-examples.js'
import { describe, expect, it } from 'vitest'
import { evaluateSplit } from '../evaluate-split.js'
import { placeMaxLoadDp } from '../max-load-dp.js'
import { placeIp, placeIpNonContiguous } from './throughput-ip.js'

/** placement.md §1.10 instance B (training chain with stash edges, classes {fi, bi}). */
const instanceB: JsonValue = {
  maxSizePerFPGA: 1000,
  maxFPGAs: 2,
  maxCPUs: 0,
  nodes: [
    ...[1, 2, 1].map((lat, i) => ({
      id: i + 1,
      supportedOnFpga: 1,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: 0,
      colorClass: i + 1,
    })),
    ...[2, 4, 2].map((lat, i) => ({
      id: 11 + i,
      supportedOnFpga: 1,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: 1,
      colorClass: i + 1,
    })),
  ],
  edges: [
    { sourceId: 1, destId: 2, cost: 0.5 },
    { sourceId: 2, destId: 3, cost: 0.5 },
    { sourceId: 1, destId: 11, cost: 0.5 },
    { sourceId: 2, destId: 12, cost: 0.5 },
    { sourceId: 3, destId: 13, cost: 0.25 },
    { sourceId: 13, destId: 12, cost: 0.25 },
    { sourceId: 12, destId: 11, cost: 0.5 },
  ],
}

describe('placeIp: placement.md §1.10 worked examples', () => {
  it('A1 on HiGHS and glpk: 6.5 with {1,2} | {3,4}, proved optimal', async () => {
    for (const solver of ['highs', 'glpk'] as const) {
      const r = await placeIp(importDnnPartitioning(instanceA()), { solver, timeLimitS: 20 })
      expect(r).toMatchObject({
        objective: 6.5,
        method: 'ip',
        status: 'optimal',
        bestBound: 6.5,
        gap: 0,
        solver,
        objectiveKind: 'throughput',
      })
      expect(sorted(r.devices)).toEqual(['accelerator:1,2=6.5', 'accelerator:3,4=6.5'])
      expect(r.devices[0]!.nodes).toEqual(['1', '2']) // pipeline order
      expect(JSON.parse(JSON.stringify(r))).toEqual(r)
    }
  })
  it('A2 = 5.5 and A3 = 6.5 with a CPU core', async () => {
    const a2 = await placeIp(importDnnPartitioning(instanceA({ maxCPUs: 1, cpu1: 0.5 })), { timeLimitS: 20 })
    expect(a2.objective).toBe(5.5)
    expect(sorted(a2.devices)).toContain('cpu:1=0.5')
    const a3 = await placeIp(
      importDnnPartitioning(instanceA({ maxCPUs: 1, cpu1: 0.5, sizes: [1, 4, 1, 1], M: 4 })),
      { timeLimitS: 20 },
    )
    expect(a3.objective).toBe(6.5)
    expect(sorted(a3.devices)).toEqual(['accelerator:2=4.5', 'accelerator:3,4=6.5', 'cpu:1=0.5'])
  })
  it('A4 is infeasible contiguously, but 8.5 = {2} 4.5 | {1,3,4} 8.5 without contiguity', async () => {
    const a4 = importDnnPartitioning(instanceA({ cpu1: 0.5, sizes: [1, 4, 1, 1], M: 4 }))
    const contiguous = await placeIp(a4, { timeLimitS: 20 })
    expect(contiguous).toMatchObject({ objective: null, status: 'infeasible', devices: [] })
    const free = await placeIpNonContiguous(a4, { timeLimitS: 20 })
    expect(free).toMatchObject({ objective: 8.5, method: 'ip-noncontiguous', status: 'optimal' })
    expect(sorted(free.devices)).toEqual(['accelerator:1,3,4=8.5', 'accelerator:2=4.5'])
  })
  it('B (training, co-location): 9.75 = {f1,f2,b1,b2} | {f3,b3}', async () => {
    const r = await placeIp(importDnnPartitioning(instanceB), { timeLimitS: 20 })
    expect(r.objective).toBe(9.75)
    expect(sorted(r.devices)).toEqual(['accelerator:1,2,11,12=9.75', 'accelerator:3,13=3.75'])
  })
})

describe("placeIp: per-device contiguity is weaker than the DP's chain of ideals", () => {
  it('0→2 and 1→3 with 1, 2 CPU-only: IP 3 = acc{0,3} | cpu{1,2}, DP 4 (the two sets feed each other)', async () => {
    const problem = importDnnPartitioning({
      maxSizePerFPGA: 10,
      maxFPGAs: 1,
      maxCPUs: 1,
      nodes: [
        [1, true],
        [1, false],
        [2, false],
        [1, true],
      ].map(([cpu, supported], i) => ({
        id: i,
        supportedOnFpga: supported ? 1 : 0,
        cpuLatency: cpu as number,
        fpgaLatency: 1,
        isBackwardNode: 0,
      })),
      edges: [
        { sourceId: 1, destId: 3, cost: 0 },
        { sourceId: 0, destId: 2, cost: 0 },
      ],
    })
    expect(placeMaxLoadDp(problem).objective).toBe(4)
    const ip = await placeIp(problem, { timeLimitS: 20 })
    expect(ip.objective).toBe(3)
    expect(sorted(ip.devices)).toEqual(['accelerator:0,3=2', 'cpu:1,2=3'])
    expect(evaluateSplit(problem, { devices: ip.devices }).violations).toEqual([])
  })
})

const dataDir = resolve(import.meta.dirname, '../../../../../shared/data')
const tp = join(dataDir, 'placement/dnn-partitioning/throughput-inputs/LayerGraphs')

describe.skipIf(!existsSync(tp))(
  'placeIp on public layer graphs (needs ../shared/data; skipped without it)',
  () => {
    // two accelerators and the file's one CPU core: HiGHS proves these in about a second
    it.each(['bert24_inference', 'bert24_training', 'resnet50_inference'])(
      '%s with 2 accelerators: IP optimum = DP optimum',
      async (name) => {
        const problem = importDnnPartitioning(readFileSync(join(tp, `${name}.json`), 'utf8'))
        const dp = placeMaxLoadDp(problem, { acceleratorCount: 2 })
        const ip = await placeIp(problem, { acceleratorCount: 2, timeLimitS: 20 })
        expect(ip.status).toBe('optimal')
        expect(ip.objective!).toBeCloseTo(dp.objective!, 9)
        expect(ip.bestBound!).toBeGreaterThanOrEqual(dp.objective! * (1 - 1e-9))
        const check = evaluateSplit(problem, { devices: ip.devices }, { acceleratorCount: 2 })
        expect(check.feasible).toBe(true)
        expect(check.maxLoad).toBe(ip.objective)
      },
      30_000,
    )
    it('a time-limited solve stops with status timeLimit, the warm-start incumbent and a lower bound', async () => {
      const problem = importDnnPartitioning(readFileSync(join(tp, 'bert24_inference.json'), 'utf8'))
      const r = await placeIp(problem, { timeLimitS: 1.5 })
      expect(r.status).toBe('timeLimit')
      expect(r.objective).not.toBeNull()
      expect(r.objective!).toBeLessThanOrEqual(17.78990625 + 1e-9) // the DP optimum seeds the search
      expect(r.bestBound!).toBeGreaterThan(0)
      expect(r.bestBound!).toBeLessThanOrEqual(r.objective!)
      expect(r.gap!).toBeCloseTo((r.objective! - r.bestBound!) / r.objective!, 12)
    }, 30_000)
  },
)
