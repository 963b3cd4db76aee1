import { describe, expect, it } from 'vitest'
import { UnsupportedDtypeError } from '../errors.js'
import { phazeAccelerator } from '../hardware/phaze-design.js'
import { getAcceleratorPreset } from '../hardware/presets.js'
import { gemmCost } from './gemm.js'

const MiB = 2 ** 20
const tc = (n: number) =>
  phazeAccelerator({ numTensorCores: n, numVectorCores: 1, width: 128, depth: 128, glbBytes: 128 * MiB })

describe('gemmCost on PHAZE designs (phaze.md §4.8 oracles)', () => {
  it('BERT-Large FFN up-projection on 1 TC 128×128: 131,072 cycles = 124.830 µs, compute-bound', () => {
    const r = gemmCost(tc(1), { m: 512, n: 4096, k: 1024, dtype: 'bf16' })
    expect(r.latencyS * 1e6).toBeCloseTo(124.83, 2)
    expect(r.bound).toBe('compute')
    expect(r.flops).toBe(2 * 2_147_483_648)
    expect(r.utilisation).toBeCloseTo(1, 9)
  })
  it('same GEMM on 8 TCs: DRAM-bound at 36,864 cycles = 35.109 µs', () => {
    const r = gemmCost(tc(8), { m: 512, n: 4096, k: 1024, dtype: 'bf16' })
    expect(r.latencyS * 1e6).toBeCloseTo(35.109, 2)
    expect(r.bound).toBe('memory')
    expect(r.limitingLevel).toBe('offChip')
    expect(r.computeS * 1.05e9).toBeCloseTo(16_384, 6)
  })
  it('pads a 129-wide contraction to two array passes', () => {
    const r = gemmCost(tc(1), { m: 512, n: 128, k: 129, dtype: 'bf16' })
    expect(r.computeS * 1.05e9).toBeCloseTo(2 * 512, 6)
    expect(r.tileEfficiency).toBeCloseTo(129 / 256, 9)
  })
  it('reports energy on designs with an energy table', () => {
    const r = gemmCost(tc(1), { m: 128, n: 128, k: 128, dtype: 'bf16' })
    expect(r.energyJ).toBeGreaterThan(128 ** 3 * 5.4e-12)
  })
})

