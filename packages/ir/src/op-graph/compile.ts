import type { CompiledDag } from '../graph/compiled-dag.js'
import { builtinOpKinds } from './builtin-kinds.js'
import { opBytes, opFlop } from './registry.js'
import type { EngineClass, OpGraph, Phase } from './types.js'
import type { RegistryOptions } from './validate.js'
import { validateOpGraph } from './validate.js'

/** Engine classes in the order {@link CompiledOpGraph.engine} codes them. */
export const ENGINE_CLASSES: readonly EngineClass[] = ['matrix', 'vector', 'memory', 'collective', 'none']
/** Phases in the order {@link CompiledOpGraph.phase} codes them. */
export const PHASES: readonly Phase[] = ['forward', 'backward', 'optimizer']

/**
 * An op graph compiled for hot loops: the DAG in CSR form plus per-node costs in typed arrays, indexed like
 * `dag.nodeIds` (which is `graph.nodes` order).
 */
export interface CompiledOpGraph {
  readonly graph: OpGraph
  readonly dag: CompiledDag
  readonly flop: Float64Array
  readonly bytes: Float64Array
  /** Index into {@link ENGINE_CLASSES}. */
  readonly engine: Uint8Array
  /** Index into {@link PHASES}. */
  readonly phase: Uint8Array
  /** Index into `layers`, or -1 for ops without a layer label. */
  readonly layerIndex: Int32Array
  readonly layers: readonly string[]
}

/** Validate and compile an op graph. O(V + E). Throws what {@link validateOpGraph} throws. */
export function compileOpGraph(graph: OpGraph, options: RegistryOptions = {}): CompiledOpGraph {
  const registry = options.registry ?? builtinOpKinds
  const dag = validateOpGraph(graph, { registry })
  const n = graph.nodes.length
  const flop = new Float64Array(n)
  const bytes = new Float64Array(n)
  const engine = new Uint8Array(n)
  const phase = new Uint8Array(n)
  const layerIndex = new Int32Array(n)
  const layers: string[] = []
  const layerOf = new Map<string, number>()
  graph.nodes.forEach((node, i) => {
    flop[i] = opFlop(node, registry)
    bytes[i] = opBytes(node, registry)
    engine[i] = ENGINE_CLASSES.indexOf(registry.get(node.kind, node.id).engine)
    phase[i] = PHASES.indexOf(node.phase)
    if (node.layer === undefined) {
      layerIndex[i] = -1
    } else {
      let l = layerOf.get(node.layer)
      if (l === undefined) {
        l = layers.length
        layers.push(node.layer)
        layerOf.set(node.layer, l)
      }
      layerIndex[i] = l
    }
  })
  return { graph, dag, flop, bytes, engine, phase, layerIndex, layers }
}
