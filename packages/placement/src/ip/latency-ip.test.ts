import { importDnnPartitioning, type JsonValue } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { placeLatencyIp } from './latency-ip.js'

/** Chain 1 → 2 → 3, one accelerator, transfer cost 0.5 out of every node. */
function chain(
  nodes: Array<{ acc: number; cpu: number; supported?: boolean; size?: number }>,
  M: number,
): JsonValue {
  return {
    maxSizePerFPGA: M,
    maxFPGAs: 1,
    maxCPUs: 1,
    nodes: nodes.map((n, i) => ({
      id: i + 1,
      supportedOnFpga: n.supported === false ? 0 : 1,
      cpuLatency: n.cpu,
      fpgaLatency: n.acc,
      isBackwardNode: 0,
      size: n.size ?? 1,
    })),
    edges: [
      { sourceId: 1, destId: 2, cost: 0.5 },
      { sourceId: 2, destId: 3, cost: 0.5 },
    ],
  }
}

describe('placeLatencyIp: hand-checked latencies', () => {
  it('memory for two nodes: acc{1,2} (1 + 1 + out 0.5) then CPU 3 (4) = 6.5 beats acc{2,3} = 12.5', async () => {
    const problem = importDnnPartitioning(
      chain(
        [
          { acc: 1, cpu: 10 },
          { acc: 1, cpu: 10 },
          { acc: 1, cpu: 4 },
        ],
        2,
      ),
    )
    for (const solver of ['highs', 'glpk'] as const) {
      const r = await placeLatencyIp(problem, { solver, timeLimitS: 20 })
      expect(r).toMatchObject({
        objective: 6.5,
        method: 'ip',
        objectiveKind: 'latency',
        status: 'optimal',
        bestBound: 6.5,
        gap: 0,
      })
      expect(r.devices).toEqual([
        { kind: 'cpu', nodes: ['3'], load: 4 },
        { kind: 'accelerator', nodes: ['1', '2'], load: 2.5, deviceIndex: 0, start: 0, finish: 2.5 },
      ])
    }
  })
  it('node 2 CPU-only: one slot gives 12.5, two slots {1} then {3} give 1.5 → 2.5 → 4', async () => {
    const problem = importDnnPartitioning(
      chain(
        [
          { acc: 1, cpu: 10 },
          { acc: 1, cpu: 1, supported: false },
          { acc: 1, cpu: 10 },
        ],
        10,
      ),
    )
    const one = await placeLatencyIp(problem, { timeLimitS: 20 })
    expect(one.objective).toBe(12.5)
    const two = await placeLatencyIp(problem, { slotsPerAccelerator: 2, timeLimitS: 20 })
    expect(two.objective).toBe(4)
    expect(two.devices).toEqual([
      { kind: 'cpu', nodes: ['2'], load: 1 },
      { kind: 'accelerator', nodes: ['1'], load: 1.5, deviceIndex: 0, start: 0, finish: 1.5 },
      { kind: 'accelerator', nodes: ['3'], load: 1.5, deviceIndex: 0, start: 2.5, finish: 4 },
    ])
  })
  it('everything on the CPU when no accelerator is faster: latency = CPU critical path', async () => {
    const problem = importDnnPartitioning(
      chain(
        [
          { acc: 5, cpu: 1 },
          { acc: 5, cpu: 2 },
          { acc: 5, cpu: 3 },
        ],
        10,
      ),
    )
    const r = await placeLatencyIp(problem, { timeLimitS: 20 })
    expect(r.objective).toBe(6)
    expect(r.devices).toEqual([{ kind: 'cpu', nodes: ['1', '2', '3'], load: 6 }])
  })
  it('nodes listed against the edge direction give the same answer (6.5)', async () => {
    const forward = importDnnPartitioning(
      chain(
        [
          { acc: 1, cpu: 10 },
          { acc: 1, cpu: 10 },
          { acc: 1, cpu: 4 },
        ],
        2,
      ),
    )
    const reversed = { ...forward, nodes: [...forward.nodes].reverse() }
    const r = await placeLatencyIp(reversed, { timeLimitS: 20 })
    expect(r.objective).toBe(6.5)
    expect(r.devices.map((d) => d.nodes)).toEqual([['3'], ['2', '1']]) // problem order
  })
})
