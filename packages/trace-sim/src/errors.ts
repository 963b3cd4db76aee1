import { DnnperfError } from '@dnnperf/ir'

/**
 * A profiler trace cannot be used at all (not JSON, no `traceEvents`, not a Kineto trace). `line` and `column`
 * (1-based) locate a JSON syntax error when there is one; `field` names the offending key otherwise.
 * Recoverable defects are reported as warnings instead.
 */
export class TraceMalformedError extends DnnperfError {
  readonly code = 'TRACE_MALFORMED'
  override readonly name = 'TraceMalformedError'
  readonly source: string
  readonly field: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined
  readonly detail: string
  constructor(fields: { source: string; detail: string; field?: string; line?: number; column?: number }) {
    const where =
      fields.line !== undefined
        ? `line ${fields.line}${fields.column !== undefined ? ` column ${fields.column}` : ''}`
        : fields.field !== undefined
          ? `field "${fields.field}"`
          : 'document'
    super(`trace ${fields.source}: ${where}: ${fields.detail}`)
    this.source = fields.source
    this.field = fields.field
    this.line = fields.line
    this.column = fields.column
    this.detail = fields.detail
  }
}

/**
 * A what-if recipe needs information the input does not carry: execution traces have no training phases, no
 * launch correlation, and (host ETs) no GPU kernels. `needs` names what is missing.
 */
export class WhatIfUnsupportedError extends DnnperfError {
  readonly code = 'WHAT_IF_UNSUPPORTED'
  override readonly name = 'WhatIfUnsupportedError'
  readonly recipe: string
  readonly source: string
  readonly format: string
  readonly needs: string
  constructor(fields: { recipe: string; source: string; format: string; needs: string }) {
    super(
      `what-if "${fields.recipe}" cannot run on ${fields.source} (${fields.format}): it needs ${fields.needs}`,
    )
    this.recipe = fields.recipe
    this.source = fields.source
    this.format = fields.format
    this.needs = fields.needs
  }
}
