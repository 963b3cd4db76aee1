import { exportPiper, importPiper } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'
import { layerGraphProblem } from './layer-graph.js'
import type { TransformerShape } from './types.js'

const gpt2xl: TransformerShape = {
  name: 'gpt2-xl',
  layers: 48,
  hidden: 1600,
  heads: 25,
  seq: 1024,
  vocab: 50257,
}
const gpt1b: TransformerShape = {
  name: 'gpt-1.3b',
  layers: 24,
  hidden: 2048,
  heads: 16,
  seq: 2048,
  vocab: 51200,
}

describe('layerGraphProblem', () => {
  it('a chain embedding → L layers → output with one configuration per width and recomputation mode', () => {
    const p = layerGraphProblem(gpt1b, 'dgx-a100', { gpus: 8, globalBatch: 64 })
    expect(p.nodes).toHaveLength(26)
    expect(p.edges).toHaveLength(25)
    // Widths 1, 2, 4, 8 divide the 16 heads.
    expect(Object.keys(p.nodes[1]!.tensorParallel!)).toEqual(['1', '2', '4', '8'])
    const [vanilla, recomp] = p.nodes[1]!.tensorParallel!['1']!
    expect(vanilla!.id).toBe('vanilla')
    expect(recomp!.id).toBe('activation recomp')
    expect(recomp!.timePerSampleS!).toBeGreaterThan(vanilla!.timePerSampleS!)
    expect(recomp!.memoryBytesPerMicrobatch!).toBeLessThan(vanilla!.memoryBytesPerMicrobatch!)
    // Width 2 halves a layer's parameters: 12h² + 13h = 50,358,272 → 25,179,136 at 2 bytes.
    expect(p.nodes[1]!.tensorParallel!['2']![0]!.parameterBytes).toBe(((12 * 2048 ** 2 + 13 * 2048) / 2) * 2)
    expect(p.edges[0]!.bytes).toBe(2048 * 2048 * 2)
    expect(p.resources).toMatchObject({ acceleratorCount: 8, microbatchCount: 64 })
  })

  it('round-trips through the Piper JSON format', () => {
    const p = layerGraphProblem(gpt1b, 'dgx-a100', { gpus: 4, globalBatch: 16, tensorWidths: [1, 2] })
    const back = importPiper(exportPiper(p))
    expect(back.nodes[5]!.tensorParallel).toEqual(p.nodes[5]!.tensorParallel)
  })

  it('feeds planDownsetDp: a contiguous plan within the devices, all layers placed', () => {
    const p = layerGraphProblem(gpt2xl, 'dgx-a100-40gb', { gpus: 8, globalBatch: 64 })
    const r = planDownsetDp(p)
    expect(r.status).toBe('optimal')
    expect(r.stages.flatMap((s) => s.nodes)).toEqual(p.nodes.map((v) => v.id))
    expect(r.devicesUsed).toBeLessThanOrEqual(8)
    // More devices never hurt: the DP uses "at most" K.
    const r4 = planDownsetDp({ ...p, resources: { ...p.resources, acceleratorCount: 4 } })
    expect(r.objectiveS!).toBeLessThanOrEqual(r4.objectiveS! * (1 + 1e-12))
  })

  it('rejects a microbatch size that does not divide the batch', () => {
    expect(() =>
      layerGraphProblem(gpt1b, 'dgx-a100', { gpus: 8, globalBatch: 6, microbatchSize: 4 }),
    ).toThrow(/microbatchSize/)
  })
})
