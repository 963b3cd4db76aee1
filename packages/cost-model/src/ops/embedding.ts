import type { AcceleratorSpec } from '../hardware/types.js'
import { dtypeBytes, requirePositiveInt } from './common.js'
import { rooflineCost } from './roofline.js'
import type { CostOptions, OpCost } from './types.js'

/** An embedding lookup of `tokens` ids into a `vocab × hidden` table. */
export interface EmbeddingShape {
  readonly tokens: number
  readonly hidden: number
  readonly vocab: number
  readonly dtype: string
  /** Default `forward`. Backward zero-fills the dense table gradient, then scatter-adds the rows. */
  readonly phase?: 'forward' | 'backward'
}

/**
 * Latency of an embedding gather (forward: read and write tokens·h rows plus 8-byte ids) or its backward
 * (zero-fill V·h gradient + scatter-add: read dy, read-modify-write the rows), as a memory-bound roofline.
 * Source: cost-model reference §2.5 (Megatron-style dense embedding gradient). Heuristic. O(1).
 * @throws InvalidValueError for bad sizes; UnsupportedDtypeError for a missing peak.
 */
export function embeddingCost(hw: AcceleratorSpec, shape: EmbeddingShape, options: CostOptions = {}): OpCost {
  const t = requirePositiveInt('embedding', 'tokens', shape.tokens)
  const h = requirePositiveInt('embedding', 'hidden', shape.hidden)
  const v = requirePositiveInt('embedding', 'vocab', shape.vocab)
  const e = dtypeBytes(shape.dtype)
  if (shape.phase === 'backward') {
    return rooflineCost(
      hw,
      { flop: t * h, bytes: v * h * e + 3 * t * h * e, dtype: shape.dtype, engine: 'memory' },
      options,
    )
  }
  return rooflineCost(
    hw,
    { flop: 0, bytes: 2 * t * h * e + 8 * t, dtype: shape.dtype, engine: 'memory' },
    options,
  )
}
