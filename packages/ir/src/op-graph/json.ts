import { DTYPES } from '../dtype.js'
import { FormatError, SchemaVersionError } from '../errors.js'
import type { ControlEdge, JsonValue, OpEdge, OpGraph, OpNode, ParamSpec } from './types.js'
import type { RegistryOptions } from './validate.js'
import { validateOpGraph } from './validate.js'

/** Version of the op-graph JSON document this library writes and reads. */
export const OP_GRAPH_SCHEMA_VERSION = 1
const FORMAT = 'dnnperf.op-graph'

/** The JSON document of an op graph: the graph plus `format` and `schemaVersion`. */
export interface OpGraphDocument extends OpGraph {
  readonly format: typeof FORMAT
  readonly schemaVersion: typeof OP_GRAPH_SCHEMA_VERSION
}

/** The graph as a JSON document (a plain object). */
export function opGraphToDocument(graph: OpGraph): OpGraphDocument {
  return {
    format: FORMAT,
    schemaVersion: OP_GRAPH_SCHEMA_VERSION,
    name: graph.name,
    metadata: graph.metadata,
    nodes: graph.nodes,
    edges: graph.edges,
    controlEdges: graph.controlEdges,
  }
}

/** The graph as JSON text. */
export function serializeOpGraph(graph: OpGraph, space?: number): string {
  return JSON.stringify(opGraphToDocument(graph), null, space)
}

/**
 * Read an op graph from JSON text or a parsed document, check its structure, then validate it.
 *
 * @throws SchemaVersionError (`SCHEMA_VERSION`) for documents of another version.
 * @throws FormatError (`FORMAT_INVALID`) with a JSON path to the first malformed field; then whatever
 * {@link validateOpGraph} throws.
 */
export function parseOpGraph(input: string | unknown, options: RegistryOptions = {}): OpGraph {
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch (err) {
      throw new FormatError({ format: FORMAT, path: '$', detail: `not JSON: ${(err as Error).message}` })
    }
  }
  const root = obj(doc, '$')
  if (root.format !== undefined && root.format !== FORMAT) fail('$.format', `expected "${FORMAT}"`)
  if (root.schemaVersion !== OP_GRAPH_SCHEMA_VERSION) {
    throw new SchemaVersionError({ found: root.schemaVersion, supported: OP_GRAPH_SCHEMA_VERSION })
  }
  const graph: OpGraph = {
    name: str(root.name, '$.name'),
    metadata:
      root.metadata === undefined ? {} : (obj(root.metadata, '$.metadata') as { [k: string]: JsonValue }),
    nodes: arr(root.nodes, '$.nodes').map((n, i) => readNode(n, `$.nodes[${i}]`)),
    edges: arr(root.edges, '$.edges').map((e, i) => readEdge(e, `$.edges[${i}]`)),
    controlEdges:
      root.controlEdges === undefined
        ? []
        : arr(root.controlEdges, '$.controlEdges').map((e, i) => readControl(e, `$.controlEdges[${i}]`)),
  }
  validateOpGraph(graph, options)
  return graph
}

function fail(path: string, detail: string): never {
  throw new FormatError({ format: FORMAT, path, detail })
}
function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object')
  return v as Record<string, unknown>
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array')
  return v
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'expected a string')
  return v
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number') fail(path, 'expected a number')
  return v
}
function tensor(v: unknown, path: string): { shape: number[]; dtype: (typeof DTYPES)[number] } {
  const o = obj(v, path)
  const shape = arr(o.shape, `${path}.shape`).map((d, i) => num(d, `${path}.shape[${i}]`))
  const dtype = str(o.dtype, `${path}.dtype`)
  if (!(DTYPES as readonly string[]).includes(dtype)) fail(`${path}.dtype`, `unknown dtype "${dtype}"`)
  return { shape, dtype: dtype as (typeof DTYPES)[number] }
}
function readNode(v: unknown, path: string): OpNode {
  const o = obj(v, path)
  const phase = o.phase === undefined ? 'forward' : str(o.phase, `${path}.phase`)
  if (phase !== 'forward' && phase !== 'backward' && phase !== 'optimizer')
    fail(`${path}.phase`, `unknown phase "${phase}"`)
  const params = o.params === undefined ? [] : arr(o.params, `${path}.params`)
  const gradRole = o.gradRole === undefined ? undefined : str(o.gradRole, `${path}.gradRole`)
  if (gradRole !== undefined && gradRole !== 'data' && gradRole !== 'weight')
    fail(`${path}.gradRole`, 'expected "data" or "weight"')
  return {
    id: str(o.id, `${path}.id`),
    kind: str(o.kind, `${path}.kind`),
    inputs: arr(o.inputs ?? [], `${path}.inputs`).map((t, i) => tensor(t, `${path}.inputs[${i}]`)),
    outputs: arr(o.outputs ?? [], `${path}.outputs`).map((t, i) => tensor(t, `${path}.outputs[${i}]`)),
    params: params.map(
      (p, i): ParamSpec => ({
        name: str(obj(p, `${path}.params[${i}]`).name, `${path}.params[${i}].name`),
        ...tensor(p, `${path}.params[${i}]`),
      }),
    ),
    attrs: o.attrs === undefined ? {} : (obj(o.attrs, `${path}.attrs`) as { [k: string]: JsonValue }),
    phase,
    ...(o.layer !== undefined ? { layer: str(o.layer, `${path}.layer`) } : {}),
    ...(o.gradOf !== undefined ? { gradOf: str(o.gradOf, `${path}.gradOf`) } : {}),
    ...(gradRole !== undefined ? { gradRole } : {}),
    ...(o.flop !== undefined ? { flop: num(o.flop, `${path}.flop`) } : {}),
    ...(o.bytes !== undefined ? { bytes: num(o.bytes, `${path}.bytes`) } : {}),
  }
}
function readEdge(v: unknown, path: string): OpEdge {
  const o = obj(v, path)
  return {
    from: str(o.from, `${path}.from`),
    to: str(o.to, `${path}.to`),
    fromOutput: o.fromOutput === undefined ? 0 : num(o.fromOutput, `${path}.fromOutput`),
    toInput: o.toInput === undefined ? 0 : num(o.toInput, `${path}.toInput`),
  }
}
function readControl(v: unknown, path: string): ControlEdge {
  const o = obj(v, path)
  return {
    from: str(o.from, `${path}.from`),
    to: str(o.to, `${path}.to`),
    ...(o.bytes !== undefined ? { bytes: num(o.bytes, `${path}.bytes`) } : {}),
  }
}
