import { describe, expect, it } from 'vitest'
import { transformerLayerActivationBytes, transformerStageActivationBytes } from './activations.js'
import { deviceMemory } from './device-memory.js'
import { modelStateBytes, transformerParams } from './model-states.js'

const GiB = 2 ** 30

describe('transformerLayerActivationBytes: GPT-3 175B layer, s=2048, b=1, h=12288, a=96, t=8 (reference §6.5)', () => {
  const base = { seq: 2048, microBatch: 1, hidden: 12288, heads: 96 }
  it.each([
    [{ ...base }, 2_868_903_936],
    [{ ...base, tensorParallel: 8 }, 578_813_952],
    [{ ...base, tensorParallel: 8, sequenceParallel: true }, 358_612_992],
    [{ ...base, tensorParallel: 8, recompute: 'selective' as const }, 327_155_712],
    [{ ...base, tensorParallel: 8, sequenceParallel: true, recompute: 'selective' as const }, 106_954_752],
    [{ ...base, tensorParallel: 8, recompute: 'full' as const }, 50_331_648],
  ])('%o → %d B', (x, bytes) => {
    expect(transformerLayerActivationBytes(x)).toBeCloseTo(bytes, 0)
  })
  it('FlashAttention removes the 5as/h term but keeps fp32 row statistics', () => {
    const x = { ...base, tensorParallel: 8, sequenceParallel: true, flashAttention: true }
    expect(transformerLayerActivationBytes(x)).toBe(106_954_752 + (4 * 96 * 2048) / 8)
  })
})

// Korthikanti et al. 2022, Table 3 configurations and Fig. 1 per-GPU memory (GiB, as encoded by Calculon's
// validation file). Interleaving v = 3 applies to 175B and 530B only (§6).
const models = [
  { name: '22B', heads: 64, hidden: 6144, layers: 48, t: 8, p: 1, mb: 4, v: 1, fig: [45.56, 59.25, 9.56] },
  { name: '175B', heads: 96, hidden: 12288, layers: 96, t: 8, p: 8, mb: 1, v: 3, fig: [45.56, 66.84, 12.35] },
  {
    name: '530B',
    heads: 128,
    hidden: 20480,
    layers: 105,
    t: 8,
    p: 35,
    mb: 1,
    v: 3,
    fig: [31.64, 114.02, 23.08],
  },
  {
    name: '1T',
    heads: 160,
    hidden: 25600,
    layers: 128,
    t: 8,
    p: 64,
    mb: 1,
    v: 1,
    fig: [32.96, 131.25, 26.56],
  },
] as const

describe('sequence-parallelism paper, Fig. 1 per-GPU memory within 5 %', () => {
  for (const m of models) {
    const shape = {
      seq: 2048,
      microBatch: m.mb,
      hidden: m.hidden,
      heads: m.heads,
      tensorParallel: m.t,
      layers: m.layers,
      pipelineParallel: m.p,
      interleave: m.v,
      vocab: 51200,
    }
    it(`${m.name}: weights + optimizer (18 B/param, Megatron bf16 + fp32 Adam)`, () => {
      const params =
        transformerParams({ layers: m.layers, hidden: m.hidden, vocab: 51200, seq: 2048 }) / (m.t * m.p)
      const s = modelStateBytes(params, { regime: 'megatron-adam' })
      const err = Math.abs(s.totalBytes / GiB - m.fig[0]) / m.fig[0]
      expect(err).toBeLessThan(0.05)
    })
    it(`${m.name}: activations, tensor parallel only (Table 2 reproduces Fig. 1 exactly without extras)`, () => {
      const exact = transformerStageActivationBytes({ ...shape, includeEmbeddingAndOutput: false }) / GiB
      expect(exact).toBeCloseTo(m.fig[1], 1)
      const withExtras = transformerStageActivationBytes(shape) / GiB
      expect(Math.abs(withExtras - m.fig[1]) / m.fig[1]).toBeLessThan(0.05)
    })
    it(`${m.name}: activations, sequence parallel + selective recompute`, () => {
      const x = { ...shape, sequenceParallel: true, recompute: 'selective' as const }
      expect(transformerStageActivationBytes({ ...x, includeEmbeddingAndOutput: false }) / GiB).toBeCloseTo(
        m.fig[2],
        1,
      )
      expect(Math.abs(transformerStageActivationBytes(x) / GiB - m.fig[2]) / m.fig[2]).toBeLessThan(0.05)
    })
  }
})

describe('model states', () => {
  it('ZeRO printed example: Ψ = 7.5e9, N_d = 64 → 120 / 31.41 / 16.64 / 1.875 GB', () => {
    const gb = (z: 0 | 1 | 2 | 3) =>
      modelStateBytes(7.5e9, { regime: 'mixed-adam', zeroStage: z, dataParallel: 64 }).totalBytes / 1e9
    expect(gb(0)).toBeCloseTo(120, 6)
    expect(gb(1)).toBeCloseTo(31.41, 2)
    expect(gb(2)).toBeCloseTo(16.64, 2)
    expect(gb(3)).toBeCloseTo(1.875, 6)
  })
  it('175B on 64 GPUs: 18 B/param → 45.74 GiB; 16 B/param → 40.66 GiB', () => {
    const p = transformerParams({ layers: 96, hidden: 12288, vocab: 51200, seq: 2048 }) / 64
    expect(modelStateBytes(p, { regime: 'megatron-adam' }).totalBytes / GiB).toBeCloseTo(45.74, 2)
    expect(modelStateBytes(p, { regime: 'mixed-adam' }).totalBytes / GiB).toBeCloseTo(40.66, 2)
  })
  it('transformerParams reproduces SC21 Table 1 (1.7B, 18.4B, 1008B)', () => {
    expect(transformerParams({ layers: 24, hidden: 2304, vocab: 51200, seq: 2048 }) / 1e9).toBeCloseTo(1.7, 1)
    expect(transformerParams({ layers: 40, hidden: 6144, vocab: 51200, seq: 2048 }) / 1e9).toBeCloseTo(
      18.4,
      1,
    )
    expect(transformerParams({ layers: 128, hidden: 25600, vocab: 51200, seq: 2048 }) / 1e9).toBeCloseTo(
      1008.0,
      0,
    )
  })
  it('deviceMemory sums the parts, maps them to TBD categories and reports headroom', () => {
    const m = deviceMemory({
      params: 1e9,
      regime: 'mixed-adam',
      activationBytes: 5e9,
      workspaceBytes: 1e8,
      capacityBytes: 16e9,
    })
    expect(m.totalBytes).toBe(16e9 + 5e9 + 1e8)
    expect(m.tbd.weightsBytes).toBe(14e9)
    expect(m.tbd.featureMapsBytes).toBe(5e9)
    expect(m.fits).toBe(false)
    expect(m.headroomBytes).toBe(16e9 - 21.1e9)
  })
  it('rejects a ZeRO stage of 4', () => {
    expect(() => modelStateBytes(1, { regime: 'mixed-adam', zeroStage: 4 as 3 })).toThrow(/zeroStage/)
  })
})
