import { describe, expect, it } from 'vitest'
import { listPlanClusters, resolvePlanCluster } from './clusters.js'

describe('plan clusters', () => {
  it('resolve every preset to a device of the cost model', () => {
    expect(listPlanClusters()).toEqual(
      expect.arrayContaining(['dgx-a100', 'dgx-h100', 'dgx-h200', 'tpuv4-pod']),
    )
    for (const name of listPlanClusters()) {
      const c = resolvePlanCluster(name)
      expect(c.device.kind).toBe('accelerator')
      expect(c.intraNodeBandwidthBytesPerS).toBeGreaterThanOrEqual(c.interNodeBandwidthBytesPerS)
      expect(c.source).toBeTruthy()
    }
    const a = resolvePlanCluster('dgx-a100')
    expect(a.device.peakFlopPerS.bf16).toBe(312e12)
    expect(a.interNodeBandwidthBytesPerS).toBe(25e9)
    expect(resolvePlanCluster('dgx-h200').device.offChip.capacityBytes).toBe(141e9)
  })

  it('accept user JSON with a device preset and fill latencies', () => {
    const c = resolvePlanCluster({
      device: 'h100-sxm',
      devicesPerNode: 4,
      intraNodeBandwidthBytesPerS: 200e9,
      interNodeBandwidthBytesPerS: 12.5e9,
      nodes: 2,
    })
    expect(c.name).toBe('custom-h100-sxm')
    expect(c.intraNodeLatencyS).toBe(10e-6)
    expect(c.interNodeLatencyS).toBe(20e-6)
    expect(c.nodes).toBe(2)
  })

  it('name the bad field', () => {
    expect(() => resolvePlanCluster('nope')).toThrow(/plan cluster "nope"/)
    expect(() =>
      resolvePlanCluster({
        device: 'nope',
        devicesPerNode: 8,
        intraNodeBandwidthBytesPerS: 1,
        interNodeBandwidthBytesPerS: 1,
      }),
    ).toThrow(/nope/)
    expect(() =>
      resolvePlanCluster({
        device: 'a100-80gb',
        devicesPerNode: 0,
        intraNodeBandwidthBytesPerS: 1,
        interNodeBandwidthBytesPerS: 1,
      }),
    ).toThrow(/devicesPerNode/)
    expect(() =>
      resolvePlanCluster({
        device: 'a100-80gb',
        devicesPerNode: 8,
        intraNodeBandwidthBytesPerS: -1,
        interNodeBandwidthBytesPerS: 1,
      }),
    ).toThrow(/intraNodeBandwidthBytesPerS/)
    expect(() =>
      resolvePlanCluster({
        device: 'a100-80gb',
        devicesPerNode: 8,
        intraNodeBandwidthBytesPerS: 1,
        interNodeBandwidthBytesPerS: 1,
        interNodeLatencyS: -1,
      }),
    ).toThrow(/interNodeLatencyS/)
  })
})
