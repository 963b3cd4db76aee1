import { type FieldReader, fieldReader, integerId, opt, unknownFields } from './json-fields.js'
import type {
  JsonObject,
  JsonValue,
  PlacementEdge,
  PlacementNode,
  PlacementProblem,
  TensorParallelConfig,
} from './types.js'
import { validatePlacementProblem } from './validate.js'

const FORMAT = 'piper'
const TOP_KEYS = [
  'maxDevices',
  'maxMemoryPerDevice',
  'bandwidth',
  'mbsInBatch',
  'maxBatchSize',
  'nodes',
  'edges',
]
const NODE_KEYS = ['id', 'name', 'TMPCs']
const TMPC_KEYS = [
  'id',
  'timePerSample',
  'parameterSize',
  'memoryUsageA',
  'memoryUsageB',
  'syncTimeFw',
  'syncTimeBw',
]
const EDGE_KEYS = ['sourceId', 'destId', 'communicationCost']

function byteMap(r: FieldReader, value: JsonValue | undefined, path: string): Record<string, number> {
  const obj = r.object(value, path)
  const out: Record<string, number> = {}
  for (const key of Object.keys(obj)) out[key] = r.number(obj, key, path)
  return out
}

/**
 * Read a Piper (Tarnawski et al., NeurIPS 2021, msr-fiddle/piper) input document: `maxDevices`,
 * `maxMemoryPerDevice` (bytes), `bandwidth` (bytes/s), `mbsInBatch` (alias `maxBatchSize`), nodes with `TMPCs`
 * per tensor-parallel width (→ `tensorParallel`), edges with `communicationCost` bytes (→ `bytes`). Times are
 * seconds. `syncTimeFw`/`syncTimeBw` keys must be exactly the node's in-/out-neighbours, as the reference
 * checks. Unknown fields go to `extras`. Exact, O(V + E + number of TMPCs).
 *
 * @throws FormatError (`FORMAT_INVALID`) for a missing or mistyped field or mismatched sync keys.
 * @throws every error of {@link validatePlacementProblem}.
 */
export function importPiper(input: string | JsonValue): PlacementProblem {
  const r: FieldReader = fieldReader(FORMAT)
  const doc = r.object(typeof input === 'string' ? r.parse(input) : input, '$')
  const edges: PlacementEdge[] = r.array(doc.edges, '$.edges').map((value, i) => {
    const path = `$.edges[${i}]`
    const e = r.object(value, path)
    return {
      from: String(r.integer(e, 'sourceId', path)),
      to: String(r.integer(e, 'destId', path)),
      bytes: r.number(e, 'communicationCost', path),
      ...opt('extras', unknownFields(e, EDGE_KEYS)),
    }
  })
  const preds = new Map<string, string[]>()
  const succs = new Map<string, string[]>()
  for (const e of edges) {
    preds.set(e.to, [...(preds.get(e.to) ?? []), e.from])
    succs.set(e.from, [...(succs.get(e.from) ?? []), e.to])
  }
  const sameKeys = (found: Record<string, number>, expected: string[] | undefined, path: string): void => {
    const a = Object.keys(found).sort()
    const b = [...new Set(expected ?? [])].sort()
    if (a.length !== b.length || a.some((k, i) => k !== b[i])) {
      r.fail(path, `keys [${a.join(', ')}] must be exactly the neighbours [${b.join(', ')}]`)
    }
  }
  const nodes: PlacementNode[] = r.array(doc.nodes, '$.nodes').map((value, i) => {
    const path = `$.nodes[${i}]`
    const n = r.object(value, path)
    const id = String(r.integer(n, 'id', path))
    const tmpcs = r.object(n.TMPCs, `${path}.TMPCs`)
    const tensorParallel: Record<string, TensorParallelConfig[]> = {}
    for (const width of Object.keys(tmpcs)) {
      tensorParallel[width] = r.array(tmpcs[width], `${path}.TMPCs.${width}`).map((cv, j) => {
        const cpath = `${path}.TMPCs.${width}[${j}]`
        const c = r.object(cv, cpath)
        const syncBytesIn = byteMap(r, c.syncTimeFw, `${cpath}.syncTimeFw`)
        const syncBytesOut = byteMap(r, c.syncTimeBw, `${cpath}.syncTimeBw`)
        sameKeys(syncBytesIn, preds.get(id), `${cpath}.syncTimeFw`)
        sameKeys(syncBytesOut, succs.get(id), `${cpath}.syncTimeBw`)
        return {
          id: r.string(c, 'id', cpath),
          timePerSampleS: r.number(c, 'timePerSample', cpath),
          parameterBytes: r.number(c, 'parameterSize', cpath),
          memoryBytesPerMicrobatch: r.number(c, 'memoryUsageA', cpath),
          memoryBytesFixed: r.number(c, 'memoryUsageB', cpath),
          syncBytesIn,
          syncBytesOut,
          ...opt('extras', unknownFields(c, TMPC_KEYS)),
        }
      })
    }
    return {
      id,
      ...opt('name', r.optionalString(n, 'name', path)),
      role: 'forward',
      tensorParallel,
      ...opt('extras', unknownFields(n, NODE_KEYS)),
    }
  })
  const batchKey =
    doc.mbsInBatch === undefined && doc.maxBatchSize !== undefined ? 'maxBatchSize' : 'mbsInBatch'
  const problem: PlacementProblem = {
    schemaVersion: 1,
    format: FORMAT,
    timeUnit: 's',
    nodes,
    edges,
    resources: {
      acceleratorCount: r.integer(doc, 'maxDevices', '$'),
      acceleratorMemoryBytes: r.number(doc, 'maxMemoryPerDevice', '$'),
      bandwidthBytesPerS: r.number(doc, 'bandwidth', '$'),
      microbatchCount: r.integer(doc, batchKey, '$'),
    },
    ...opt('extras', unknownFields(doc, TOP_KEYS)),
  }
  validatePlacementProblem(problem)
  return problem
}

