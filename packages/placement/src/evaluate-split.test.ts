import { importDnnPartitioning, type PlacementProblem } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { InvalidSplitError } from './errors.js'
import { evaluateSplit } from './evaluate-split.js'

/** placement.md §1.10 instance A: diamond 1→{2,3}→4, fpga 2,3,4,1, cpu 100, c(1)=1, c(2)=c(3)=0.5. */
const diamond = (cost1 = 1, M = 10): PlacementProblem =>
  importDnnPartitioning({
    maxSizePerFPGA: M,
    maxFPGAs: 2,
    maxCPUs: 1,
    nodes: [2, 3, 4, 1].map((lat, i) => ({
      id: i + 1,
      supportedOnFpga: i !== 3,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: false,
      size: 1,
    })),
    edges: [
      { sourceId: 1, destId: 2, cost: cost1 },
      { sourceId: 1, destId: 3, cost: cost1 },
      { sourceId: 2, destId: 4, cost: 0.5 },
      { sourceId: 3, destId: 4, cost: 0.5 },
    ],
  })

const acc = (...nodes: string[]) => ({ kind: 'accelerator' as const, nodes })

describe('evaluateSplit', () => {
  it('scores {1,2} | {3} | CPU{4}: node 1 charged once per side', () => {
    const ev = evaluateSplit(diamond(), { devices: [acc('1', '2'), acc('3'), { kind: 'cpu', nodes: ['4'] }] })
    expect(ev.devices.map((d) => [d.computeTime, d.communicationTime, d.load])).toEqual([
      [5, 1.5, 6.5], // 2 + 3, c(1) upload + c(2) upload
      [4, 1.5, 5.5], // c(1) download + c(3) upload
      [100, 0, 100], // the CPU pays no communication
    ])
    expect(ev).toMatchObject({
      maxLoad: 100,
      feasible: true,
      bottleneckIndex: 2,
      bottleneckReason: 'compute',
    })
    expect(ev.explanation).toContain('device 2 (cpu, 1 nodes) has the maximum load 100')
  })
  it('names communication when it dominates', () => {
    const ev = evaluateSplit(diamond(20), {
      devices: [acc('1'), acc('2', '3'), { kind: 'cpu', nodes: ['4'] }],
    })
    expect(ev.devices[1]!.load).toBe(7 + 20 + 1) // download c(1), upload c(2) and c(3)
    expect(ev.bottleneckIndex).toBe(2)
    const ev2 = evaluateSplit(diamond(200), {
      devices: [acc('1'), acc('2', '3'), { kind: 'cpu', nodes: ['4'] }],
    })
    expect(ev2).toMatchObject({ bottleneckIndex: 1, bottleneckReason: 'communication', maxLoad: 208 })
  })
  it('flags memory (strictly above the limit), unsupported nodes and non-contiguous sets', () => {
    const p = diamond(1, 2)
    const ev = evaluateSplit(p, { devices: [acc('1', '4'), acc('2', '3')] })
    expect(ev.devices[0]).toMatchObject({
      memoryBytes: 2,
      fitsMemory: true,
      contiguous: false,
      unsupportedNodes: ['4'],
    })
    expect(ev.devices[0]!.load).toBe(Number.POSITIVE_INFINITY)
    expect(ev.feasible).toBe(false)
    expect(ev.bottleneckReason).toBe('unsupported')
    expect(ev.violations).toEqual(['device 0 holds unsupported nodes 4', 'device 0 is not contiguous'])
    const ev2 = evaluateSplit(p, { devices: [acc('1', '2', '3'), { kind: 'cpu', nodes: ['4'] }] })
    expect(ev2).toMatchObject({ bottleneckReason: 'memory', feasible: false, bottleneckIndex: 0 })
    expect(ev2.devices[0]).toMatchObject({ memoryBytes: 3, memoryLimitBytes: 2, fitsMemory: false })
  })
  it('counts devices against the problem', () => {
    const ev = evaluateSplit(diamond(), {
      devices: [acc('1'), acc('2'), acc('3'), { kind: 'cpu', nodes: ['4'] }],
    })
    expect(ev.violations).toEqual(['3 accelerators used, 2 available'])
  })
  it('places omitted nodes with their class, and rejects unknown or repeated ids', () => {
    const p: PlacementProblem = {
      ...diamond(),
      nodes: diamond().nodes.map((n) => ({ ...n, colorClass: n.id === '4' ? '3' : n.id })),
    }
    const ev = evaluateSplit(p, { devices: [acc('1', '2'), acc('3')] })
    expect(ev.devices[1]!.nodes).toEqual(['3', '4'])
    expect(() => evaluateSplit(p, { devices: [acc('1', '9')] })).toThrow(InvalidSplitError)
    expect(() => evaluateSplit(p, { devices: [acc('1'), acc('1', '2', '3')] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SPLIT', nodeId: '1' }),
    )
    expect(() => evaluateSplit(diamond(), { devices: [acc('1', '2', '3')] })).toThrow(
      expect.objectContaining({ nodeId: '4' }),
    )
  })
})
