/** Element types of tensors, with their storage size. */
export type DType =
  | 'fp64'
  | 'fp32'
  | 'tf32'
  | 'fp16'
  | 'bf16'
  | 'fp8e4m3'
  | 'fp8e5m2'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool'

/** Bytes per element. tf32 is stored in 32-bit words. */
const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  fp64: 8,
  fp32: 4,
  tf32: 4,
  fp16: 2,
  bf16: 2,
  fp8e4m3: 1,
  fp8e5m2: 1,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
}

/** Every dtype the IR knows, in a stable order. */
export const DTYPES: readonly DType[] = Object.keys(DTYPE_BYTES) as DType[]

/** True when `s` names a known dtype. */
export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && Object.hasOwn(DTYPE_BYTES, s)
}

/** Storage size of one element of `dtype`, in bytes. */
export function dtypeBytes(dtype: DType): number {
  return DTYPE_BYTES[dtype]
}
