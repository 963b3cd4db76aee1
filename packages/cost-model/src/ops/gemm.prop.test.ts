import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { phazeAccelerator } from '../hardware/phaze-design.js'
import { getAcceleratorPreset } from '../hardware/presets.js'
import type { AcceleratorSpec } from '../hardware/types.js'
import { gemmCost } from './gemm.js'
import { rooflineCost } from './roofline.js'
import { vectorOpCost } from './vector.js'

const dim = fc.integer({ min: 1, max: 4096 })
const pow2 = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((e) => 2 ** e)
const design = fc.record({
  numTensorCores: pow2(0, 6),
  numVectorCores: pow2(0, 4),
  width: pow2(1, 8),
  depth: pow2(1, 8),
  glbBytes: pow2(21, 27),
})
const gpus = ['v100', 'a100-80gb', 'h100-sxm', 'mi300x'].map((n) => getAcceleratorPreset(n))
const anyHw: fc.Arbitrary<AcceleratorSpec> = fc.oneof(
  fc.constantFrom(...gpus),
  design.map((d) => phazeAccelerator(d)),
)
const EPS = 1 + 1e-12

function scaleBandwidth(hw: AcceleratorSpec, f: number): AcceleratorSpec {
  return {
    ...hw,
    onChip: hw.onChip.map((l) => ({
      ...l,
      bandwidthBytesPerS: l.bandwidthBytesPerS * f,
      ...(l.writeBandwidthBytesPerS !== undefined
        ? { writeBandwidthBytesPerS: l.writeBandwidthBytesPerS * f }
        : {}),
    })),
    offChip: {
      ...hw.offChip,
      bandwidthBytesPerS: hw.offChip.bandwidthBytesPerS * f,
      ...(hw.offChip.writeBandwidthBytesPerS !== undefined
        ? { writeBandwidthBytesPerS: hw.offChip.writeBandwidthBytesPerS * f }
        : {}),
    },
  }
}

describe('gemmCost properties', () => {
  it('time never decreases when any GEMM dimension (FLOPs and bytes) grows', () => {
    fc.assert(
      fc.property(
        anyHw,
        dim,
        dim,
        dim,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 512 }),
        (hw, m, n, k, batch, which, grow) => {
          const a = { m, n, k, batch, dtype: 'fp16' }
          const key = (['m', 'n', 'k', 'batch'] as const)[which]!
          const b = { ...a, [key]: a[key] + grow }
          expect(gemmCost(hw, b).latencyS * EPS).toBeGreaterThanOrEqual(gemmCost(hw, a).latencyS)
        },
      ),
      { numRuns: 300 },
    )
  })
  it('more bandwidth never makes a GEMM slower', () => {
    fc.assert(
      fc.property(anyHw, dim, dim, dim, fc.double({ min: 1, max: 16, noNaN: true }), (hw, m, n, k, f) => {
        const s = { m, n, k, dtype: 'fp16' }
        expect(gemmCost(scaleBandwidth(hw, f), s).latencyS).toBeLessThanOrEqual(
          gemmCost(hw, s).latencyS * EPS,
        )
      }),
      { numRuns: 200 },
    )
  })
  it('more tensor cores (same core design) never make a GEMM slower', () => {
    fc.assert(
      fc.property(design, pow2(1, 3), dim, dim, dim, (d, f, m, n, k) => {
        const s = { m, n, k, dtype: 'bf16' }
        const small = phazeAccelerator(d)
        const big = phazeAccelerator({ ...d, numTensorCores: d.numTensorCores * f })
        expect(gemmCost(big, s).latencyS).toBeLessThanOrEqual(gemmCost(small, s).latencyS * EPS)
      }),
      { numRuns: 200 },
    )
  })
  it('more SMs at the same per-SM peak never make a GEMM slower', () => {
    const a100 = getAcceleratorPreset('a100-80gb')
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), dim, dim, dim, (extra, m, n, k) => {
        const mu = a100.matrixUnits as { kind: 'tensor-core'; smCount: number; tensorCoresPerSm: number }
        const sms = mu.smCount + extra
        const big: AcceleratorSpec = {
          ...a100,
          matrixUnits: { ...mu, smCount: sms },
          peakFlopPerS: { bf16: (a100.peakFlopPerS.bf16! * sms) / mu.smCount },
        }
        const s = { m, n, k, dtype: 'bf16' }
        expect(gemmCost(big, s).latencyS).toBeLessThanOrEqual(gemmCost(a100, s).latencyS * EPS)
      }),
      { numRuns: 200 },
    )
  })
  it('utilisation is in (0, 1] and achieved FLOP/s never beats peak', () => {
    fc.assert(
      fc.property(anyHw, dim, dim, dim, (hw, m, n, k) => {
        const r = gemmCost(hw, { m, n, k, dtype: 'fp16' })
        expect(r.utilisation).toBeGreaterThan(0)
        expect(r.utilisation).toBeLessThanOrEqual(1 + 1e-9)
        expect(JSON.parse(JSON.stringify(r))).toEqual(r)
      }),
      { numRuns: 200 },
    )
  })
})

describe('roofline and vector properties', () => {
  const a100 = getAcceleratorPreset('a100-80gb')
  const amount = fc.double({ min: 0, max: 1e13, noNaN: true })
  it('roofline time is monotone in FLOPs and bytes', () => {
    fc.assert(
      fc.property(amount, amount, amount, amount, (f, b, df, db) => {
        const t0 = rooflineCost(a100, { flop: f, bytes: b, dtype: 'bf16' }).latencyS
        expect(
          rooflineCost(a100, { flop: f + df, bytes: b + db, dtype: 'bf16' }).latencyS * EPS,
        ).toBeGreaterThanOrEqual(t0)
      }),
    )
  })
  it('vector-op time is monotone in elements and never grows with more vector units', () => {
    fc.assert(
      fc.property(
        design,
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom('relu', 'softmax', 'layernorm', 'div', 'tanh'),
        (d, n, dn, op) => {
          const hw = phazeAccelerator(d)
          const t0 = vectorOpCost(hw, { op, numel: n, dtype: 'bf16' }).latencyS
          expect(
            vectorOpCost(hw, { op, numel: n + dn, dtype: 'bf16' }).latencyS * EPS,
          ).toBeGreaterThanOrEqual(t0)
          const more = phazeAccelerator({ ...d, numVectorCores: d.numVectorCores * 2 })
          expect(vectorOpCost(more, { op, numel: n, dtype: 'bf16' }).latencyS).toBeLessThanOrEqual(t0 * EPS)
        },
      ),
    )
  })
})
