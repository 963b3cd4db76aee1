import type { DType } from './dtype.js'
import { dtypeBytes } from './dtype.js'

/** Shape and element type of a tensor; dimensions are non-negative integers. */
export interface TensorSpec {
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** Number of elements (1 for a scalar of shape []). */
export function tensorElements(t: TensorSpec): number {
  let n = 1
  for (const d of t.shape) n *= d
  return n
}

/** Storage size of the tensor, in bytes. */
export function tensorBytes(t: TensorSpec): number {
  return tensorElements(t) * dtypeBytes(t.dtype)
}

/** True when both tensors have the same shape and dtype. */
export function sameTensorSpec(a: TensorSpec, b: TensorSpec): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false
  for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return false
  return true
}

/** `[2, 3, 4] fp32`: a compact human form used in error messages. */
export function formatTensorSpec(t: TensorSpec): string {
  return `[${t.shape.join(', ')}] ${t.dtype}`
}
