import { describe, expect, it } from 'vitest'
import type { ClusterSpec } from '../hardware/types.js'
import { getPreset } from '../hardware/presets.js'
import { collectiveCost } from './collective.js'

const GiB = 2 ** 30
const base = getPreset('dgx-a100') as ClusterSpec
const cluster = (bw: number, alpha: number, nodes = 1, interBw = 25e9): ClusterSpec => ({
  ...base,
  nodes,
  intraNode: { name: 'nvlink', bandwidthBytesPerS: bw, latencyS: alpha },
  interNode: { name: 'ib', bandwidthBytesPerS: interBw, latencyS: 20e-6 },
})

describe('collectiveCost', () => {
  it('ring all-reduce of 1 GiB over 8 GPUs at busbw 200 GB/s: algbw 114.29 GB/s, 9.395 ms (reference §6.4)', () => {
    const r = collectiveCost(cluster(200e9, 0), { kind: 'all-reduce', bytes: GiB, ranks: 8 })
    expect(r.latencyS * 1e3).toBeCloseTo(9.395, 3)
    expect(r.algBandwidthBytesPerS / 1e9).toBeCloseTo(114.29, 2)
    expect(r.busBandwidthBytesPerS / 1e9).toBeCloseTo(200, 6)
  })
  it('adds 14 α for the 14 ring steps: α = 4 µs → +56 µs', () => {
    const r = collectiveCost(cluster(200e9, 4e-6), { kind: 'all-reduce', bytes: GiB, ranks: 8 })
    expect(r.latencyTermS * 1e6).toBeCloseTo(56, 6)
  })
  it('TP all-reduce of one GPT-3 layer activation (50.33 MB) at 200 GB/s ≈ 0.44 ms before latency', () => {
    const r = collectiveCost(cluster(200e9, 0), { kind: 'all-reduce', bytes: 2048 * 12288 * 2, ranks: 8 })
    expect(r.latencyS * 1e3).toBeCloseTo(0.4404, 3)
  })
  it('reduce-scatter and all-gather take half an all-reduce on a ring', () => {
    const c = cluster(300e9, 0)
    const ar = collectiveCost(c, { kind: 'all-reduce', bytes: 1e9, ranks: 8 }).latencyS
    expect(collectiveCost(c, { kind: 'reduce-scatter', bytes: 1e9, ranks: 8 }).latencyS).toBeCloseTo(
      ar / 2,
      12,
    )
    expect(collectiveCost(c, { kind: 'all-gather', bytes: 1e9, ranks: 8 }).latencyS).toBeCloseTo(ar / 2, 12)
  })
  it('hierarchical all-reduce across 2 nodes beats the flat NIC-bound ring', () => {
    const c = cluster(300e9, 0, 2)
    const h = collectiveCost(c, { kind: 'all-reduce', bytes: 1e9, ranks: 16 })
    const flat = collectiveCost(c, { kind: 'all-reduce', bytes: 1e9, ranks: 16, algorithm: 'ring' })
    expect(h.algorithm).toBe('hierarchical')
    // intra RS + AG: 2 · 7/8 · 1e9/300e9; inter: 2·1/2 · (1e9/8)/25e9
    expect(h.latencyS).toBeCloseTo(2 * (7 / 8) * (1e9 / 300e9) + 1e9 / 8 / 25e9 + 2 * 20e-6, 9)
    expect(flat.latencyS).toBeGreaterThan(h.latencyS)
    expect(flat.link).toBe('ib')
  })
  it('tree all-reduce: 2⌈log₂ n⌉ α + 2 S/β', () => {
    const r = collectiveCost(cluster(100e9, 1e-5), {
      kind: 'all-reduce',
      bytes: 1e8,
      ranks: 8,
      algorithm: 'tree',
    })
    expect(r.latencyS).toBeCloseTo(6e-5 + 2e-3, 12)
  })
  it('point-to-point: α + S/β on the chosen link', () => {
    expect(collectiveCost(cluster(100e9, 1e-5), { kind: 'point-to-point', bytes: 1e9 }).latencyS).toBeCloseTo(
      1e-5 + 1e-2,
      12,
    )
    expect(
      collectiveCost(cluster(100e9, 1e-5), { kind: 'point-to-point', bytes: 1e9, crossNode: true }).latencyS,
    ).toBeCloseTo(20e-6 + 1e9 / 25e9, 12)
  })
  it('all-to-all on a fully-connected node uses every peer link', () => {
    const c = { ...cluster(64e9, 0), topology: 'fully-connected' as const }
    const r = collectiveCost(c, { kind: 'all-to-all', bytes: 7e9, ranks: 8 })
    expect(r.latencyS).toBeCloseTo((7 / 8) * (7e9 / (7 * 64e9)), 12)
  })
  it('one rank costs nothing; too many ranks is an error naming the field', () => {
    expect(collectiveCost(base, { kind: 'all-reduce', bytes: 1e9, ranks: 1 }).latencyS).toBe(0)
    expect(() => collectiveCost(base, { kind: 'all-reduce', bytes: 1e9, ranks: 9 })).toThrow(/ranks/)
    expect(() => collectiveCost(base, { kind: 'all-gather', bytes: 1, ranks: 8, algorithm: 'tree' })).toThrow(
      /algorithm/,
    )
  })
})
