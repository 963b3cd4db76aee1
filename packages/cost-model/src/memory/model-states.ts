import { InvalidValueError } from '@dnnperf/ir'
import { requireNonNegative, requirePositiveInt } from '../ops/common.js'

/**
 * Precision/optimizer regimes with their bytes per parameter (weights, gradients, optimizer state):
 * - `fp32-sgd` 4/4/0; `fp32-sgd-momentum` 4/4/4; `fp32-adam` 4/4/8;
 * - `mixed-adam` 2/2/12 (fp16 weights and grads, fp32 master + m + v; ZeRO's K = 12, Rajbhandari et al. SC20 §3);
 * - `megatron-adam` 2/4/12 (bf16 weights, fp32 main grads, fp32 master + m + v; Megatron-LM
 *   theoretical_memory_usage.py, 18 B/param);
 * - `mixed-sgd-momentum` 2/2/8 (fp32 master + momentum).
 */
export type OptimizerRegime =
  | 'fp32-sgd'
  | 'fp32-sgd-momentum'
  | 'fp32-adam'
  | 'mixed-adam'
  | 'megatron-adam'
  | 'mixed-sgd-momentum'

/** Bytes per parameter of a regime. */
export interface BytesPerParam {
  readonly weights: number
  readonly gradients: number
  readonly optimizer: number
}

/** The bytes-per-parameter table of every {@link OptimizerRegime}. */
export const REGIME_BYTES_PER_PARAM: Readonly<Record<OptimizerRegime, BytesPerParam>> = {
  'fp32-sgd': { weights: 4, gradients: 4, optimizer: 0 },
  'fp32-sgd-momentum': { weights: 4, gradients: 4, optimizer: 4 },
  'fp32-adam': { weights: 4, gradients: 4, optimizer: 8 },
  'mixed-adam': { weights: 2, gradients: 2, optimizer: 12 },
  'megatron-adam': { weights: 2, gradients: 4, optimizer: 12 },
  'mixed-sgd-momentum': { weights: 2, gradients: 2, optimizer: 8 },
}

/** Options of {@link modelStateBytes}. */
export interface ModelStateOptions {
  readonly regime: OptimizerRegime
  /**
   * ZeRO stage (Rajbhandari et al. SC20): 0 none; 1 shards optimizer state (= Megatron's distributed
   * optimizer); 2 also gradients; 3 also weights (FSDP full-shard). Default 0.
   */
  readonly zeroStage?: 0 | 1 | 2 | 3
  /** Data-parallel degree N_d over which ZeRO shards. Default 1. */
  readonly dataParallel?: number
}

/** Per-device bytes of model state. */
export interface ModelStateBytes {
  readonly weightsBytes: number
  readonly gradientsBytes: number
  readonly optimizerBytes: number
  readonly totalBytes: number
}

/**
 * Per-device bytes of weights, gradients and optimizer state for `params` parameters held by the device
 * (already divided by tensor/pipeline parallelism), under a precision/optimizer regime and a ZeRO stage.
 * Source: Rajbhandari et al. SC20 §5 (ZeRO), Megatron-LM theoretical_memory_usage.py. Exact. O(1).
 * @throws InvalidValueError for negative params or a bad ZeRO stage / data-parallel degree.
 */
export function modelStateBytes(params: number, options: ModelStateOptions): ModelStateBytes {
  requireNonNegative('model state', 'params', params)
  const bpp = REGIME_BYTES_PER_PARAM[options.regime]
  if (bpp === undefined) {
    throw new InvalidValueError({
      at: 'model state',
      field: 'regime',
      value: options.regime,
      expected: Object.keys(REGIME_BYTES_PER_PARAM).join(' | '),
    })
  }
  const stage = options.zeroStage ?? 0
  if (![0, 1, 2, 3].includes(stage)) {
    throw new InvalidValueError({
      at: 'model state',
      field: 'zeroStage',
      value: stage,
      expected: '0, 1, 2 or 3',
    })
  }
  const d = requirePositiveInt('model state', 'dataParallel', options.dataParallel ?? 1)
  const weightsBytes = (params * bpp.weights) / (stage >= 3 ? d : 1)
  const gradientsBytes = (params * bpp.gradients) / (stage >= 2 ? d : 1)
  const optimizerBytes = (params * bpp.optimizer) / (stage >= 1 ? d : 1)
  return {
    weightsBytes,
    gradientsBytes,
    optimizerBytes,
    totalBytes: weightsBytes + gradientsBytes + optimizerBytes,
  }
}

/** A GPT-style decoder for parameter counting. */
export interface TransformerDims {
  readonly layers: number
  readonly hidden: number
  readonly vocab: number
  readonly seq: number
}

/**
 * Parameters of a GPT-style model with learned position embeddings and tied output embedding:
 * P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12·l·h)). Source: Narayanan et al. SC21 §5.1 (reproduces their Table 1
 * to 0.1 B). Exact for that architecture. O(1).
 */
export function transformerParams(d: TransformerDims): number {
  const { layers: l, hidden: h, vocab: v, seq: s } = d
  return 12 * l * h * h * (1 + 13 / (12 * h) + (v + s) / (12 * l * h))
}
