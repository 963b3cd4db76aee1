import { DnnperfError } from '@dnnperf/ir'

/**
 * A training graph has an edge from a backward node into a forward node. The Tarnawski model places each
 * backward node with its forward class-mates and orders stages by the forward graph, so such an edge has no
 * meaning (the reference programs abort on it).
 */
export class BackwardToForwardEdgeError extends DnnperfError {
  readonly code = 'BACKWARD_TO_FORWARD_EDGE'
  override readonly name = 'BackwardToForwardEdgeError'
  readonly from: string
  readonly to: string
  constructor(fields: { from: string; to: string }) {
    super(`edge ${fields.from} -> ${fields.to} runs from a backward node into a forward node`)
    this.from = fields.from
    this.to = fields.to
  }
}

/** A split handed to an evaluator does not describe a placement of the problem. */
export class InvalidSplitError extends DnnperfError {
  readonly code = 'INVALID_SPLIT'
  override readonly name = 'InvalidSplitError'
  readonly nodeId: string | undefined
  readonly detail: string
  constructor(fields: { detail: string; nodeId?: string | undefined }) {
    super(
      fields.nodeId === undefined
        ? `invalid split: ${fields.detail}`
        : `invalid split at node ${fields.nodeId}: ${fields.detail}`,
    )
    this.nodeId = fields.nodeId
    this.detail = fields.detail
  }
}

/** The requested placement method or objective is not implemented (yet) by this package. */
export class MethodUnavailableError extends DnnperfError {
  readonly code = 'METHOD_UNAVAILABLE'
  override readonly name = 'MethodUnavailableError'
  readonly method: string
  readonly objective: string
  readonly available: readonly string[]
  constructor(fields: { method: string; objective: string; available: readonly string[] }) {
    super(
      `method "${fields.method}" for objective "${fields.objective}" is not available; ` +
        `available: ${fields.available.join(', ')}`,
    )
    this.method = fields.method
    this.objective = fields.objective
    this.available = fields.available
  }
}