describe('gemmCost on GPUs (cost-model.md §6 worked examples)', () => {
  const a100 = getAcceleratorPreset('a100-80gb')
  it('8192³ bf16 on A100-80GB: 256×128 tiles, 19 waves, 3.531 ms, compute-bound', () => {
    const r = gemmCost(a100, { m: 8192, n: 8192, k: 8192, dtype: 'bf16' })
    expect(r.flops).toBeCloseTo(1.0995e12, -9)
    expect(r.waves).toBe(19)
    expect(r.waveEfficiency).toBeCloseTo(0.9981, 4)
    expect(r.latencyS * 1e3).toBeCloseTo(3.531, 3)
    expect(r.bound).toBe('compute')
  })
  it('roofline model: 3.524 ms; with η = 0.95: 3.709 ms', () => {
    expect(
      gemmCost(a100, { m: 8192, n: 8192, k: 8192, dtype: 'bf16' }, { model: 'roofline' }).latencyS * 1e3,
    ).toBeCloseTo(3.524, 3)
    const r = gemmCost(
      a100,
      { m: 8192, n: 8192, k: 8192, dtype: 'bf16' },
      { model: 'roofline', efficiency: { matrix: 0.95 } },
    )
    expect(r.latencyS * 1e3).toBeCloseTo(3.524 / 0.95, 3)
  })
  it('8192³ on H100 at 989.4 TF: 1.111 ms roofline', () => {
    const r = gemmCost(
      getAcceleratorPreset('h100-sxm'),
      { m: 8192, n: 8192, k: 8192, dtype: 'bf16' },
      { model: 'roofline' },
    )
    expect(r.latencyS * 1e3).toBeCloseTo(1.111, 3)
  })
  it('8192×128×8192 fp16 on V100 is memory-bound on the roofline (AI 124.1 < ridge 138.9)', () => {
    const r = gemmCost(
      getAcceleratorPreset('v100'),
      { m: 8192, n: 128, k: 8192, dtype: 'fp16' },
      { model: 'roofline' },
    )
    expect(r.bytes / 1e6).toBeCloseTo(138.4, 1)
    expect(r.arithmeticIntensity).toBeCloseTo(124.1, 1)
    expect(r.ridgeFlopPerByte).toBeCloseTo(138.9, 1)
    expect(r.bound).toBe('memory')
    expect(r.latencyS * 1e3).toBeCloseTo(0.1538, 4)
  })
  it('wave cliff on A100 with 256×128 tiles: M = 3328 → 1 wave, M = 3584 → 2 waves (≈2× time)', () => {
    const tiles = [{ rows: 256, cols: 128, efficiency: 1 }]
    const a = gemmCost(a100, { m: 3328, n: 1024, k: 4096, dtype: 'bf16' }, { tiles, splitK: false })
    const b = gemmCost(a100, { m: 3584, n: 1024, k: 4096, dtype: 'bf16' }, { tiles, splitK: false })
    expect(a.waves).toBe(1)
    expect(a.waveEfficiency).toBeCloseTo(104 / 108, 3)
    expect(b.waves).toBe(2)
    expect(b.waveEfficiency).toBeCloseTo(0.519, 3)
    expect(b.latencyS / a.latencyS).toBeCloseTo(2, 2)
  })
  it('without an energy table, energy = board power × time (A100 SXM 400 W)', () => {
    const r = gemmCost(a100, { m: 4096, n: 4096, k: 4096, dtype: 'bf16' })
    expect(r.energyJ).toBeCloseTo(400 * r.latencyS, 12)
  })
  it('tiny GEMMs hit the launch floor', () => {
    const r = gemmCost(a100, { m: 8, n: 8, k: 8, dtype: 'bf16' })
    expect(r.bound).toBe('launch')
    expect(r.latencyS).toBe(3e-6)
  })
  it('missing dtype peak is a typed error naming the field', () => {
    expect(() => gemmCost(getAcceleratorPreset('v100'), { m: 8, n: 8, k: 8, dtype: 'fp8' })).toThrowError(
      UnsupportedDtypeError,
    )
    try {
      gemmCost(getAcceleratorPreset('v100'), { m: 8, n: 8, k: 8, dtype: 'fp8' })
    } catch (e) {
      expect((e as UnsupportedDtypeError).field).toBe('peakFlopPerS.fp8')
      expect((e as UnsupportedDtypeError).code).toBe('UNSUPPORTED_DTYPE')
    }
  })
  it('rejects a zero dimension', () => {
    expect(() => gemmCost(a100, { m: 0, n: 8, k: 8, dtype: 'bf16' })).toThrow(/field "m"/)
  })
})

describe('gemmTrainingCost', () => {
  it('backward on 1 TC costs dgrad + wgrad = 262,144 cycles = 249.661 µs (phaze.md §4.8)', async () => {
    const { gemmTrainingCost } = await import('./gemm.js')
    const r = gemmTrainingCost(tc(1), { m: 512, n: 4096, k: 1024, dtype: 'bf16' })
    expect((r.dataGradient.latencyS + r.weightGradient.latencyS) * 1e6).toBeCloseTo(249.661, 2)
    expect(r.flops).toBe(3 * r.forward.flops)
  })
})

describe('split-K on tensor cores', () => {
  it('a 256×256×65536 GEMM splits K across SMs instead of running 2 CTAs', () => {
    const a100 = getAcceleratorPreset('a100-80gb')
    const r = gemmCost(a100, { m: 256, n: 256, k: 65536, dtype: 'bf16' })
    expect(r.splitK).toBe(16)
    const noSplit = (2 * Math.ceil(256 / 256) * 256 * 128 * 65536) / (312e12 / 108)
    expect(r.latencyS).toBeLessThan(noSplit / 4)
  })
  it('large square GEMMs do not split', () => {
    expect(
      gemmCost(getAcceleratorPreset('a100-80gb'), { m: 8192, n: 8192, k: 8192, dtype: 'bf16' }).splitK,
    ).toBe(1)
  })
})
