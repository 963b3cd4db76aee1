import { DnnperfError } from '@dnnperf/ir'

/**
 * A 3D-parallel plan cannot run as written: a degree that does not divide the device or layer count, a
 * schedule the plan cannot execute, a batch that does not split into microbatches. `field` names the plan
 * field at fault (`tensorParallel`, `chunksPerDevice`, `stageLayers[2]`, …) and `value` holds its value.
 */
export class InvalidPlanError extends DnnperfError {
  readonly code = 'PLAN_INVALID'
  override readonly name = 'InvalidPlanError'
  readonly field: string
  readonly value: unknown
  readonly reason: string
  constructor(fields: { field: string; value: unknown; reason: string }) {
    super(`plan field "${fields.field}" = ${JSON.stringify(fields.value)}: ${fields.reason}`)
    this.field = fields.field
    this.value = fields.value
    this.reason = fields.reason
  }
}
