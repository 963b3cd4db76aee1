import { FormatError } from '../errors.js'
import type { JsonValue } from '../op-graph/types.js'
import { importDnnPartitioning } from './dnn-partitioning.js'
import { parsePlacementProblem } from './json.js'
import { importPhaze } from './phaze.js'
import { importPiper } from './piper.js'
import type { PlacementFormat, PlacementProblem } from './types.js'

/** The JSON placement formats {@link readPlacementProblem} tells apart (DOT layer graphs have their own reader). */
export type PlacementJsonFormat = Exclude<PlacementFormat, 'phaze-dot'>

/** Which format a parsed document is in, from its keys; undefined when none matches. Exact. O(1). */
export function detectPlacementFormat(doc: unknown): PlacementJsonFormat | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined
  const o = doc as Record<string, unknown>
  if ('schemaVersion' in o) return 'dnnperf'
  if ('maxSizePerFPGA' in o || 'maxFPGAs' in o) return 'dnn-partitioning'
  const first = Array.isArray(o.nodes) ? (o.nodes[0] as Record<string, unknown> | undefined) : undefined
  if (first !== undefined && typeof first === 'object' && first !== null && 'TMPCs' in first) return 'piper'
  // PHAZE keys its node and edge lists by tensor-parallel width
  if (typeof o.nodes === 'object' && o.nodes !== null && !Array.isArray(o.nodes)) return 'phaze'
  return undefined
}

/**
 * Read a placement problem in any supported format (dnnperf JSON, Tarnawski et al.'s dnn-partitioning, Piper,
 * PHAZE), detected from the document's keys, and validate it.
 *
 * @throws FormatError (`FORMAT_INVALID`) when the format is not recognised or the text is not JSON; then
 *   whatever the format's importer throws.
 */
export function readPlacementProblem(input: string | JsonValue): {
  format: PlacementJsonFormat
  problem: PlacementProblem
} {
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch (err) {
      throw new FormatError({
        format: 'placement problem',
        path: '$',
        detail: `not JSON: ${(err as Error).message}`,
      })
    }
  }
  const format = detectPlacementFormat(doc)
  const json = doc as JsonValue
  switch (format) {
    case 'dnnperf':
      return { format, problem: parsePlacementProblem(json) }
    case 'dnn-partitioning':
      return { format, problem: importDnnPartitioning(json) }
    case 'piper':
      return { format, problem: importPiper(json) }
    case 'phaze':
      return { format, problem: importPhaze(json) }
    default:
      throw new FormatError({
        format: 'placement problem',
        path: '$',
        detail:
          'not a dnnperf, dnn-partitioning (maxSizePerFPGA), Piper (nodes with TMPCs) or PHAZE (nodes by width) document',
      })
  }
}
