/**
 * Errors specific to the cost model. Bad numbers in a hardware description reuse `InvalidValueError` from the
 * IR (its `at` is the hardware name and `field` the object path, e.g. `offChip.bandwidthBytesPerS`).
 */
import { DnnperfError } from '@dnnperf/ir'

/** The hardware has no peak for a dtype the op needs: `field` names the missing key (`peakFlopPerS.fp8`). */
export class UnsupportedDtypeError extends DnnperfError {
  readonly code = 'UNSUPPORTED_DTYPE'
  override readonly name = 'UnsupportedDtypeError'
  readonly hardware: string
  readonly dtype: string
  readonly field: string
  readonly known: readonly string[]
  constructor(fields: { hardware: string; dtype: string; field: string; known: readonly string[] }) {
    super(
      `${fields.hardware}: no ${fields.field} for dtype "${fields.dtype}"; known: ${fields.known.join(', ') || 'none'}`,
    )
    this.hardware = fields.hardware
    this.dtype = fields.dtype
    this.field = fields.field
    this.known = fields.known
  }
}

/** A hardware description lacks a component an op needs (for example a vector op on a chip without vector units). */
export class MissingHardwareFieldError extends DnnperfError {
  readonly code = 'HARDWARE_FIELD_MISSING'
  override readonly name = 'MissingHardwareFieldError'
  readonly hardware: string
  readonly field: string
  constructor(fields: { hardware: string; field: string; detail: string }) {
    super(`${fields.hardware}: field "${fields.field}" is missing: ${fields.detail}`)
    this.hardware = fields.hardware
    this.field = fields.field
  }
}
