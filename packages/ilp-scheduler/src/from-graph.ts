import {
  type ControlEdge,
  createOpKindRegistry,
  NotFoundError,
  type OpEdge,
  type OpGraph,
  type OpKindRegistry,
  type OpNode,
  opBytes,
  opEngine,
} from '@dnnperf/ir'
import type { CoreCounts, CoreEngine, LayerSchedulingProblem } from './types.js'

/** Latency of `op` on one core (`'single'`) or all cores (`'all'`) of `engine`, in seconds. */
export type OpLatencyFn = (op: OpNode, engine: CoreEngine, mode: 'single' | 'all') => number

/** Options of {@link layerSchedulingProblem}. */
export interface LayerProblemOptions {
  /** Layer label (`OpNode.layer`), e.g. `h.0`. */
  readonly layer: string
  /** Which pass to schedule (default `'forward'`); PHAZE schedules each pass of a layer separately. */
  readonly phase?: 'forward' | 'backward'
  readonly cores: CoreCounts
  readonly latency: OpLatencyFn
  /** Default: the IR's built-in kinds. */
  readonly registry?: OpKindRegistry
  /**
   * Engine-class `memory` ops (layout changes, gathers): `'free'` contracts them away like PHAZE's Nop class
   * (default), `'vector'` schedules them on the vector cores.
   */
  readonly memoryOps?: 'free' | 'vector'
  /** Sets the problem's on-chip buffer capacity; each op's `bufferBytes` is then its bytes moved (IR `opBytes`). */
  readonly bufferCapacityBytes?: number
}

/** Layer labels of a graph in order of first appearance (ops without a label are skipped). O(V). */
export function listLayers(graph: OpGraph): string[] {
  const seen = new Set<string>()
  for (const op of graph.nodes) if (op.layer !== undefined) seen.add(op.layer)
  return [...seen]
}

/**
 * The scheduling problem of one layer and pass of an IR graph: the layer's ops of that phase on tensor (matrix
 * class) or vector (vector and collective class) cores, with latencies from `latency`; free ops (engine `none`,
 * and `memory` unless `memoryOps: 'vector'`) are contracted, so a dependency through them survives (PHAZE's
 * desc(i) includes paths through Nop ops). Tensor and control edges both count. O(V + E·V) worst case.
 *
 * @throws NotFoundError when no op of the graph has this layer and phase; InvalidValueError (later, from
 *   {@link scheduleLayer}) when `latency` returns a negative or non-finite number.
 */
export function layerSchedulingProblem(graph: OpGraph, options: LayerProblemOptions): LayerSchedulingProblem {
  const registry = options.registry ?? createOpKindRegistry()
  const phase = options.phase ?? 'forward'
  const members = graph.nodes.filter((op) => op.layer === options.layer && op.phase === phase)
  if (members.length === 0) {
    throw new NotFoundError({ what: `${phase} layer`, key: options.layer, known: listLayers(graph) })
  }
  const inLayer = new Set(members.map((op) => op.id))
  const engineOf = new Map<string, CoreEngine | undefined>()
  for (const op of members) {
    const cls = opEngine(op, registry)
    engineOf.set(
      op.id,
      cls === 'matrix'
        ? 'tensor'
        : cls === 'vector' || cls === 'collective' || (cls === 'memory' && options.memoryOps === 'vector')
          ? 'vector'
          : undefined,
    )
  }
  const succ = new Map<string, string[]>()
  const link = (e: OpEdge | ControlEdge): void => {
    if (!inLayer.has(e.from) || !inLayer.has(e.to)) return
    const list = succ.get(e.from)
    if (list) list.push(e.to)
    else succ.set(e.from, [e.to])
  }
  for (const e of graph.edges) link(e)
  for (const e of graph.controlEdges) link(e)

  const ops = members.flatMap((op) => {
    const engine = engineOf.get(op.id)
    if (engine === undefined) return []
    return [
      {
        id: op.id,
        engine,
        singleCoreS: options.latency(op, engine, 'single'),
        allCoresS: options.latency(op, engine, 'all'),
        ...(options.bufferCapacityBytes === undefined ? {} : { bufferBytes: opBytes(op, registry) }),
      },
    ]
  })
  const deps: [string, string][] = []
  for (const op of ops) {
    // Walk through free ops to the nearest costed descendants.
    const seen = new Set<string>()
    const stack = [...(succ.get(op.id) ?? [])]
    while (stack.length > 0) {
      const v = stack.pop()!
      if (seen.has(v)) continue
      seen.add(v)
      if (engineOf.get(v) !== undefined) deps.push([op.id, v])
      else stack.push(...(succ.get(v) ?? []))
    }
  }
  return {
    name: `${graph.name}/${options.layer}/${phase}`,
    ops,
    deps,
    cores: options.cores,
    ...(options.bufferCapacityBytes === undefined
      ? {}
      : { bufferCapacityBytes: options.bufferCapacityBytes }),
  }
}
