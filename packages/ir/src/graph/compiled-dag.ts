import { DanglingEdgeError, DuplicateNodeError, GraphCycleError } from '../errors.js'

/**
 * Immutable, integer-indexed DAG for hot loops. Node `i` is `nodeIds[i]`.
 * Successors of `i` are `succ[succStart[i]] .. succ[succStart[i + 1] - 1]`; predecessors likewise with `pred`.
 * Parallel edges are merged; `topoOrder` lists every node once, each after all its predecessors.
 */
export interface CompiledDag {
  readonly nodeIds: readonly string[]
  readonly indexOf: ReadonlyMap<string, number>
  readonly topoOrder: Uint32Array
  /** Position of each node in `topoOrder`. */
  readonly topoRank: Uint32Array
  readonly succStart: Uint32Array // length nodeCount + 1
  readonly succ: Uint32Array
  readonly predStart: Uint32Array // length nodeCount + 1
  readonly pred: Uint32Array
}

/** A directed edge between node ids. */
export interface EdgeRef {
  readonly from: string
  readonly to: string
}

/**
 * Compile node ids and edges into a {@link CompiledDag}.
 *
 * Runs in O(V + E). Kahn's algorithm, ties broken by input order, so the order is deterministic.
 *
 * @throws DuplicateNodeError (`GRAPH_DUPLICATE_NODE`) when an id repeats.
 * @throws DanglingEdgeError (`GRAPH_DANGLING_EDGE`) when an edge names an unknown node.
 * @throws GraphCycleError (`GRAPH_CYCLE`) naming a node on a cycle and the cycle itself.
 */
export function compileDag(nodeIds: readonly string[], edges: Iterable<EdgeRef>): CompiledDag {
  const n = nodeIds.length
  const indexOf = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const id = nodeIds[i]!
    if (indexOf.has(id)) throw new DuplicateNodeError({ nodeId: id })
    indexOf.set(id, i)
  }

  // Resolve ids once into growable typed arrays; the loops below see only integers.
  let from: Uint32Array = new Uint32Array(1024)
  let to: Uint32Array = new Uint32Array(1024)
  let m = 0
  for (const e of edges) {
    const u = indexOf.get(e.from)
    const v = indexOf.get(e.to)
    if (u === undefined) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.from })
    if (v === undefined) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.to })
    if (u === v) throw new GraphCycleError({ nodeId: e.from, cycle: [e.from, e.from] })
    if (m === from.length) {
      from = grow(from)
      to = grow(to)
    }
    from[m] = u
    to[m] = v
    m++
  }

  // Successor rows with parallel edges, then drop repeats row by row with a stamp array (O(E), no hashing).
  const rawStart = new Uint32Array(n + 1)
  for (let e = 0; e < m; e++) rawStart[from[e]! + 1]!++
  for (let i = 0; i < n; i++) rawStart[i + 1]! += rawStart[i]!
  const raw = new Uint32Array(m)
  const fill = rawStart.slice(0, n)
  for (let e = 0; e < m; e++) raw[fill[from[e]!]!++] = to[e]!
  const stamp = new Int32Array(n).fill(-1)
  const succStart = new Uint32Array(n + 1)
  let kept = 0
  for (let u = 0; u < n; u++) {
    succStart[u] = kept
    for (let e = rawStart[u]!; e < rawStart[u + 1]!; e++) {
      const v = raw[e]!
      if (stamp[v] === u) continue
      stamp[v] = u
      raw[kept++] = v // compacting in place is safe: kept never passes e
    }
  }
  succStart[n] = kept
  const succ = raw.slice(0, kept)

  const predStart = new Uint32Array(n + 1)
  for (let e = 0; e < kept; e++) predStart[succ[e]! + 1]!++
  for (let i = 0; i < n; i++) predStart[i + 1]! += predStart[i]!
  const pred = new Uint32Array(kept)
  const predFill = predStart.slice(0, n)
  for (let u = 0; u < n; u++) {
    for (let e = succStart[u]!; e < succStart[u + 1]!; e++) pred[predFill[succ[e]!]!++] = u
  }

  const inDegree = new Uint32Array(n)
  for (let i = 0; i < n; i++) inDegree[i] = predStart[i + 1]! - predStart[i]!
  const topoOrder = new Uint32Array(n)
  let head = 0
  let tail = 0
  for (let i = 0; i < n; i++) if (inDegree[i] === 0) topoOrder[tail++] = i
  while (head < tail) {
    const u = topoOrder[head++]!
    for (let e = succStart[u]!; e < succStart[u + 1]!; e++) {
      const v = succ[e]!
      if (--inDegree[v]! === 0) topoOrder[tail++] = v
    }
  }
  if (tail < n) {
    const cycle = findCycle(n, inDegree, predStart, pred).map((i) => nodeIds[i]!)
    throw new GraphCycleError({ nodeId: cycle[0]!, cycle })
  }
  const topoRank = new Uint32Array(n)
  for (let k = 0; k < n; k++) topoRank[topoOrder[k]!] = k
  return { nodeIds, indexOf, topoOrder, topoRank, succStart, succ, predStart, pred }
}

/** Walk predecessors among nodes Kahn's algorithm could not release until a node repeats: that loop is a cycle. */
function findCycle(n: number, inDegree: Uint32Array, predStart: Uint32Array, pred: Uint32Array): number[] {
  let start = 0
  while (start < n && inDegree[start] === 0) start++
  const visitedAt = new Map<number, number>()
  const path: number[] = []
  let u = start
  while (!visitedAt.has(u)) {
    visitedAt.set(u, path.length)
    path.push(u)
    let next = -1
    for (let e = predStart[u]!; e < predStart[u + 1]!; e++) {
      if (inDegree[pred[e]!]! > 0) {
        next = pred[e]!
        break
      }
    }
    u = next
  }
  // path runs backwards along edges; reverse so the cycle reads in edge direction and closes on itself
  const loop = path.slice(visitedAt.get(u)!).reverse()
  loop.push(loop[0]!)
  return loop
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2)
  b.set(a)
  return b
}

/** Node ids in a topological order. @throws GraphCycleError (`GRAPH_CYCLE`). */
export function topologicalSort(nodeIds: readonly string[], edges: Iterable<EdgeRef>): string[] {
  const dag = compileDag(nodeIds, edges)
  return Array.from(dag.topoOrder, (i) => nodeIds[i]!)
}
