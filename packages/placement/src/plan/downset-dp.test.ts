import { importPiper, isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'

/** Piper's tiny oracle (placement reference §2.4): nodes 10 → 11, edge 0.5 bytes, bandwidth 1. */
function tiny(K: number, N: number, M: number) {
  const tmpc = (
    id: string,
    p: number,
    w: number,
    a: number,
    b: number,
    fw: Record<string, number>,
    bw: Record<string, number>,
  ) => ({
    id,
    timePerSample: p,
    parameterSize: w,
    memoryUsageA: a,
    memoryUsageB: b,
    syncTimeFw: fw,
    syncTimeBw: bw,
  })
  return importPiper(
    JSON.stringify({
      maxMemoryPerDevice: M,
      maxDevices: K,
      mbsInBatch: N,
      bandwidth: 1,
      nodes: [
        {
          id: 10,
          TMPCs: {
            '1': [
              tmpc('vanilla', 4, 2, 1, 0, {}, { '11': 0 }),
              tmpc('activation recomp', 6, 2, 0.25, 0.5, {}, { '11': 0 }),
            ],
          },
        },
        { id: 11, TMPCs: { '1': [tmpc('vanilla', 2, 2, 1, 0, { '10': 0 }, {})] } },
      ],
      edges: [{ sourceId: 10, destId: 11, communicationCost: 0.5 }],
    }),
  )
}

describe("planDownsetDp on Piper's tiny oracle (§2.4)", () => {
  it('K = 2, N = 2, M = 100: 5, two stages of d = 1', () => {
    const r = planDownsetDp(tiny(2, 2, 100))
    expect(r.status).toBe('optimal')
    expect(r.objectiveS).toBeCloseTo(5, 12)
    expect(r.stages.map((s) => [s.nodes, s.dataParallel, s.configIds])).toEqual([
      [['10'], 1, ['vanilla']],
      [['11'], 1, ['vanilla']],
    ])
    expect(r.stages[0]!.inFlightMicrobatches).toBe(2)
    expect(r.stages[1]!.timePerSampleS).toBeCloseTo(3, 12)
  })

  it('K = 2, N = 2, M = 1.5: 7, the first stage recomputes', () => {
    const r = planDownsetDp(tiny(2, 2, 1.5))
    expect(r.objectiveS).toBeCloseTo(7, 12)
    expect(r.stages[0]!.configIds).toEqual(['activation recomp'])
    expect(r.stages[0]!.memoryBytes).toBeCloseTo(1, 12)
    expect(r.stages[1]!.configIds).toEqual(['vanilla'])
  })

  it('K = 4, N = 4, M = 100: 3.5 with d = 2 on the first stage, using 3 devices', () => {
    const r = planDownsetDp(tiny(4, 4, 100))
    expect(r.objectiveS).toBeCloseTo(3.5, 12)
    expect(r.stages.map((s) => s.dataParallel)).toEqual([2, 1])
    expect(r.devicesUsed).toBe(3)
    expect(r.dataParallelSum).toBe(3)
    expect(r.stages[0]!.inFlightMicrobatches).toBe(2)
  })

  it('infeasible when even the smallest configurations overflow memory', () => {
    const r = planDownsetDp(tiny(2, 2, 0.5))
    expect(r.status).toBe('infeasible')
    expect(r.objectiveS).toBeNull()
    expect(r.stages).toEqual([])
  })

  it('a problem without resources or Piper configurations is rejected with the field', () => {
    const p = tiny(2, 2, 100)
    try {
      planDownsetDp({ ...p, resources: { ...p.resources, bandwidthBytesPerS: 0 } })
      expect.unreachable()
    } catch (e) {
      expect(isDnnperfError(e)).toBe(true)
      expect((e as { field: string }).field).toBe('resources.bandwidthBytesPerS')
    }
    expect(() => planDownsetDp({ ...p, nodes: p.nodes.map((v) => ({ id: v.id, role: v.role })) })).toThrow(
      /tensorParallel/,
    )
  })
})
