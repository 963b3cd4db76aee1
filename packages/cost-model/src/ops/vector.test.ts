import { describe, expect, it } from 'vitest'
import { phazeAccelerator } from '../hardware/phaze-design.js'
import { getAcceleratorPreset } from '../hardware/presets.js'
import { attentionCost } from './attention.js'
import { embeddingCost } from './embedding.js'
import { rooflineCost } from './roofline.js'
import { vectorOpCost } from './vector.js'
import { cpuOpCost } from './cpu.js'
import { getPreset } from '../hardware/presets.js'
import type { CpuSpec } from '../hardware/types.js'

const vc = (n: number) =>
  phazeAccelerator({ numTensorCores: 1, numVectorCores: n, width: 128, depth: 128, glbBytes: 2 ** 27 })
const pure = { memoryTraffic: false } as const

describe('vectorOpCost: PHAZE cycle rules (phaze.md §4.8)', () => {
  it('LayerNorm [1,512,1024] on 1 VC of 128 lanes: 4,096 cycles = 3.901 µs; on 2 VCs: 2,048', () => {
    const r = vectorOpCost(vc(1), { op: 'layernorm', numel: 512 * 1024, dtype: 'bf16' }, pure)
    expect(r.latencyS * 1.05e9).toBeCloseTo(4096, 6)
    expect(r.latencyS * 1e6).toBeCloseTo(3.901, 3)
    expect(
      vectorOpCost(vc(2), { op: 'layernorm', numel: 512 * 1024, dtype: 'bf16' }, pure).latencyS * 1.05e9,
    ).toBeCloseTo(2048, 6)
  })
  it('softmax [1,16,512,512]: forward 360,458 cycles, backward 65,536', () => {
    const numel = 16 * 512 * 512
    expect(
      vectorOpCost(vc(1), { op: 'softmax', numel, lastDim: 512, dtype: 'bf16' }, pure).latencyS * 1.05e9,
    ).toBeCloseTo(360_458, 4)
    expect(
      vectorOpCost(vc(1), { op: 'softmax', numel, dtype: 'bf16', phase: 'backward' }, pure).latencyS * 1.05e9,
    ).toBeCloseTo(65_536, 4)
  })
  it('GELU [1,512,4096] costed as ReLU: 16,384 cycles', () => {
    expect(
      vectorOpCost(vc(1), { op: 'gelu', numel: 512 * 4096, dtype: 'bf16' }, pure).latencyS * 1.05e9,
    ).toBeCloseTo(16_384, 4)
  })
  it('mean over the last dim of [1,4096,4096] (RMSNorm): 4,096·(32+10) = 172,032 cycles, not v1.0’s 42', () => {
    const r = vectorOpCost(vc(1), { op: 'mean', numel: 4096 * 4096, lastDim: 4096, dtype: 'bf16' }, pure)
    expect(r.latencyS * 1.05e9).toBeCloseTo(172_032, 4)
  })
  it('div backward costs both operands: 10 + 11 cycles per chunk', () => {
    const r = vectorOpCost(vc(1), { op: 'div', numel: 128, dtype: 'bf16', phase: 'backward' }, pure)
    expect(r.latencyS * 1.05e9).toBeCloseTo(21, 6)
  })
  it('with memory traffic on, a slow DRAM makes the op memory-bound', () => {
    const r = vectorOpCost(vc(1), { op: 'layernorm', numel: 512 * 1024, dtype: 'bf16' })
    expect(r.bound).toBe('memory')
    expect(r.latencyS).toBeCloseTo((2 * 512 * 1024 * 2) / (256 * 1.05e9), 12)
  })
  it('on a GPU an element-wise op is memory-bound at HBM speed', () => {
    const a100 = getAcceleratorPreset('a100-80gb')
    const r = vectorOpCost(a100, { op: 'gelu', numel: 2 ** 26, dtype: 'bf16' })
    expect(r.bound).toBe('memory')
    expect(r.latencyS).toBeCloseTo((2 * 2 ** 26 * 2) / 2039e9, 12)
  })
  it('unknown op names the field', () => {
    expect(() => vectorOpCost(vc(1), { op: 'frobnicate', numel: 1, dtype: 'bf16' })).toThrow(/"op"/)
  })
})

