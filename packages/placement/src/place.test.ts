import { importDnnPartitioning } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { MethodUnavailableError } from './errors.js'
import { place } from './place.js'

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
