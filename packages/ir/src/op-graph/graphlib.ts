import { Graph } from '@dagrejs/graphlib'
import type { OpEdge, OpGraph, OpNode } from './types.js'

/** Edge label of the graphlib form: a tensor edge, or a control edge (`control: true`). */
export type GraphlibEdgeLabel =
  | (OpEdge & { readonly control?: false })
  | { readonly control: true; readonly bytes?: number }

/** Graph label of the graphlib form. */
export interface GraphlibGraphLabel {
  readonly name: string
  readonly metadata: OpGraph['metadata']
}

/** An op graph in @dagrejs/graphlib form. */
export type OpGraphlib = Graph<GraphlibGraphLabel, OpNode, GraphlibEdgeLabel>

/**
 * The op graph as a directed multigraph of @dagrejs/graphlib: node labels are the ops, edge labels the
 * edges; graph label `{ name, metadata }`. Lets users run graphlib's algorithms and layouts.
 */
export function toGraphlib(graph: OpGraph): OpGraphlib {
  const g: OpGraphlib = new Graph({ directed: true, multigraph: true, compound: false })
  g.setGraph({ name: graph.name, metadata: graph.metadata })
  for (const node of graph.nodes) g.setNode(node.id, node)
  for (const e of graph.edges)
    g.setEdge(e.from, e.to, { ...e, control: false }, `t${e.fromOutput}:${e.toInput}`)
  graph.controlEdges.forEach((e, i) => {
    g.setEdge(e.from, e.to, { control: true, ...(e.bytes !== undefined ? { bytes: e.bytes } : {}) }, `c${i}`)
  })
  return g
}

/** Back from {@link toGraphlib}'s form. Node order follows `g.nodes()`. */
export function fromGraphlib(g: OpGraphlib, name?: string): OpGraph {
  const label: Partial<GraphlibGraphLabel> = g.graph() ?? {}
  const nodes = g.nodes().map((id) => g.node(id))
  const edges: OpEdge[] = []
  const controlEdges: { from: string; to: string; bytes?: number }[] = []
  for (const e of g.edges()) {
    const l = g.edge(e)
    if (l.control === true)
      controlEdges.push({ from: e.v, to: e.w, ...(l.bytes !== undefined ? { bytes: l.bytes } : {}) })
    else edges.push({ from: e.v, to: e.w, fromOutput: l.fromOutput, toInput: l.toInput })
  }
  return { name: name ?? label.name ?? 'graph', nodes, edges, controlEdges, metadata: label.metadata ?? {} }
}
