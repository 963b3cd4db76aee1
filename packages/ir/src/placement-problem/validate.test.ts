import { describe, expect, it } from 'vitest'
import {
  DanglingEdgeError,
  DuplicateNodeError,
  GraphCycleError,
  InvalidValueError,
  SchemaVersionError,
} from '../errors.js'
import { importDnnPartitioning } from './dnn-partitioning.js'
import { InconsistentEdgeCostError } from './errors.js'
import type { PlacementProblem } from './types.js'
import { forwardBackwardPairs, validatePlacementProblem } from './validate.js'

const base: PlacementProblem = {
  schemaVersion: 1,
  format: 'dnnperf',
  timeUnit: 's',
  resources: { acceleratorCount: 2, cpuCount: 1, acceleratorMemoryBytes: 10 },
  nodes: [
    { id: 'a', role: 'forward', timeByDevice: { accelerator: 1, cpu: 10 }, colorClass: '1' },
    { id: 'b', role: 'forward', timeByDevice: { accelerator: 2, cpu: 20 }, colorClass: '2' },
    { id: 'b.grad', role: 'backward', timeByDevice: { accelerator: 4, cpu: 40 }, colorClass: '2' },
    { id: 'a.grad', role: 'backward', timeByDevice: { accelerator: 2, cpu: 20 }, colorClass: '1' },
  ],
  edges: [
    { from: 'a', to: 'b', transferTime: 0.5 },
    { from: 'a', to: 'a.grad', transferTime: 0.5 },
    { from: 'b', to: 'b.grad', transferTime: 0.25 },
    { from: 'b.grad', to: 'a.grad', transferTime: 0.25 },
  ],
}

const withNode = (i: number, patch: object): PlacementProblem => ({
  ...base,
  nodes: base.nodes.map((n, j) => (j === i ? { ...n, ...patch } : n)),
})

describe('validatePlacementProblem', () => {
  it('compiles a valid training graph; topological order respects every edge', () => {
    const dag = validatePlacementProblem(base)
    const rank = (id: string) => dag.topoRank[dag.indexOf.get(id)!]!
    for (const e of base.edges) expect(rank(e.from)).toBeLessThan(rank(e.to))
  })
  it('names node and field of a NaN time', () => {
    let err: InvalidValueError | undefined
    try {
      validatePlacementProblem(withNode(1, { timeByDevice: { accelerator: Number.NaN, cpu: 1 } }))
    } catch (e) {
      err = e as InvalidValueError
    }
    expect(err).toBeInstanceOf(InvalidValueError)
    expect(err?.code).toBe('INVALID_VALUE')
    expect(err?.at).toBe('node b')
    expect(err?.field).toBe('timeByDevice.accelerator')
  })
  it('rejects a negative memory size and a negative edge cost', () => {
    expect(() => validatePlacementProblem(withNode(0, { memoryBytes: -1 }))).toThrow(
      expect.objectContaining({ at: 'node a', field: 'memoryBytes' }),
    )
    const edges = [{ from: 'a', to: 'b', transferTime: -0.5 }]
    expect(() => validatePlacementProblem({ ...base, edges })).toThrow(
      expect.objectContaining({ at: 'edge a->b', field: 'transferTime' }),
    )
  })
  it('rejects infinite and fractional device counts', () => {
    expect(() => validatePlacementProblem({ ...base, resources: { acceleratorCount: 1.5 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'acceleratorCount' }),
    )
    expect(() =>
      validatePlacementProblem({ ...base, resources: { acceleratorMemoryBytes: Number.POSITIVE_INFINITY } }),
    ).toThrow(InvalidValueError)
  })
  it('rejects a cycle, a duplicate id and a dangling edge', () => {
    expect(() =>
      validatePlacementProblem({ ...base, edges: [...base.edges, { from: 'a.grad', to: 'a' }] }),
    ).toThrow(GraphCycleError)
    expect(() => validatePlacementProblem(withNode(1, { id: 'a' }))).toThrow(DuplicateNodeError)
    expect(() => validatePlacementProblem({ ...base, edges: [{ from: 'a', to: 'zz' }] })).toThrow(
      DanglingEdgeError,
    )
  })
  it('rejects out-edges of one source with different costs, but not within 1e-6 or on artificial edges', () => {
    const edges = [...base.edges]
    edges[1] = { from: 'a', to: 'a.grad', transferTime: 0.75 }
    let caught: unknown
    try {
      validatePlacementProblem({ ...base, edges })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(InconsistentEdgeCostError)
    expect(caught).toMatchObject({
      code: 'INCONSISTENT_EDGE_COST',
      nodeId: 'a',
      firstCost: 0.5,
      otherCost: 0.75,
    })
    edges[1] = { from: 'a', to: 'a.grad', transferTime: 0.5 + 5e-7 }
    expect(() => validatePlacementProblem({ ...base, edges })).not.toThrow()
    edges[1] = { from: 'a', to: 'a.grad', transferTime: 9, artificial: true }
    expect(() => validatePlacementProblem({ ...base, edges })).not.toThrow()
  })
  it('rejects an unknown schema version', () => {
    expect(() => validatePlacementProblem({ ...base, schemaVersion: 2 as 1 })).toThrow(SchemaVersionError)
  })
})

describe('forwardBackwardPairs', () => {
  it('pairs forward and backward nodes through their class', () => {
    expect(forwardBackwardPairs(base)).toEqual([
      ['a', 'a.grad'],
      ['b', 'b.grad'],
    ])
  })
})

describe('importDnnPartitioning', () => {
  const doc = {
    maxSizePerFPGA: 10,
    maxFPGAs: 2,
    maxCPUs: 0,
    nodes: [
      { id: 1, supportedOnFpga: 1, cpuLatency: 100, fpgaLatency: 2, isBackwardNode: 0, size: 1 },
      { id: 2, supportedOnFpga: true, cpuLatency: 100, fpgaLatency: 3, isBackwardNode: false },
    ],
    edges: [{ sourceId: 1, destId: 2, cost: 1 }],
  }
  it('defaults: no size → no memoryBytes; no class → none', () => {
    const p = importDnnPartitioning(doc)
    expect(p.nodes[1]).toEqual({
      id: '2',
      role: 'forward',
      timeByDevice: { accelerator: 3, cpu: 100 },
      acceleratorSupported: true,
    })
    expect(p.nodes[0]!.jsonHints).toEqual({ numericBooleans: ['supportedOnFpga', 'isBackwardNode'] })
  })
  it('names the path of a mistyped field', () => {
    const bad = structuredClone(doc) as { nodes: Array<Record<string, unknown>> }
    bad.nodes[1]!.fpgaLatency = 'fast'
    expect(() => importDnnPartitioning(bad as never)).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID', path: '$.nodes[1].fpgaLatency' }),
    )
    expect(() => importDnnPartitioning('{not json')).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID' }),
    )
  })
  it('rejects a negative latency with the node id', () => {
    const bad = structuredClone(doc)
    bad.nodes[0]!.fpgaLatency = -2
    expect(() => importDnnPartitioning(bad)).toThrow(expect.objectContaining({ at: 'node 1' }))
  })
})
