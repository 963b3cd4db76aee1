import { compileDag } from '../graph/compiled-dag.js'
import { tensorBytes, tensorElements } from '../tensor.js'
import { builtinOpKinds } from './builtin-kinds.js'
import { opBytes, opFlop } from './registry.js'
import type { OpGraph, OpNode } from './types.js'
import type { RegistryOptions } from './validate.js'
import { validateOpGraph } from './validate.js'

/** One node of a layer graph: the ops that share a label, with their costs summed. */
export interface LayerNode {
  readonly id: string
  readonly opIds: readonly string[]
  readonly flop: number
  readonly bytes: number
  /** Parameters owned by the layer's ops (tied parameters count in the first layer that uses them). */
  readonly parameters: number
  readonly parameterBytes: number
  /** Bytes of the layer's outputs consumed by other layers. */
  readonly outputBytes: number
}

/** Bytes flowing from one layer to another. */
export interface LayerEdge {
  readonly from: string
  readonly to: string
  readonly bytes: number
}

/** An op graph contracted by a labelling; `layers` is in topological order. */
export interface LayerGraph {
  readonly name: string
  readonly layers: readonly LayerNode[]
  readonly edges: readonly LayerEdge[]
}

/** Options of {@link contractLayers}. */
export interface ContractOptions extends RegistryOptions {
  /**
   * Label of each op; ops with equal labels merge. Default: the op's layer (or its id when it has none), with
   * `@backward` / `@optimizer` appended outside the forward phase so a training graph stays acyclic.
   */
  readonly labelOf?: (op: OpNode) => string
}

/** The default labelling of {@link contractLayers}. */
export function defaultLayerLabel(op: OpNode): string {
  const base = op.layer ?? op.id
  return op.phase === 'forward' ? base : `${base}@${op.phase}`
}

/**
 * Contract ops into layers. Edge bytes sum tensor edges (the producer's output size) and control edges that
 * carry bytes. O(V + E).
 *
 * @throws GraphCycleError (`GRAPH_CYCLE`) when the labelling is not convex (two layers depend on each other).
 */
export function contractLayers(graph: OpGraph, options: ContractOptions = {}): LayerGraph {
  const registry = options.registry ?? builtinOpKinds
  const labelOf = options.labelOf ?? defaultLayerLabel
  validateOpGraph(graph, { registry })
  const order: string[] = []
  const acc = new Map<
    string,
    {
      opIds: string[]
      flop: number
      bytes: number
      parameters: number
      parameterBytes: number
      outputBytes: number
    }
  >()
  const labelById = new Map<string, string>()
  const seenParams = new Set<string>()
  for (const op of graph.nodes) {
    const label = labelOf(op)
    labelById.set(op.id, label)
    let a = acc.get(label)
    if (a === undefined) {
      a = { opIds: [], flop: 0, bytes: 0, parameters: 0, parameterBytes: 0, outputBytes: 0 }
      acc.set(label, a)
      order.push(label)
    }
    a.opIds.push(op.id)
    a.flop += opFlop(op, registry)
    a.bytes += opBytes(op, registry)
    for (const p of op.params) {
      if (seenParams.has(p.name)) continue
      seenParams.add(p.name)
      a.parameters += tensorElements(p)
      a.parameterBytes += tensorBytes(p)
    }
  }
  const byId = new Map(graph.nodes.map((op) => [op.id, op]))
  const edgeBytes = new Map<string, LayerEdge>()
  const add = (from: string, to: string, bytes: number) => {
    if (from === to) return
    const key = `${from}\u0000${to}`
    const prev = edgeBytes.get(key)
    edgeBytes.set(key, { from, to, bytes: (prev?.bytes ?? 0) + bytes })
    acc.get(from)!.outputBytes += bytes
  }
  // a tensor read by several ops of one layer crosses to that layer once
  const sent = new Set<string>()
  for (const e of graph.edges) {
    const to = labelById.get(e.to)!
    const key = `${e.from}\u0000${e.fromOutput}\u0000${to}`
    if (sent.has(key)) continue
    sent.add(key)
    add(labelById.get(e.from)!, to, tensorBytes(byId.get(e.from)!.outputs[e.fromOutput]!))
  }
  for (const e of graph.controlEdges) add(labelById.get(e.from)!, labelById.get(e.to)!, e.bytes ?? 0)
  const edges = [...edgeBytes.values()]
  const dag = compileDag(order, edges)
  const layers = Array.from(dag.topoOrder, (i): LayerNode => {
    const id = order[i]!
    return { id, ...acc.get(id)! }
  })
  return { name: graph.name, layers, edges }
}
