import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getPreset } from '../hardware/presets.js'
import type { ClusterSpec } from '../hardware/types.js'
import { collectiveCost } from './collective.js'
import type { CollectiveKind } from './collective.js'

const base = getPreset('dgx-h100') as ClusterSpec
const clusterArb = fc
  .record({
    devicesPerNode: fc.integer({ min: 1, max: 16 }),
    nodes: fc.integer({ min: 1, max: 64 }),
    intraBw: fc.double({ min: 1e9, max: 1e12, noNaN: true }),
    interBw: fc.double({ min: 1e9, max: 1e11, noNaN: true }),
    alpha: fc.double({ min: 0, max: 1e-4, noNaN: true }),
  })
  .map(
    (c): ClusterSpec => ({
      ...base,
      devicesPerNode: c.devicesPerNode,
      nodes: c.nodes,
      intraNode: { name: 'intra', bandwidthBytesPerS: c.intraBw, latencyS: c.alpha },
      interNode: { name: 'inter', bandwidthBytesPerS: c.interBw, latencyS: 2 * c.alpha },
    }),
  )
const kinds: CollectiveKind[] = [
  'all-reduce',
  'reduce-scatter',
  'all-gather',
  'all-to-all',
  'broadcast',
  'reduce',
]
const bytes = fc.double({ min: 0, max: 1e11, noNaN: true })
const EPS = 1 + 1e-12

describe('collectiveCost properties', () => {
  it('time is monotone in bytes for every collective and default algorithm', () => {
    fc.assert(
      fc.property(
        clusterArb,
        fc.constantFrom(...kinds),
        bytes,
        bytes,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (c, kind, s, ds, frac) => {
          const ranks = Math.max(1, Math.round(frac * c.devicesPerNode * c.nodes))
          const t0 = collectiveCost(c, { kind, bytes: s, ranks }).latencyS
          expect(collectiveCost(c, { kind, bytes: s + ds, ranks }).latencyS * EPS).toBeGreaterThanOrEqual(t0)
        },
      ),
    )
  })
  it('ring all-reduce matches 2(n−1)α + 2(n−1)/n · S/β inside a node', () => {
    fc.assert(
      fc.property(clusterArb, bytes, fc.integer({ min: 2, max: 16 }), (c, s, n) => {
        fc.pre(n <= c.devicesPerNode)
        const r = collectiveCost(c, { kind: 'all-reduce', bytes: s, ranks: n, algorithm: 'ring' })
        const a = c.intraNode.latencyS
        const b = c.intraNode.bandwidthBytesPerS
        const expected = 2 * (n - 1) * a + ((2 * (n - 1)) / n) * (s / b)
        expect(Math.abs(r.latencyS - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected))
      }),
    )
  })
  it('more link bandwidth never slows a collective', () => {
    fc.assert(
      fc.property(
        clusterArb,
        fc.constantFrom(...kinds),
        bytes,
        fc.double({ min: 1, max: 10, noNaN: true }),
        (c, kind, s, f) => {
          const faster: ClusterSpec = {
            ...c,
            intraNode: { ...c.intraNode, bandwidthBytesPerS: c.intraNode.bandwidthBytesPerS * f },
            interNode: { ...c.interNode, bandwidthBytesPerS: c.interNode.bandwidthBytesPerS * f },
          }
          const ranks = c.devicesPerNode * c.nodes
          expect(collectiveCost(faster, { kind, bytes: s, ranks }).latencyS).toBeLessThanOrEqual(
            collectiveCost(c, { kind, bytes: s, ranks }).latencyS * EPS,
          )
        },
      ),
    )
  })
})