/**
 * Write a problem as a Piper input document (the inverse of {@link importPiper}); nodes need
 * `tensorParallel` configurations with Piper's fields and integer-string ids. O(V + E + TMPCs).
 *
 * @throws FormatError (`FORMAT_INVALID`) when the problem cannot be expressed in this format.
 */
export function exportPiper(problem: PlacementProblem): JsonObject {
  const r: FieldReader = fieldReader(FORMAT)
  const res = problem.resources
  const need = (v: number | undefined, path: string): number => v ?? r.fail(path, 'required for Piper')
  const nodes = problem.nodes.map((n, i) => {
    const path = `nodes[${i}]`
    const TMPCs: Record<string, JsonObject[]> = {}
    for (const [width, configs] of Object.entries(n.tensorParallel ?? {})) {
      TMPCs[width] = configs.map((c, j) => {
        const cpath = `${path}.tensorParallel.${width}[${j}]`
        return {
          ...c.extras,
          id: c.id ?? r.fail(`${cpath}.id`, 'required for Piper'),
          timePerSample: need(c.timePerSampleS, `${cpath}.timePerSampleS`),
          parameterSize: need(c.parameterBytes, `${cpath}.parameterBytes`),
          memoryUsageA: need(c.memoryBytesPerMicrobatch, `${cpath}.memoryBytesPerMicrobatch`),
          memoryUsageB: need(c.memoryBytesFixed, `${cpath}.memoryBytesFixed`),
          syncTimeFw: { ...c.syncBytesIn },
          syncTimeBw: { ...c.syncBytesOut },
        }
      })
    }
    return { ...n.extras, id: integerId(FORMAT, n.id, `${path}.id`), ...opt('name', n.name), TMPCs }
  })
  const edges = problem.edges.map((e, i) => ({
    ...e.extras,
    sourceId: integerId(FORMAT, e.from, `edges[${i}].from`),
    destId: integerId(FORMAT, e.to, `edges[${i}].to`),
    communicationCost: need(e.bytes, `edges[${i}].bytes`),
  }))
  return {
    maxDevices: need(res.acceleratorCount, 'resources.acceleratorCount'),
    maxMemoryPerDevice: need(res.acceleratorMemoryBytes, 'resources.acceleratorMemoryBytes'),
    bandwidth: need(res.bandwidthBytesPerS, 'resources.bandwidthBytesPerS'),
    mbsInBatch: need(res.microbatchCount, 'resources.microbatchCount'),
    nodes,
    edges,
    ...problem.extras,
  } as JsonObject
}
