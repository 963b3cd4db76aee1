import { type FieldReader, fieldReader, integerId, opt, unknownFields } from './json-fields.js'
import type {
  JsonObject,
  JsonValue,
  PlacementEdge,
  PlacementNode,
  PlacementProblem,
  PlacementTraining,
  TensorParallelConfig,
} from './types.js'
import { validatePlacementProblem } from './validate.js'

const FORMAT = 'phaze'
const TOP_KEYS = [
  'maxMemoryPerDevice',
  'maxDevices',
  'bandwidth',
  'mbsInBatch',
  'nodes',
  'edges',
  'activationRecomputation',
  'optimizerAlgorithm',
  'fixedPP',
  'fixedTMPC',
  'fixedDP',
  'numTransformerLayers',
]
const NODE_KEYS = [
  'id',
  'parameterSize',
  'activationSize',
  'optimalLatencyFw',
  'optimalLatencyBw',
  'isTensorParallelized',
]
const EDGE_KEYS = ['sourceId', 'destId', 'communicationCost']

/**
 * Read a PHAZE (Wang et al., ICML 2024) device-placement solver input: scalars `maxMemoryPerDevice` (bytes),
 * `maxDevices`, `bandwidth` (bytes/s), `mbsInBatch` (number of microbatches), and per tensor-parallel width
 * `t` a node list (`optimalLatencyFw`/`Bw` in seconds, `parameterSize`/`activationSize` bytes,
 * `isTensorParallelized`) and an edge list (`communicationCost` bytes). Each node becomes one
 * {@link PlacementNode} whose `tensorParallel[t]` holds that width's record; each edge gets
 * `bytesByTensorWidth`. Node and edge order follow the first width. Exact, O(widths × (V + E)).
 *
 * @throws FormatError (`FORMAT_INVALID`) for a missing or mistyped field, or when widths disagree on the node
 *   or edge set (the reference requires identical sets).
 * @throws every error of {@link validatePlacementProblem}.
 */
export function importPhaze(input: string | JsonValue): PlacementProblem {
  const r: FieldReader = fieldReader(FORMAT)
  const doc = r.object(typeof input === 'string' ? r.parse(input) : input, '$')
  const nodesByWidth = r.object(doc.nodes, '$.nodes')
  const edgesByWidth = r.object(doc.edges, '$.edges')
  const widths = Object.keys(nodesByWidth)
  if (widths.length === 0) r.fail('$.nodes', 'needs at least one tensor-parallel width')
  const edgeWidths = Object.keys(edgesByWidth)
  if (edgeWidths.length !== widths.length || edgeWidths.some((w) => !(w in nodesByWidth))) {
    r.fail('$.edges', `widths [${edgeWidths.join(', ')}] differ from the node widths [${widths.join(', ')}]`)
  }

  const nodeOrder: string[] = []
  const configs = new Map<string, Record<string, TensorParallelConfig[]>>()
  widths.forEach((width, wi) => {
    const list = r.array(nodesByWidth[width], `$.nodes.${width}`)
    if (wi > 0 && list.length !== nodeOrder.length) {
      r.fail(`$.nodes.${width}`, `has ${list.length} nodes; width ${widths[0]} has ${nodeOrder.length}`)
    }
    list.forEach((value, i) => {
      const path = `$.nodes.${width}[${i}]`
      const n = r.object(value, path)
      const id = String(r.integer(n, 'id', path))
      let entry = configs.get(id)
      if (wi === 0) {
        if (entry !== undefined) r.fail(`${path}.id`, `node id ${id} is used twice`)
        nodeOrder.push(id)
        entry = {}
        configs.set(id, entry)
      } else if (entry === undefined || entry[width] !== undefined) {
        r.fail(`${path}.id`, `node ${id} is not in width ${widths[0]}'s node set or repeats`)
      }
      const tp = n.isTensorParallelized
      if (typeof tp !== 'boolean') r.fail(`${path}.isTensorParallelized`, 'expected a boolean')
      const extras = unknownFields(n, NODE_KEYS)
      entry[width] = [
        {
          forwardS: r.number(n, 'optimalLatencyFw', path),
          backwardS: r.number(n, 'optimalLatencyBw', path),
          parameterBytes: r.number(n, 'parameterSize', path),
          activationBytes: r.number(n, 'activationSize', path),
          tensorParallelized: tp as boolean,
          ...opt('extras', extras),
        },
      ]
    })
  })

  const edgeOrder: Array<{ from: string; to: string }> = []
  const edgeBytes = new Map<string, Record<string, number>>()
  const edgeExtras = new Map<string, JsonObject>()
  widths.forEach((width, wi) => {
    const list = r.array(edgesByWidth[width], `$.edges.${width}`)
    if (wi > 0 && list.length !== edgeOrder.length) {
      r.fail(`$.edges.${width}`, `has ${list.length} edges; width ${widths[0]} has ${edgeOrder.length}`)
    }
    list.forEach((value, i) => {
      const path = `$.edges.${width}[${i}]`
      const e = r.object(value, path)
      const from = String(r.integer(e, 'sourceId', path))
      const to = String(r.integer(e, 'destId', path))
      const key = `${from}->${to}`
      let bytes = edgeBytes.get(key)
      if (wi === 0) {
        if (bytes !== undefined) r.fail(path, `parallel edge ${key}`)
        bytes = {}
        edgeBytes.set(key, bytes)
        edgeOrder.push({ from, to })
      } else if (bytes === undefined || bytes[width] !== undefined) {
        r.fail(path, `edge ${key} is not in width ${widths[0]}'s edge set or repeats`)
      }
      bytes[width] = r.number(e, 'communicationCost', path)
      const extras = unknownFields(e, EDGE_KEYS)
      if (extras !== undefined) edgeExtras.set(`${width}/${key}`, extras)
    })
  })

  // Per-width unknown fields are kept on the per-width config; edges keep theirs keyed by width.
  const nodes: PlacementNode[] = nodeOrder.map((id) => ({
    id,
    role: 'forward',
    tensorParallel: configs.get(id)!,
  }))
  const edges: PlacementEdge[] = edgeOrder.map(({ from, to }) => {
    const key = `${from}->${to}`
    const extras: Record<string, JsonValue> = {}
    for (const width of widths) {
      const x = edgeExtras.get(`${width}/${key}`)
      if (x !== undefined) extras[width] = x
    }
    return {
      from,
      to,
      bytesByTensorWidth: edgeBytes.get(key)!,
      ...(Object.keys(extras).length > 0 ? { extras: { byTensorWidth: extras } } : {}),
    }
  })
  const optBool = (key: string): boolean | undefined => {
    const v = doc[key]
    if (v !== undefined && typeof v !== 'boolean') r.fail(`$.${key}`, 'expected a boolean')
    return v as boolean | undefined
  }
  const optInt = (key: string): number | undefined =>
    doc[key] === undefined ? undefined : r.integer(doc, key, '$')
  const training: PlacementTraining = {
    ...opt('activationRecomputation', optBool('activationRecomputation')),
    ...opt('optimizer', r.optionalString(doc, 'optimizerAlgorithm', '$')),
    ...opt('fixedPipelineStages', optInt('fixedPP')),
    ...opt('fixedTensorWidth', optInt('fixedTMPC')),
    ...opt('fixedDataParallel', optInt('fixedDP')),
    ...opt('transformerLayerCount', optInt('numTransformerLayers')),
  }
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
      microbatchCount: r.integer(doc, 'mbsInBatch', '$'),
    },
    ...(Object.keys(training).length > 0 ? { training } : {}),
    ...opt('extras', unknownFields(doc, TOP_KEYS)),
  }
  validatePlacementProblem(problem)
  return problem
}