describe('attention, embedding, roofline, CPU', () => {
  const a100 = getAcceleratorPreset('a100-80gb')
  it('fused attention FLOPs 4bs²h (½ causal), backward 2.5×', () => {
    const s = { batch: 1, seq: 2048, heads: 96, headDim: 128, dtype: 'bf16' }
    const f = attentionCost(a100, s)
    expect(f.flops).toBe(4 * 2048 * 2048 * 96 * 128)
    expect(attentionCost(a100, { ...s, causal: true }).flops).toBe(f.flops / 2)
    expect(attentionCost(a100, { ...s, phase: 'backward' }).flops).toBe(2.5 * f.flops)
    expect(f.bound).toBe('compute')
  })
  it('naive attention has the same forward FLOPs, 2× backward, and is slower than fused', () => {
    const s = { batch: 4, seq: 2048, heads: 32, headDim: 128, dtype: 'bf16' }
    const naive = attentionCost(a100, { ...s, implementation: 'naive' })
    const fused = attentionCost(a100, s)
    const gemmFlops = (c: typeof naive) =>
      c.parts.filter((p) => p.cost.engine === 'matrix').reduce((x, p) => x + p.cost.flops, 0)
    expect(gemmFlops(naive)).toBe(fused.flops)
    const bwd = attentionCost(a100, { ...s, implementation: 'naive', phase: 'backward' })
    expect(gemmFlops(bwd)).toBe(2 * fused.flops)
    expect(naive.latencyS).toBeGreaterThan(fused.latencyS)
    expect(naive.parts.map((p) => p.name)).toEqual(['qk', 'softmax', 'pv'])
  })
  it('embedding backward is dominated by the dense V·h zero-fill', () => {
    const r = embeddingCost(a100, {
      tokens: 2048,
      hidden: 12288,
      vocab: 51200,
      dtype: 'bf16',
      phase: 'backward',
    })
    expect(r.bytes).toBe(51200 * 12288 * 2 + 3 * 2048 * 12288 * 2)
    expect(r.bound).toBe('memory')
  })
  it('a bf16 memory op on a V100 (no bf16 peak) is still costed by its bytes; a bf16 vector op is not', () => {
    const v100 = getAcceleratorPreset('v100')
    expect(rooflineCost(v100, { flop: 0, bytes: 9e8, dtype: 'bf16', engine: 'memory' }).latencyS).toBeCloseTo(
      1e-3,
      12,
    )
    expect(() => rooflineCost(v100, { flop: 1, bytes: 1, dtype: 'bf16', engine: 'vector' })).toThrow(
      /vectorPeakFlopPerS.bf16/,
    )
  })
  it('roofline sum combiner adds compute and memory (Calculon no_overlap)', () => {
    const w = { flop: 312e12 * 1e-3, bytes: 2039e9 * 1e-3, dtype: 'bf16', engine: 'matrix' as const }
    expect(rooflineCost(a100, w).latencyS).toBeCloseTo(1e-3, 12)
    expect(rooflineCost(a100, w, { combine: 'sum' }).latencyS).toBeCloseTo(2e-3, 12)
  })
  it('CPU roofline: 16 cores of the Xeon Gold 6142 reach 2.66 TFLOP/s fp32', () => {
    const x = getPreset('xeon-gold-6142') as CpuSpec
    const r = cpuOpCost(x, { flop: 2.6624e12, bytes: 0, dtype: 'fp32' })
    expect(r.latencyS).toBeCloseTo(1 + 5e-6, 9)
    expect(cpuOpCost(x, { flop: 2.6624e12, bytes: 0, dtype: 'fp32', threads: 8 }).latencyS).toBeCloseTo(
      2 + 5e-6,
      9,
    )
  })
})
