import { SchemaVersionError } from '../errors.js'
import { type FieldReader, fieldReader } from './json-fields.js'
import type { JsonValue, PlacementProblem } from './types.js'
import { validatePlacementProblem } from './validate.js'

/** A placement problem as dnnperf's own JSON text (schema version 1). The problem is plain data. O(size). */
export function serialisePlacementProblem(problem: PlacementProblem): string {
  return JSON.stringify(problem)
}

/**
 * Read dnnperf's own placement-problem JSON (as written by {@link serialisePlacementProblem}) and validate it.
 * O(size).
 *
 * @throws FormatError (`FORMAT_INVALID`) when the text is not JSON or the top-level shape is wrong.
 * @throws SchemaVersionError (`SCHEMA_VERSION`) for a version other than 1.
 * @throws every error of {@link validatePlacementProblem}.
 */
export function parsePlacementProblem(input: string | JsonValue): PlacementProblem {
  const r: FieldReader = fieldReader('dnnperf')
  const doc = r.object(typeof input === 'string' ? r.parse(input) : input, '$')
  if (doc.schemaVersion !== 1) throw new SchemaVersionError({ found: doc.schemaVersion, supported: 1 })
  r.array(doc.nodes, '$.nodes').forEach((n, i) => {
    const node = r.object(n, `$.nodes[${i}]`)
    r.string(node, 'id', `$.nodes[${i}]`)
    r.string(node, 'role', `$.nodes[${i}]`)
    if (node.timeByDevice !== undefined) r.object(node.timeByDevice, `$.nodes[${i}].timeByDevice`)
  })
  r.array(doc.edges, '$.edges').forEach((e, i) => {
    const edge = r.object(e, `$.edges[${i}]`)
    r.string(edge, 'from', `$.edges[${i}]`)
    r.string(edge, 'to', `$.edges[${i}]`)
  })
  r.object(doc.resources, '$.resources')
  r.string(doc, 'format', '$')
  r.string(doc, 'timeUnit', '$')
  const problem = doc as unknown as PlacementProblem
  validatePlacementProblem(problem)
  return problem
}
