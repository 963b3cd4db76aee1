import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { transformerLayerActivationBytes } from './activations.js'
import { modelStateBytes, REGIME_BYTES_PER_PARAM } from './model-states.js'
import type { OptimizerRegime } from './model-states.js'

const regimes = Object.keys(REGIME_BYTES_PER_PARAM) as OptimizerRegime[]

describe('memory properties', () => {
  it('a ZeRO-sharded device holds at least its 1/N_d share of the unsharded model state, and no more than all', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((x) => x * 512),
        fc.constantFrom(...regimes),
        fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
        fc.integer({ min: 1, max: 4096 }),
        (params, regime, zeroStage, dataParallel) => {
          const full = modelStateBytes(params, { regime }).totalBytes
          const shard = modelStateBytes(params, { regime, zeroStage, dataParallel }).totalBytes
          expect(shard * (1 + 1e-12)).toBeGreaterThanOrEqual(full / dataParallel)
          expect(shard).toBeLessThanOrEqual(full * (1 + 1e-12))
        },
      ),
    )
  })
  it('tensor-parallel activations per device ≥ the unsharded layer / t, and recompute never adds memory', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8192 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 64 }).map((x) => x * 64),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.boolean(),
        (seq, microBatch, hidden, heads, t, sp) => {
          const x = { seq, microBatch, hidden, heads }
          const full = transformerLayerActivationBytes(x)
          const none = transformerLayerActivationBytes({ ...x, tensorParallel: t, sequenceParallel: sp })
          const sel = transformerLayerActivationBytes({
            ...x,
            tensorParallel: t,
            sequenceParallel: sp,
            recompute: 'selective',
          })
          const all = transformerLayerActivationBytes({
            ...x,
            tensorParallel: t,
            sequenceParallel: sp,
            recompute: 'full',
          })
          expect(none * (1 + 1e-12)).toBeGreaterThanOrEqual(full / t)
          expect(sel).toBeLessThanOrEqual(none * (1 + 1e-12))
          expect(all).toBeLessThanOrEqual(sel * (1 + 1e-12))
        },
      ),
    )
  })
})
