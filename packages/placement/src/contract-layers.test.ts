import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { PlacementProblem } from '@dnnperf/ir'
import { readPlacementProblem } from '@dnnperf/ir'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { placeGreedy } from './baselines.js'
import { contractLayerClasses } from './internal/contract-layers.js'
import { placeMaxLoadDp } from './max-load-dp.js'

/** A chain 0 → 1 → … → n−1 with the given layer labels (undefined = none) and unit times. */
function chain(layers: readonly (string | undefined)[], acc: readonly number[]): PlacementProblem {
  return {
    schemaVersion: 1,
    format: 'dnnperf',
    timeUnit: 'unspecified',
    resources: { acceleratorCount: 2, cpuCount: 0 },
    nodes: layers.map((layerId, i) => ({
      id: `${i}`,
      role: 'forward' as const,
      timeByDevice: { accelerator: acc[i]!, cpu: 100 },
      ...(layerId === undefined ? {} : { layerId }),
    })),
    edges: layers.slice(1).map((_, i) => ({ from: `${i}`, to: `${i + 1}` })),
  }
}

/** Device of each node id in a result. */
function deviceOf(devices: readonly { nodes: readonly string[] }[]): Map<string, number> {
  const out = new Map<string, number>()
  devices.forEach((d, i) => {
    for (const id of d.nodes) out.set(id, i)
  })
  return out
}

describe('contractLayers (placement.md §1.6 step 3)', () => {
  it('joins the classes of nodes sharing a layerId, and their existing classes', () => {
    const p = chain(['a', 'a', undefined, 'b'], [1, 1, 1, 1])
    const withClass: PlacementProblem = {
      ...p,
      nodes: p.nodes.map((n, i) => (i === 2 || i === 3 ? { ...n, colorClass: 'k' } : n)),
    }
    const c = contractLayerClasses(withClass).nodes.map((n) => n.colorClass)
    expect(c[0]).toBe(c[1])
    expect(c[2]).toBe(c[3])
    expect(c[0]).not.toBe(c[2])
    // nodes without a layer or class are left alone
    expect(contractLayerClasses(chain([undefined, 'x'], [1, 1])).nodes[0]!.colorClass).toBeUndefined()
  })

  it('keeps a layer on one device even when splitting it would balance better', () => {
    // loads 1, 3 | 3, 1: the free optimum splits after node 1 (4 | 4); layer "m" = {1, 2} forces 1 | 3+3 | … → 7
    const p = chain(['l', 'm', 'm', 'r'], [1, 3, 3, 1])
    expect(placeMaxLoadDp(p).objective).toBe(4)
    const r = placeMaxLoadDp(p, { contractLayers: true })
    expect(r.objective).toBe(7)
    const dev = deviceOf(r.devices)
    expect(dev.get('1')).toBe(dev.get('2'))
    const g = placeGreedy(p, { contractLayers: true })
    const gd = deviceOf(g.devices)
    expect(gd.get('1')).toBe(gd.get('2'))
  })

  it('never lowers the optimum, and every layer lands on one device (random chains)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('new', 'same', 'none'), fc.integer({ min: 1, max: 9 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (spec) => {
          // layers are contiguous runs along the chain ('same' continues the previous node's layer)
          const layers: (string | undefined)[] = []
          spec.forEach(([kind], i) => {
            const previous = layers[i - 1]
            layers.push(
              kind === 'none' ? undefined : kind === 'same' && previous !== undefined ? previous : `L${i}`,
            )
          })
          const p = chain(
            layers,
            spec.map(([, t]) => t),
          )
          const free = placeMaxLoadDp(p)
          const tied = placeMaxLoadDp(p, { contractLayers: true })
          expect(tied.objective!).toBeGreaterThanOrEqual(free.objective! - 1e-12)
          const dev = deviceOf(tied.devices)
          layers.forEach((l, i) => {
            layers.forEach((m, j) => {
              if (l !== undefined && l === m) expect(dev.get(`${i}`)).toBe(dev.get(`${j}`))
            })
          })
        },
      ),
      { numRuns: 200 },
    )
  })
})

const bert = resolve(
  import.meta.dirname,
  '../../../../shared/data/placement/dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-12_inference.json',
)
describe.skipIf(!existsSync(bert))(
  'contractLayers on the BERT-12 operator graph (needs ../shared/data)',
  () => {
    it('places whole layers, at an optimum no better than the free one', () => {
      const { problem } = readPlacementProblem(JSON.parse(readFileSync(join(bert), 'utf8')))
      const free = placeMaxLoadDp(problem)
      const tied = placeMaxLoadDp(problem, { contractLayers: true })
      expect(tied.status).toBe('optimal')
      expect(tied.objective!).toBeGreaterThanOrEqual(free.objective! - 1e-9)
      // fewer ideals once layers are single supernodes
      expect(tied.idealCount!).toBeLessThan(free.idealCount!)
      const dev = deviceOf(tied.devices)
      const deviceOfLayer = new Map<string, number>()
      for (const node of problem.nodes) {
        if (node.layerId === undefined || !dev.has(node.id)) continue
        const d = dev.get(node.id)!
        expect(deviceOfLayer.get(node.layerId) ?? d).toBe(d)
        deviceOfLayer.set(node.layerId, d)
      }
      expect(deviceOfLayer.size).toBeGreaterThan(1)
    })
  },
)
