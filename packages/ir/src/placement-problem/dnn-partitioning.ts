import { type FieldReader, fieldReader, integerId, opt, unknownFields } from './json-fields.js'
import type { JsonObject, JsonValue, PlacementEdge, PlacementNode, PlacementProblem } from './types.js'
import { validatePlacementProblem } from './validate.js'

const FORMAT = 'dnn-partitioning'
const TOP_KEYS = ['maxSizePerFPGA', 'maxFPGAs', 'maxCPUs', 'nodes', 'edges']
const NODE_KEYS = [
  'id',
  'name',
  'supportedOnFpga',
  'cpuLatency',
  'fpgaLatency',
  'isBackwardNode',
  'size',
  'colorClass',
  'layerId',
]
const EDGE_KEYS = ['sourceId', 'destId', 'cost', 'size', 'isArtificial']

/**
 * Read a Tarnawski et al. (NeurIPS 2020, msr-fiddle/dnn-partitioning) input document: `maxSizePerFPGA`,
 * `maxFPGAs`, `maxCPUs`, `nodes[]` (`fpgaLatency` → `timeByDevice.accelerator`, `cpuLatency` →
 * `timeByDevice.cpu`, `size` → `memoryBytes`, `colorClass`, `isBackwardNode` → role) and `edges[]` (`cost` →
 * `transferTime`, `size` → `bytes`, `isArtificial`). Times keep the instance's unit (`timeUnit: 'unspecified'`).
 * Unknown fields are kept in `extras`, and 0/1 booleans are remembered, so {@link exportDnnPartitioning}
 * writes an equivalent document. Exact, O(V + E).
 *
 * @param input the document, as text or parsed JSON.
 * @throws FormatError (`FORMAT_INVALID`) for a missing or mistyped field, with its JSON path.
 * @throws every error of {@link validatePlacementProblem} (bad numbers, duplicate ids, cycles, per-source
 *   edge costs that disagree).
 */
export function importDnnPartitioning(input: string | JsonValue): PlacementProblem {
  const r: FieldReader = fieldReader(FORMAT)
  const doc = r.object(typeof input === 'string' ? r.parse(input) : input, '$')
  const nodes: PlacementNode[] = r.array(doc.nodes, '$.nodes').map((value, i) => {
    const path = `$.nodes[${i}]`
    const n = r.object(value, path)
    const supported = r.boolish(n, 'supportedOnFpga', path)
    const backward = r.boolish(n, 'isBackwardNode', path)
    const numericBooleans = [
      ...(supported.numeric ? ['supportedOnFpga'] : []),
      ...(backward.numeric ? ['isBackwardNode'] : []),
    ]
    const colorClass = n.colorClass === undefined ? undefined : String(r.integer(n, 'colorClass', path))
    const layerId = n.layerId === undefined ? undefined : String(r.integer(n, 'layerId', path))
    return {
      id: String(r.integer(n, 'id', path)),
      ...opt('name', r.optionalString(n, 'name', path)),
      role: backward.value ? 'backward' : 'forward',
      timeByDevice: { accelerator: r.number(n, 'fpgaLatency', path), cpu: r.number(n, 'cpuLatency', path) },
      acceleratorSupported: supported.value,
      ...opt('memoryBytes', r.optionalNumber(n, 'size', path)),
      ...opt('colorClass', colorClass),
      ...opt('layerId', layerId),
      ...opt('extras', unknownFields(n, NODE_KEYS)),
      ...(numericBooleans.length > 0 ? { jsonHints: { numericBooleans } } : {}),
    }
  })
  const edges: PlacementEdge[] = r.array(doc.edges, '$.edges').map((value, i) => {
    const path = `$.edges[${i}]`
    const e = r.object(value, path)
    const artificial = e.isArtificial
    if (artificial !== undefined && typeof artificial !== 'boolean') {
      r.fail(`${path}.isArtificial`, 'expected a boolean')
    }
    return {
      from: String(r.integer(e, 'sourceId', path)),
      to: String(r.integer(e, 'destId', path)),
      transferTime: r.number(e, 'cost', path),
      ...opt('bytes', r.optionalNumber(e, 'size', path)),
      ...opt('artificial', artificial as boolean | undefined),
      ...opt('extras', unknownFields(e, EDGE_KEYS)),
    }
  })
  const problem: PlacementProblem = {
    schemaVersion: 1,
    format: FORMAT,
    timeUnit: 'unspecified',
    nodes,
    edges,
    resources: {
      acceleratorMemoryBytes: r.number(doc, 'maxSizePerFPGA', '$'),
      acceleratorCount: r.integer(doc, 'maxFPGAs', '$'),
      cpuCount: r.integer(doc, 'maxCPUs', '$'),
    },
    ...opt('extras', unknownFields(doc, TOP_KEYS)),
  }
  validatePlacementProblem(problem)
  return problem
}

/**
 * Write a problem as a Tarnawski et al. input document (the inverse of {@link importDnnPartitioning}). Node
 * ids, classes and layer ids must be integer strings; every node needs `timeByDevice.accelerator` and
 * `.cpu`, every edge a `transferTime`. O(V + E).
 *
 * @throws FormatError (`FORMAT_INVALID`) when the problem cannot be expressed in this format.
 */
export function exportDnnPartitioning(problem: PlacementProblem): JsonObject {
  const r: FieldReader = fieldReader(FORMAT)
  const res = problem.resources
  if (res.acceleratorMemoryBytes === undefined || res.acceleratorCount === undefined) {
    r.fail('resources', 'acceleratorMemoryBytes and acceleratorCount are required')
  }
  const nodes = problem.nodes.map((n, i) => {
    const path = `nodes[${i}]`
    const accelerator = n.timeByDevice?.accelerator
    const cpu = n.timeByDevice?.cpu
    if (accelerator === undefined || cpu === undefined) {
      r.fail(`${path}.timeByDevice`, `node ${n.id} needs both accelerator and cpu times`)
    }
    const numeric = n.jsonHints?.numericBooleans ?? []
    const bool = (key: string, v: boolean): boolean | number => (numeric.includes(key) ? (v ? 1 : 0) : v)
    return {
      ...n.extras,
      ...opt('name', n.name),
      id: integerId(FORMAT, n.id, `${path}.id`),
      supportedOnFpga: bool('supportedOnFpga', n.acceleratorSupported ?? true),
      cpuLatency: cpu,
      fpgaLatency: accelerator,
      isBackwardNode: bool('isBackwardNode', n.role === 'backward'),
      ...opt('colorClass', n.colorClass === undefined ? undefined : integerId(FORMAT, n.colorClass, path)),
      ...opt('layerId', n.layerId === undefined ? undefined : integerId(FORMAT, n.layerId, path)),
      ...opt('size', n.memoryBytes),
    }
  })
  const edges = problem.edges.map((e, i) => {
    const path = `edges[${i}]`
    if (e.transferTime === undefined)
      r.fail(`${path}.transferTime`, 'every edge needs a transfer time (cost)')
    return {
      ...e.extras,
      sourceId: integerId(FORMAT, e.from, `${path}.from`),
      destId: integerId(FORMAT, e.to, `${path}.to`),
      cost: e.transferTime,
      ...opt('size', e.bytes),
      ...opt('isArtificial', e.artificial),
    }
  })
  return {
    maxSizePerFPGA: res.acceleratorMemoryBytes,
    maxFPGAs: res.acceleratorCount,
    maxCPUs: res.cpuCount ?? 0,
    nodes,
    edges,
    ...problem.extras,
  } as JsonObject
}
