import type { PlacementProblem } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateSplit } from './evaluate-split.js'
import { placeMaxLoadDp } from './max-load-dp.js'
import type { DeviceKind } from './types.js'

/** Random inference instance: a DAG on ≤ 7 nodes (edges low → high index), small integer costs. */
const arbInstance = fc
  .record({
    n: fc.integer({ min: 1, max: 7 }),
    acceleratorCount: fc.integer({ min: 1, max: 3 }),
    cpuCount: fc.integer({ min: 0, max: 2 }),
    memoryBytes: fc.integer({ min: 2, max: 12 }),
    seedEdges: fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { maxLength: 14 }),
    acc: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 7, maxLength: 7 }),
    cpu: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 7, maxLength: 7 }),
    size: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 7, maxLength: 7 }),
    cost: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 7, maxLength: 7 }),
    supported: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
  })
  .filter((x) => x.acceleratorCount + x.cpuCount <= 3)
  .map((x): PlacementProblem => {
    const seen = new Set<string>()
    const edges = x.seedEdges
      .filter(([a, b]) => a < b && b < x.n)
      .filter(([a, b]) => !seen.has(`${a},${b}`) && seen.add(`${a},${b}`) !== undefined)
      .map(([a, b]) => ({ from: `${a}`, to: `${b}`, transferTime: x.cost[a]! / 2 }))
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
        acceleratorSupported: x.supported[i]! || i % 2 === 0,
      })),
      edges,
    }
  })

/**
 * Brute force: every assignment of nodes to the k accelerators and ℓ CPUs whose device quotient graph is
 * acyclic (so the devices order into a chain of ideals: a contiguous split), scored by evaluateSplit.
 */
function bruteForce(problem: PlacementProblem): number {
  let best = Number.POSITIVE_INFINITY
  bruteForceSplits(problem, (devices) => {
    const ev = evaluateSplit(problem, { devices })
    if (ev.maxLoad < best) best = ev.maxLoad
  })
  return best
}

function bruteForceSplits(
  problem: PlacementProblem,
  visit: (devices: Array<{ kind: DeviceKind; nodes: string[] }>) => void,
): void {
  const n = problem.nodes.length
  const kinds: DeviceKind[] = [
    ...Array<DeviceKind>(problem.resources.acceleratorCount!).fill('accelerator'),
    ...Array<DeviceKind>(problem.resources.cpuCount!).fill('cpu'),
  ]
  const D = kinds.length
  const assign = new Array<number>(n).fill(0)
  const total = D ** n
  for (let code = 0; code < total; code++) {
    let x = code
    for (let i = 0; i < n; i++) {
      assign[i] = x % D
      x = Math.floor(x / D)
    }
    // quotient acyclicity by repeated removal of devices without incoming cross edges
    const inDeg = new Array<number>(D).fill(0)
    const cross = problem.edges
      .map((e) => [assign[Number(e.from)]!, assign[Number(e.to)]!] as const)
      .filter(([a, b]) => a !== b)
    const dedup = [...new Set(cross.map(([a, b]) => `${a},${b}`))].map((s) => s.split(',').map(Number))
    for (const [, b] of dedup) inDeg[b!]!++
    const queue = inDeg.flatMap((d, i) => (d === 0 ? [i] : []))
    let removed = 0
    while (queue.length > 0) {
      const u = queue.pop()!
      removed++
      for (const [a, b] of dedup) if (a === u && --inDeg[b!]! === 0) queue.push(b!)
    }
    if (removed < D) continue
    const devices = kinds.map((kind, d) => ({
      kind,
      nodes: problem.nodes.filter((_, i) => assign[i] === d).map((node) => node.id),
    }))
    visit(devices)
  }
}

/** Training variant: each forward node i gets a backward twin `i.b` in its class; backward edges mirror forward ones. */
const arbTraining = arbInstance
  .filter((p) => p.nodes.length <= 5)
  .map(
    (p): PlacementProblem => ({
      ...p,
      nodes: [
        ...p.nodes.map((node) => ({ ...node, colorClass: node.id })),
        ...p.nodes.map((node) => ({
          ...node,
          id: `${node.id}.b`,
          role: 'backward' as const,
          colorClass: node.id,
          timeByDevice: {
            accelerator: 2 * node.timeByDevice!.accelerator!,
            cpu: 2 * node.timeByDevice!.cpu!,
          },
        })),
      ],
      edges: [
        ...p.edges,
        ...p.nodes.map((node) => ({
          from: node.id,
          to: `${node.id}.b`,
          transferTime: p.edges.find((e) => e.from === node.id)?.transferTime ?? 0.25,
        })),
        ...p.edges.map((e) => ({ from: `${e.to}.b`, to: `${e.from}.b`, transferTime: 0.5 })),
      ],
    }),
  )

/** Brute force for training graphs: assign forward nodes; each backward node follows its class. */
function bruteForceTraining(problem: PlacementProblem): number {
  const forward = problem.nodes.filter((node) => node.role === 'forward')
  const sub: PlacementProblem = {
    ...problem,
    nodes: forward,
    edges: problem.edges.filter((e) => !e.from.endsWith('.b') && !e.to.endsWith('.b')),
  }
  let best = Number.POSITIVE_INFINITY
  bruteForceSplits(sub, (devices) => {
    const full = devices.map((d) => ({
      kind: d.kind,
      nodes: [...d.nodes, ...d.nodes.map((id) => `${id}.b`)],
    }))
    const ev = evaluateSplit(problem, { devices: full })
    if (ev.maxLoad < best) best = ev.maxLoad
  })
  return best
}

describe('placeMaxLoadDp properties', () => {
  it('equals brute force on training graphs with forward/backward co-location', () => {
    fc.assert(
      fc.property(
        arbTraining,
        fc.constantFrom('pairs' as const, 'search' as const),
        (problem, transitions) => {
          const r = placeMaxLoadDp(problem, { transitions })
          const brute = bruteForceTraining(problem)
          if (brute === Number.POSITIVE_INFINITY) expect(r.status).toBe('infeasible')
          else expect(r.objective).toBeCloseTo(brute, 9)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('equals brute force over all contiguous placements (≤ 7 nodes, ≤ 3 devices)', () => {
    fc.assert(
      fc.property(
        arbInstance,
        fc.constantFrom('pairs' as const, 'search' as const),
        (problem, transitions) => {
          const r = placeMaxLoadDp(problem, { transitions })
          const brute = bruteForce(problem)
          if (brute === Number.POSITIVE_INFINITY) expect(r.status).toBe('infeasible')
          else {
            expect(r.status).toBe('optimal')
            expect(r.objective).toBeCloseTo(brute, 9)
            const check = evaluateSplit(problem, { devices: r.devices })
            expect(check.feasible).toBe(true)
            expect(check.maxLoad).toBeCloseTo(brute, 9)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('one more accelerator or CPU never raises the optimum', () => {
    fc.assert(
      fc.property(arbInstance, fc.boolean(), (problem, addCpu) => {
        const base = placeMaxLoadDp(problem)
        const r = problem.resources
        const more = placeMaxLoadDp(problem, {
          acceleratorCount: r.acceleratorCount! + (addCpu ? 0 : 1),
          cpuCount: r.cpuCount! + (addCpu ? 1 : 0),
        })
        if (base.objective !== null) expect(more.objective!).toBeLessThanOrEqual(base.objective + 1e-12)
      }),
      { numRuns: 150 },
    )
  })
})
