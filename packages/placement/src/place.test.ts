import { importDnnPartitioning } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { MethodUnavailableError } from './errors.js'
import { place, placeAsync } from './place.js'

const chain = importDnnPartitioning({
  maxSizePerFPGA: 100,
  maxFPGAs: 2,
  maxCPUs: 0,
  nodes: [4, 1, 1, 4].map((lat, i) => ({
    id: i,
    supportedOnFpga: 1,
    cpuLatency: 40,
    fpgaLatency: lat,
    isBackwardNode: 0,
  })),
  edges: [0, 1, 2].map((i) => ({ sourceId: i, destId: i + 1, cost: 0.25 })),
})

describe('place', () => {
  it('dispatches to the DP by default: chain 4,1,1,4 on 2 accelerators = 5 + 0.25', () => {
    const r = place(chain)
    expect(r).toMatchObject({ method: 'dp', status: 'optimal', objective: 5.25 })
    expect(JSON.parse(JSON.stringify(r))).toEqual(r) // plain JSON
  })
  it('runs the baselines', () => {
    expect(place(chain, { method: 'single-device' }).objective).toBe(10)
    expect(place(chain, { method: 'greedy' }).objective).toBe(5.25)
  })
  it('refuses methods it does not have', () => {
    expect(() => place(chain, { method: 'ip' })).toThrow(MethodUnavailableError)
    expect(() => place(chain, { objective: 'latency' })).toThrow(
      expect.objectContaining({ code: 'METHOD_UNAVAILABLE' }),
    )
  })
})

describe('placeAsync', () => {
  it('covers every method: dp, greedy, ip, ip-noncontiguous, pipedream, and the latency IP', async () => {
    expect((await placeAsync(chain)).objective).toBe(5.25)
    expect((await placeAsync(chain, { method: 'greedy' })).objective).toBe(5.25)
    const ip = await placeAsync(chain, { method: 'ip', timeLimitS: 20 })
    expect(ip).toMatchObject({ method: 'ip', status: 'optimal', objective: 5.25 })
    const free = await placeAsync(chain, { method: 'ip-noncontiguous', timeLimitS: 20 })
    expect(free).toMatchObject({ method: 'ip-noncontiguous', objective: 5.25 })
    // PipeDream ignores transfers by default: 4+1 | 1+4 or data parallel over 10 → 5
    expect((await placeAsync(chain, { method: 'pipedream' })).objective).toBe(5)
    // latency on one chain of accelerators: everything on one accelerator, 10, beats any CPU use (40 per node)
    const latency = await placeAsync(chain, { method: 'ip', objective: 'latency', timeLimitS: 20 })
    expect(latency).toMatchObject({ method: 'ip', objectiveKind: 'latency', objective: 10 })
  })
  it('refuses pairs that do not exist', async () => {
    await expect(placeAsync(chain, { method: 'dp', objective: 'latency' })).rejects.toThrow(
      MethodUnavailableError,
    )
    await expect(placeAsync(chain, { method: 'linear-dp' })).rejects.toThrow(MethodUnavailableError)
  })
})
