import {
  type CompiledDag,
  compileDag,
  InvalidValueError,
  type PlacementProblem,
  validatePlacementProblem,
} from '@dnnperf/ir'
import { BackwardToForwardEdgeError } from '../errors.js'

/**
 * A Tarnawski-model instance ready for the DP: original-node cost vectors, the communication graph, and the
 * forward supernode DAG after the reference preprocessing (placement.md §1.5–1.6).
 *
 * Original node `o` is `problem.nodes[o]`. Supernode `s` (a co-location class with its forward part) owns the
 * original nodes `members[memberStart[s] .. memberStart[s + 1])`, forward and backward; contiguity is decided
 * on `dag`, whose node `s` is the supernode.
 */
export interface PreparedInstance {
  readonly problem: PlacementProblem
  readonly nodeCount: number
  readonly accTime: Float64Array
  readonly cpuTime: Float64Array
  readonly sizeBytes: Float64Array
  readonly supported: Uint8Array
  /** c(u): transfer time of u's first non-artificial out-edge (0 when it has none). */
  readonly commCost: Float64Array
  /** Non-artificial out-edges per node, counted with multiplicity. */
  readonly outDegree: Uint32Array
  /** Sources of non-artificial in-edges of `o`: `commPred[commPredStart[o] .. commPredStart[o + 1])`. */
  readonly commPredStart: Uint32Array
  readonly commPred: Uint32Array
  readonly superCount: number
  readonly dag: CompiledDag
  readonly memberStart: Uint32Array
  readonly members: Uint32Array
  readonly superAcc: Float64Array
  readonly superCpu: Float64Array
  readonly superSize: Float64Array
  /** 1 when some member may not run on an accelerator. */
  readonly superUnsupported: Uint8Array
  readonly acceleratorCount: number
  readonly cpuCount: number
  /** Bytes per accelerator; Infinity when unlimited. */
  readonly memoryLimitBytes: number
}

/** Latencies below this count as zero for the trivial merge (the reference's threshold). */
const ZERO_TIME = 1e-6

class UnionFind {
  readonly parent: Int32Array
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i)
  }
  find(x: number): number {
    let r = x
    while (this.parent[r] !== r) r = this.parent[r]!
    while (this.parent[x] !== r) {
      const next = this.parent[x]!
      this.parent[x] = r
      x = next
    }
    return r
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return false
    // the smaller index stays root so results do not depend on union order
    if (ra < rb) this.parent[rb] = ra
    else this.parent[ra] = rb
    return true
  }
}

/** Strongly connected components of a graph on `n` vertices (iterative Tarjan); component id per vertex. */
function scc(n: number, adjStart: Uint32Array, adj: Uint32Array): { comp: Int32Array; count: number } {
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const comp = new Int32Array(n).fill(-1)
  const onStack = new Uint8Array(n)
  const stack: number[] = []
  const call: Array<[number, number]> = []
  let next = 0
  let count = 0
  for (let s = 0; s < n; s++) {
    if (index[s]! >= 0) continue
    call.push([s, adjStart[s]!])
    index[s] = low[s] = next++
    stack.push(s)
    onStack[s] = 1
    while (call.length > 0) {
      const frame = call[call.length - 1]!
      const v = frame[0]
      if (frame[1] < adjStart[v + 1]!) {
        const w = adj[frame[1]++]!
        if (index[w]! < 0) {
          index[w] = low[w] = next++
          stack.push(w)
          onStack[w] = 1
          call.push([w, adjStart[w]!])
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!)
        continue
      }
      call.pop()
      if (call.length > 0) {
        const parent = call[call.length - 1]![0]
        low[parent] = Math.min(low[parent]!, low[v]!)
      }
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack.pop()!
          onStack[w] = 0
          comp[w] = count
        } while (w !== v)
        count++
      }
    }
  }
  return { comp, count }
}

