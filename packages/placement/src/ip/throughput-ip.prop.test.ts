import type { PlacementProblem } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { placeMaxLoadDp } from '../max-load-dp.js'
import { placeIp, placeIpNonContiguous } from './throughput-ip.js'

/** Random inference DAG on ≤ 6 nodes (edges low → high index), ≤ 3 devices with at most one CPU core. */
const arbInstance = (chain: boolean) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 6 }),
      acceleratorCount: fc.integer({ min: 1, max: 3 }),
      cpuCount: fc.integer({ min: 0, max: 1 }),
      memoryBytes: fc.integer({ min: 2, max: 10 }),
      seedEdges: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 10 }),
      acc: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 6, maxLength: 6 }),
      cpu: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 6, maxLength: 6 }),
      size: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 6 }),
      cost: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 6 }),
      supported: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    })
    .map((x): PlacementProblem => {
      const seen = new Set<string>()
      const edges = x.seedEdges.filter(
        ([a, b]) => a < b && b < x.n && !seen.has(`${a},${b}`) && seen.add(`${a},${b}`) !== undefined,
      )
      const pairs = chain ? Array.from({ length: x.n - 1 }, (_, i) => [i, i + 1] as const) : edges
      const all = pairs.map(([a, b]) => ({ from: `${a}`, to: `${b}`, transferTime: x.cost[a]! / 2 }))
      return {
        schemaVersion: 1,
        format: 'dnnperf',
        timeUnit: 'unspecified',
        resources: {
          acceleratorCount: x.acceleratorCount,
          cpuCount: x.cpuCount,
          acceleratorMemoryBytes: x.memoryBytes,
        },
        nodes: Array.from({ length: x.n }, (_, i) => ({
          id: `${i}`,
          role: 'forward' as const,
          timeByDevice: { accelerator: x.acc[i]!, cpu: x.cpu[i]! },
          memoryBytes: x.size[i]!,
          acceleratorSupported: x.supported[i]!,
        })),
        edges: all,
      }
    })

/**
 * True when the devices' quotient graph (an edge d → d′ for each problem edge between devices) has a cycle: such
 * a split has contiguous devices, yet no pipeline order, so the DP (a chain of ideals) cannot produce it.
 */
function quotientHasCycle(problem: PlacementProblem, devices: ReadonlyArray<{ nodes: readonly string[] }>) {
  const deviceOf = new Map<string, number>()
  devices.forEach((d, i) => {
    for (const id of d.nodes) deviceOf.set(id, i)
  })
  const succ = devices.map(() => new Set<number>())
  for (const e of problem.edges) {
    const a = deviceOf.get(e.from)!
    const b = deviceOf.get(e.to)!
    if (a !== b) succ[a]!.add(b)
  }
  const state = new Uint8Array(devices.length) // 0 new, 1 on stack, 2 done
  const visit = (d: number): boolean => {
    state[d] = 1
    for (const t of succ[d]!) if (state[t] === 1 || (state[t] === 0 && visit(t))) return true
    state[d] = 2
    return false
  }
  return devices.some((_, d) => state[d] === 0 && visit(d))
}

describe('throughput IPs on random small instances', () => {
  it('chains: the contiguous IP optimum equals the DP optimum', async () => {
    await fc.assert(
      fc.asyncProperty(arbInstance(true), async (problem) => {
        const dp = placeMaxLoadDp(problem)
        const ip = await placeIp(problem, { timeLimitS: 20 })
        expect(ip.status).toBe(dp.objective === null ? 'infeasible' : 'optimal')
        if (dp.objective === null) expect(ip.objective).toBeNull()
        else expect(ip.objective!).toBeCloseTo(dp.objective, 9)
      }),
      { numRuns: 12 },
    )
  }, 60_000)
  it('DAGs: non-contiguous IP ≤ contiguous IP ≤ DP, and the IP beats the DP only with a cyclic device order', async () => {
    await fc.assert(
      fc.asyncProperty(arbInstance(false), async (problem) => {
        const dp = placeMaxLoadDp(problem)
        const ip = await placeIp(problem, { timeLimitS: 20 })
        const free = await placeIpNonContiguous(problem, { timeLimitS: 20 })
        if (dp.objective !== null) {
          expect(ip.status).toBe('optimal')
          expect(ip.objective!).toBeLessThanOrEqual(dp.objective + 1e-9)
          if (ip.objective! < dp.objective - 1e-9) expect(quotientHasCycle(problem, ip.devices)).toBe(true)
        }
        if (ip.objective !== null) {
          expect(free.status).toBe('optimal')
          expect(free.objective!).toBeLessThanOrEqual(ip.objective + 1e-9)
        }
      }),
      { numRuns: 20 },
    )
  }, 60_000)
})
