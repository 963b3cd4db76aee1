/**
 * Typed errors shared by every dnnperf package. Each class carries a stable `code` and plain-data fields naming
 * the offending node, field or line, so callers branch on `code` and the CLI can print `{ code, ...fields }`.
 */

const DNNPERF_ERROR = Symbol.for('dnnperf.error') // still matches when two copies of the IR are installed

/** Base class of every error dnnperf throws on purpose. */
export abstract class DnnperfError extends Error {
  readonly [DNNPERF_ERROR] = true
  abstract readonly code: string

  /** The error as plain JSON: `{ code, message, ...fields }`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message }
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'stack' && key !== 'message' && key !== 'code' && key !== 'name') out[key] = value
    }
    return out
  }
}

/** True for any dnnperf error, from this or another installed copy of the package. */
export const isDnnperfError = (u: unknown): u is DnnperfError =>
  typeof u === 'object' && u !== null && DNNPERF_ERROR in u

/** The graph has a directed cycle; `nodeId` lies on it and `cycle` lists it in order. */
export class GraphCycleError extends DnnperfError {
  readonly code = 'GRAPH_CYCLE'
  override readonly name = 'GraphCycleError'
  readonly nodeId: string
  readonly cycle: readonly string[]
  constructor(fields: { nodeId: string; cycle: readonly string[] }) {
    super(`graph has a cycle through node "${fields.nodeId}": ${fields.cycle.join(' -> ')}`)
    this.nodeId = fields.nodeId
    this.cycle = fields.cycle
  }
}

/** An edge names a node that does not exist. */
export class DanglingEdgeError extends DnnperfError {
  readonly code = 'GRAPH_DANGLING_EDGE'
  override readonly name = 'DanglingEdgeError'
  readonly from: string
  readonly to: string
  readonly missingNodeId: string
  constructor(fields: { from: string; to: string; missingNodeId: string }) {
    super(`edge ${fields.from} -> ${fields.to} names unknown node "${fields.missingNodeId}"`)
    this.from = fields.from
    this.to = fields.to
    this.missingNodeId = fields.missingNodeId
  }
}

/** Two nodes share an id. */
export class DuplicateNodeError extends DnnperfError {
  readonly code = 'GRAPH_DUPLICATE_NODE'
  override readonly name = 'DuplicateNodeError'
  readonly nodeId: string
  constructor(fields: { nodeId: string }) {
    super(`node id "${fields.nodeId}" is used twice`)
    this.nodeId = fields.nodeId
  }
}

/** An op names a kind that the registry does not know. */
export class UnknownOpKindError extends DnnperfError {
  readonly code = 'UNKNOWN_OP_KIND'
  override readonly name = 'UnknownOpKindError'
  readonly nodeId: string | undefined
  readonly kind: string
  constructor(fields: { kind: string; nodeId?: string | undefined }) {
    super(
      fields.nodeId === undefined
        ? `unknown op kind "${fields.kind}"`
        : `node "${fields.nodeId}" has unknown op kind "${fields.kind}"`,
    )
    this.kind = fields.kind
    this.nodeId = fields.nodeId
  }
}

/** A number that must be finite and non-negative is not (a cost, a size, a count). */
export class InvalidValueError extends DnnperfError {
  readonly code = 'INVALID_VALUE'
  override readonly name = 'InvalidValueError'
  /** Where the value lives: a node id, an edge `a->b`, or an object path. */
  readonly at: string
  readonly field: string
  readonly value: unknown
  readonly expected: string
  constructor(fields: { at: string; field: string; value: unknown; expected: string }) {
    super(`${fields.at}: field "${fields.field}" is ${String(fields.value)}; expected ${fields.expected}`)
    this.at = fields.at
    this.field = fields.field
    this.value = fields.value
    this.expected = fields.expected
  }
}

/** Tensor shapes do not agree where an op needs them to. */
export class ShapeMismatchError extends DnnperfError {
  readonly code = 'SHAPE_MISMATCH'
  override readonly name = 'ShapeMismatchError'
  readonly nodeId: string
  readonly detail: string
  constructor(fields: { nodeId: string; detail: string }) {
    super(`node "${fields.nodeId}": shape mismatch: ${fields.detail}`)
    this.nodeId = fields.nodeId
    this.detail = fields.detail
  }
}

/** A serialised document is not valid for its format: `path` points at the offending field or line. */
export class FormatError extends DnnperfError {
  readonly code = 'FORMAT_INVALID'
  override readonly name = 'FormatError'
  readonly format: string
  readonly path: string
  readonly detail: string
  constructor(fields: { format: string; path: string; detail: string }) {
    super(`${fields.format}: ${fields.path}: ${fields.detail}`)
    this.format = fields.format
    this.path = fields.path
    this.detail = fields.detail
  }
}

/** A JSON document was written by a schema version this library cannot read. */
export class SchemaVersionError extends DnnperfError {
  readonly code = 'SCHEMA_VERSION'
  override readonly name = 'SchemaVersionError'
  readonly found: unknown
  readonly supported: number
  constructor(fields: { found: unknown; supported: number }) {
    super(
      `schema version ${String(fields.found)} is not supported (this library reads version ${fields.supported})`,
    )
    this.found = fields.found
    this.supported = fields.supported
  }
}

/** An enumeration would exceed its configured limit (ideals of a wide graph, plans of a huge space). */
export class LimitExceededError extends DnnperfError {
  readonly code = 'LIMIT_EXCEEDED'
  override readonly name = 'LimitExceededError'
  readonly what: string
  readonly limit: number
  constructor(fields: { what: string; limit: number }) {
    super(
      `${fields.what} exceeds the configured limit of ${fields.limit}; raise the limit or contract the graph`,
    )
    this.what = fields.what
    this.limit = fields.limit
  }
}

/** A name (model, preset, layer) is not known. */
export class NotFoundError extends DnnperfError {
  readonly code = 'NOT_FOUND'
  override readonly name = 'NotFoundError'
  readonly what: string
  readonly key: string
  readonly known: readonly string[]
  constructor(fields: { what: string; key: string; known?: readonly string[] }) {
    super(
      `unknown ${fields.what} "${fields.key}"` +
        (fields.known && fields.known.length > 0 ? `; known: ${fields.known.join(', ')}` : ''),
    )
    this.what = fields.what
    this.key = fields.key
    this.known = fields.known ?? []
  }
}