/** CSR adjacency (deduplicated, no self-loops) of the class graph induced by element edges. */
function classGraph(
  uf: UnionFind,
  elementCount: number,
  edgeFrom: number[],
  edgeTo: number[],
): { start: Uint32Array; adj: Uint32Array; degree: Uint32Array; neighbour: Int32Array } {
  const seen = new Set<number>()
  const from: number[] = []
  const to: number[] = []
  for (let e = 0; e < edgeFrom.length; e++) {
    const a = uf.find(edgeFrom[e]!)
    const b = uf.find(edgeTo[e]!)
    if (a === b) continue
    const key = a * elementCount + b
    if (seen.has(key)) continue
    seen.add(key)
    from.push(a)
    to.push(b)
  }
  const start = new Uint32Array(elementCount + 1)
  const degree = new Uint32Array(elementCount)
  const neighbour = new Int32Array(elementCount).fill(-1)
  for (let e = 0; e < from.length; e++) {
    start[from[e]! + 1]!++
    degree[from[e]!]!++
    degree[to[e]!]!++
    neighbour[from[e]!] = to[e]!
    neighbour[to[e]!] = from[e]!
  }
  for (let i = 0; i < elementCount; i++) start[i + 1]! += start[i]!
  const fill = start.slice(0, elementCount)
  const adj = new Uint32Array(from.length)
  for (let e = 0; e < from.length; e++) adj[fill[from[e]!]!++] = to[e]!
  return { start, adj, degree, neighbour }
}

/**
 * Validate a Tarnawski-model problem and apply the reference DP's preprocessing: contract co-location classes
 * into forward/backward supernodes, give orphaned backward classes an artificial forward node with mirrored
 * precedence edges, fuse forward strongly connected components, and (optionally) merge trivial zero-time
 * degree-1 forward nodes into their neighbour. O((V + E) · merge rounds).
 *
 * @throws InvalidValueError when a node lacks an accelerator or CPU time.
 * @throws BackwardToForwardEdgeError for an edge from a backward into a forward node.
 * @throws every error of validatePlacementProblem.
 */
