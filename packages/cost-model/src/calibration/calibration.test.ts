import { describe, expect, it } from 'vitest'
import { getAcceleratorPreset } from '../hardware/presets.js'
import { gemmCost } from '../ops/gemm.js'
import { rooflineCost } from '../ops/roofline.js'
import { fitEfficiency } from './fit-efficiency.js'
import type { CalibrationSample } from './fit-efficiency.js'
import { buildProfileTable, lookupProfile, opSignature } from './profile-table.js'

describe('profile table', () => {
  const op = {
    kind: 'matmul',
    inputs: [
      { shape: [512, 1024], dtype: 'bf16' },
      { shape: [1024, 4096], dtype: 'bf16' },
    ],
    attrs: { b: 1, a: [2, 3] },
  }
  it('signature is stable under attribute order and distinguishes shapes and phases', () => {
    expect(opSignature(op)).toBe('matmul|forward|[512,1024]bf16,[1024,4096]bf16|{"a":[2,3],"b":1}')
    expect(opSignature({ ...op, attrs: { a: [2, 3], b: 1 } })).toBe(opSignature(op))
    expect(opSignature({ ...op, phase: 'backward' })).not.toBe(opSignature(op))
  })
  it('averages repeated measurements and misses unknown ops', () => {
    const t = buildProfileTable([
      { op, latencyS: 1e-3 },
      { op, latencyS: 3e-3 },
    ])
    expect(lookupProfile(t, op)).toBeCloseTo(2e-3, 15)
    expect(lookupProfile(t, { ...op, kind: 'conv2d' })).toBeUndefined()
    expect(JSON.parse(JSON.stringify(t))).toEqual(t)
  })
  it('rejects a negative time naming the sample', () => {
    expect(() => buildProfileTable([{ op, latencyS: -1 }])).toThrow(/measurements\[0\]/)
  })
})

describe('fitEfficiency', () => {
  const a100 = getAcceleratorPreset('a100-80gb')
  it('recovers η_matrix = 0.8 and η_memory = 0.9 from synthetic measurements', () => {
    const eff = { matrix: 0.8, memory: 0.9 }
    const shapes = [
      { m: 8192, n: 8192, k: 8192, dtype: 'bf16' },
      { m: 4096, n: 4096, k: 4096, dtype: 'bf16' },
      { m: 2048, n: 8192, k: 1024, dtype: 'bf16' },
    ]
    const samples: CalibrationSample[] = [
      ...shapes.map((shape) => ({
        kind: 'gemm' as const,
        shape,
        measuredS: gemmCost(a100, shape, { efficiency: eff }).latencyS,
      })),
      ...[1e8, 1e9, 4e9].map((bytes) => {
        const work = { flop: bytes / 4, bytes, dtype: 'bf16' }
        return {
          kind: 'roofline' as const,
          work,
          measuredS: rooflineCost(a100, work, { efficiency: eff }).latencyS,
        }
      }),
    ]
    const r = fitEfficiency(a100, samples)
    expect(r.efficiency.matrix).toBeCloseTo(0.8, 6)
    expect(r.efficiency.memory).toBeCloseTo(0.9, 6)
    expect(r.efficiency.vector).toBe(1)
    expect(r.medianRelErrAfter).toBeLessThan(1e-6)
    expect(r.medianRelErrBefore).toBeGreaterThan(0.1)
    expect(r.used).toEqual({ matrix: 3, vector: 0, memory: 3 })
  })
})
