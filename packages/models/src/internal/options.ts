import type { DType } from '@dnnperf/ir'
import { InvalidValueError, isDType } from '@dnnperf/ir'
import type { BuildOptions } from '../types.js'

/** Resolved build options: every field present and checked. */
export interface ResolvedOptions {
  readonly batchSize: number
  readonly seqLen: number
  readonly dtype: DType
  readonly imageSize: number
}

/** A positive safe integer, or InvalidValueError naming `model` and `field`. */
export function positiveInt(model: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidValueError({ at: model, field, value, expected: 'a positive integer' })
  }
  return value
}

/** Fill defaults and check every option once, so builders see only valid numbers. */
export function resolveOptions(
  model: string,
  options: BuildOptions,
  defaults: { batchSize: number; seqLen?: number; dtype: DType; imageSize?: number },
): ResolvedOptions {
  const dtype = options.dtype ?? defaults.dtype
  if (!isDType(dtype))
    throw new InvalidValueError({ at: model, field: 'dtype', value: dtype, expected: 'a dtype' })
  return {
    batchSize: positiveInt(model, 'batchSize', options.batchSize ?? defaults.batchSize),
    seqLen: positiveInt(model, 'seqLen', options.seqLen ?? defaults.seqLen ?? 1),
    dtype,
    imageSize: positiveInt(model, 'imageSize', options.imageSize ?? defaults.imageSize ?? 224),
  }
}