/**
 * Write a problem as a PHAZE solver input (the inverse of {@link importPhaze}). Every node needs one
 * configuration per width with `forwardS`, `backwardS`, `parameterBytes`, `activationBytes`; every edge
 * `bytesByTensorWidth` for the same widths. O(widths × (V + E)).
 *
 * @throws FormatError (`FORMAT_INVALID`) when the problem cannot be expressed in this format.
 */
export function exportPhaze(problem: PlacementProblem): JsonObject {
  const r: FieldReader = fieldReader(FORMAT)
  const res = problem.resources
  const need = <T>(v: T | undefined, path: string): T => v ?? r.fail(path, 'required for PHAZE')
  const widths = Object.keys(problem.nodes[0]?.tensorParallel ?? {})
  const nodes: Record<string, JsonObject[]> = {}
  const edges: Record<string, JsonObject[]> = {}
  for (const width of widths) {
    nodes[width] = problem.nodes.map((n, i) => {
      const path = `nodes[${i}].tensorParallel.${width}`
      const c = need(n.tensorParallel?.[width]?.[0], path)
      return {
        ...c.extras,
        id: integerId(FORMAT, n.id, `nodes[${i}].id`),
        parameterSize: need(c.parameterBytes, `${path}.parameterBytes`),
        activationSize: need(c.activationBytes, `${path}.activationBytes`),
        optimalLatencyFw: need(c.forwardS, `${path}.forwardS`),
        optimalLatencyBw: need(c.backwardS, `${path}.backwardS`),
        isTensorParallelized: c.tensorParallelized ?? false,
      }
    })
    edges[width] = problem.edges.map((e, i) => {
      const byWidth = e.extras?.byTensorWidth as Record<string, JsonObject> | undefined
      return {
        ...byWidth?.[width],
        sourceId: integerId(FORMAT, e.from, `edges[${i}].from`),
        destId: integerId(FORMAT, e.to, `edges[${i}].to`),
        communicationCost: need(e.bytesByTensorWidth?.[width], `edges[${i}].bytesByTensorWidth.${width}`),
      }
    })
  }
  const t = problem.training
  return {
    maxMemoryPerDevice: need(res.acceleratorMemoryBytes, 'resources.acceleratorMemoryBytes'),
    maxDevices: need(res.acceleratorCount, 'resources.acceleratorCount'),
    bandwidth: need(res.bandwidthBytesPerS, 'resources.bandwidthBytesPerS'),
    mbsInBatch: need(res.microbatchCount, 'resources.microbatchCount'),
    nodes,
    edges,
    ...opt('activationRecomputation', t?.activationRecomputation),
    ...opt('optimizerAlgorithm', t?.optimizer),
    ...opt('fixedPP', t?.fixedPipelineStages),
    ...opt('fixedTMPC', t?.fixedTensorWidth),
    ...opt('fixedDP', t?.fixedDataParallel),
    ...opt('numTransformerLayers', t?.transformerLayerCount),
    ...problem.extras,
  } as JsonObject
}