export function prepareInstance(
  problem: PlacementProblem,
  options: {
    acceleratorCount?: number | undefined
    cpuCount?: number | undefined
    acceleratorMemoryBytes?: number | undefined
    trivialMerge?: boolean | undefined
  } = {},
): PreparedInstance {
  validatePlacementProblem(problem)
  const n = problem.nodes.length
  const indexOf = new Map<string, number>()
  problem.nodes.forEach((node, i) => {
    indexOf.set(node.id, i)
  })
  const accTime = new Float64Array(n)
  const cpuTime = new Float64Array(n)
  const sizeBytes = new Float64Array(n)
  const supported = new Uint8Array(n)
  const backward = new Uint8Array(n)
  problem.nodes.forEach((node, i) => {
    const acc = node.timeByDevice?.accelerator
    const cpu = node.timeByDevice?.cpu
    if (acc === undefined) {
      throw new InvalidValueError({
        at: `node ${node.id}`,
        field: 'timeByDevice.accelerator',
        value: acc,
        expected: 'a time',
      })
    }
    if (cpu === undefined) {
      throw new InvalidValueError({
        at: `node ${node.id}`,
        field: 'timeByDevice.cpu',
        value: cpu,
        expected: 'a time',
      })
    }
    accTime[i] = acc
    cpuTime[i] = cpu
    sizeBytes[i] = node.memoryBytes ?? 0
    supported[i] = node.acceleratorSupported === false ? 0 : 1
    backward[i] = node.role === 'backward' ? 1 : 0
  })

  // communication graph: non-artificial edges; c(u) from u's first such out-edge (reference quirk Q9)
  const commCost = new Float64Array(n)
  const hasCost = new Uint8Array(n)
  const outDegree = new Uint32Array(n)
  const commPredStart = new Uint32Array(n + 1)
  const edgeFrom: number[] = [] // forward precedence edges, as element pairs
  const edgeTo: number[] = []
  for (const edge of problem.edges) {
    const u = indexOf.get(edge.from)!
    const v = indexOf.get(edge.to)!
    if (backward[u] === 1 && backward[v] === 0)
      throw new BackwardToForwardEdgeError({ from: edge.from, to: edge.to })
    if (backward[u] === 0 && backward[v] === 0) {
      edgeFrom.push(u)
      edgeTo.push(v)
    }
    if (edge.artificial === true) continue
    if (hasCost[u] === 0) {
      hasCost[u] = 1
      commCost[u] = edge.transferTime ?? 0
    }
    outDegree[u]!++
    commPredStart[v + 1]!++
  }
  for (let i = 0; i < n; i++) commPredStart[i + 1]! += commPredStart[i]!
  const commPred = new Uint32Array(commPredStart[n]!)
  {
    const fill = commPredStart.slice(0, n)
    for (const edge of problem.edges) {
      if (edge.artificial === true) continue
      const v = indexOf.get(edge.to)!
      commPred[fill[v]!++] = indexOf.get(edge.from)!
    }
  }

  // co-location classes; a node without a class is its own class
  const classOfName = new Map<string, number>()
  let elementCount = n
  const hasForward = (uf: UnionFind, isForwardElement: Uint8Array): Uint8Array => {
    const out = new Uint8Array(isForwardElement.length)
    for (let x = 0; x < isForwardElement.length; x++) if (isForwardElement[x]) out[uf.find(x)] = 1
    return out
  }
  let uf = new UnionFind(n)
  problem.nodes.forEach((node, i) => {
    if (node.colorClass === undefined) return
    const first = classOfName.get(node.colorClass)
    if (first === undefined) classOfName.set(node.colorClass, i)
    else uf.union(first, i)
  })
  let isForwardElement = Uint8Array.from(backward, (b) => 1 - b)

  // orphaned backward classes get an artificial forward element (zero cost, no communication)
  {
    const fw = hasForward(uf, isForwardElement)
    const orphanRoots: number[] = []
    for (let i = 0; i < n; i++) if (uf.find(i) === i && fw[i] === 0) orphanRoots.push(i)
    if (orphanRoots.length > 0) {
      elementCount = n + orphanRoots.length
      const grown = new UnionFind(elementCount)
      for (let i = 0; i < n; i++) grown.union(i, uf.find(i))
      orphanRoots.forEach((root, j) => {
        grown.union(n + j, root)
      })
      uf = grown
      const flags = new Uint8Array(elementCount)
      flags.set(isForwardElement)
      flags.fill(1, n)
      isForwardElement = flags
      const orphan = new Set(orphanRoots.map((r) => uf.find(r)))
      for (const edge of problem.edges) {
        const u = indexOf.get(edge.from)!
        const v = indexOf.get(edge.to)!
        if (backward[u] === 1 && backward[v] === 1 && (orphan.has(uf.find(u)) || orphan.has(uf.find(v)))) {
          // mirrored precedence: the forward part of v's class comes before the forward part of u's class
          edgeFrom.push(v)
          edgeTo.push(u)
        }
      }
    }
  }

  // fuse forward strongly connected components (contraction may create cycles), then trivial merges
  const fuseCycles = (): void => {
    const g = classGraph(uf, elementCount, edgeFrom, edgeTo)
    const { comp } = scc(elementCount, g.start, g.adj)
    const firstOfComp = new Map<number, number>()
    for (let x = 0; x < elementCount; x++) {
      if (uf.find(x) !== x) continue
      const c = comp[x]!
      const first = firstOfComp.get(c)
      if (first === undefined) firstOfComp.set(c, x)
      else uf.union(first, x)
    }
  }
  fuseCycles()

  if (options.trivialMerge ?? true) {
    // incident forward-to-backward edges, per original forward node
    const touchesBackward = new Uint8Array(n)
    for (const edge of problem.edges) {
      const u = indexOf.get(edge.from)!
      const v = indexOf.get(edge.to)!
      if (backward[u] !== backward[v]) touchesBackward[backward[u] ? v : u] = 1
    }
    for (;;) {
      const g = classGraph(uf, elementCount, edgeFrom, edgeTo)
      const fwAcc = new Float64Array(elementCount)
      const fwCpu = new Float64Array(elementCount)
      const bwAcc = new Float64Array(elementCount)
      const bwCpu = new Float64Array(elementCount)
      const touches = new Uint8Array(elementCount)
      for (let o = 0; o < n; o++) {
        const r = uf.find(o)
        if (backward[o]) {
          bwAcc[r]! += accTime[o]!
          bwCpu[r]! += cpuTime[o]!
        } else {
          fwAcc[r]! += accTime[o]!
          fwCpu[r]! += cpuTime[o]!
          if (touchesBackward[o]) touches[r] = 1
        }
      }
      const fw = hasForward(uf, isForwardElement)
      const changed = new Uint8Array(elementCount)
      let merged = false
      for (let r = 0; r < elementCount; r++) {
        if (uf.find(r) !== r || fw[r] === 0 || g.degree[r] !== 1 || touches[r] === 1) continue
        if (
          fwAcc[r]! >= ZERO_TIME ||
          fwCpu[r]! >= ZERO_TIME ||
          bwAcc[r]! >= ZERO_TIME ||
          bwCpu[r]! >= ZERO_TIME
        )
          continue
        const other = g.neighbour[r]!
        // one merge per class per round: the class graph changes under a merge
        if (changed[r] || changed[other]) continue
        changed[r] = 1
        changed[other] = 1
        uf.union(r, other)
        merged = true
      }
      if (!merged) break
    }
  }

  // supernodes: classes with a forward part, numbered by their first element
  const fw = hasForward(uf, isForwardElement)
  const superOf = new Int32Array(elementCount).fill(-1)
  let superCount = 0
  for (let x = 0; x < elementCount; x++) {
    const r = uf.find(x)
    if (fw[r] === 1 && superOf[r] === -1) superOf[r] = superCount++
  }
  const memberStart = new Uint32Array(superCount + 1)
  for (let o = 0; o < n; o++) memberStart[superOf[uf.find(o)]! + 1]!++
  for (let s = 0; s < superCount; s++) memberStart[s + 1]! += memberStart[s]!
  const members = new Uint32Array(n)
  const fill = memberStart.slice(0, superCount)
  for (let o = 0; o < n; o++) members[fill[superOf[uf.find(o)]!]!++] = o
  const superAcc = new Float64Array(superCount)
  const superCpu = new Float64Array(superCount)
  const superSize = new Float64Array(superCount)
  const superUnsupported = new Uint8Array(superCount)
  for (let s = 0; s < superCount; s++) {
    for (let k = memberStart[s]!; k < memberStart[s + 1]!; k++) {
      const o = members[k]!
      superAcc[s]! += accTime[o]!
      superCpu[s]! += cpuTime[o]!
      superSize[s]! += sizeBytes[o]!
      if (supported[o] === 0) superUnsupported[s] = 1
    }
  }
  const ids = Array.from({ length: superCount }, (_, s) => `${s}`)
  const dagEdges: Array<{ from: string; to: string }> = []
  for (let e = 0; e < edgeFrom.length; e++) {
    const a = superOf[uf.find(edgeFrom[e]!)]!
    const b = superOf[uf.find(edgeTo[e]!)]!
    if (a !== b) dagEdges.push({ from: `${a}`, to: `${b}` })
  }
  const dag = compileDag(ids, dagEdges)

  const r = problem.resources
  return {
    problem,
    nodeCount: n,
    accTime,
    cpuTime,
    sizeBytes,
    supported,
    commCost,
    outDegree,
    commPredStart,
    commPred,
    superCount,
    dag,
    memberStart,
    members,
    superAcc,
    superCpu,
    superSize,
    superUnsupported,
    acceleratorCount: options.acceleratorCount ?? r.acceleratorCount ?? 0,
    cpuCount: options.cpuCount ?? r.cpuCount ?? 0,
    memoryLimitBytes: options.acceleratorMemoryBytes ?? r.acceleratorMemoryBytes ?? Number.POSITIVE_INFINITY,
  }
}
