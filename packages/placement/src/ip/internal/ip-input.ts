import type { PlacementProblem } from '@dnnperf/ir'
import { contractLayerClasses } from '../../internal/contract-layers.js'
import { type PreparedInstance, prepareInstance } from '../../internal/prepare.js'
import type { IpOptions } from '../types.js'

/**
 * The original graph as the integer programs see it (placement.md §1.7): co-location classes (the reference's
 * x[a,i] = x[b,i] rows, substituted so one binary stands for a whole class), per-class costs, the
 * communicating sources with the classes their output reaches, and the forward edges that carry contiguity.
 */
export interface IpInput {
  readonly problem: PlacementProblem
  readonly inst: PreparedInstance
  readonly nodeCount: number
  readonly classCount: number
  /** Class of each original node; classes are numbered by first appearance in topological order. */
  readonly classOf: Int32Array
  readonly classAcc: Float64Array
  readonly classCpu: Float64Array
  readonly classSize: Float64Array
  readonly classUnsupported: Uint8Array
  /** Original nodes u with c(u) > 0 and the distinct other classes their non-artificial out-edges reach. */
  readonly senders: ReadonlyArray<{ readonly node: number; readonly targets: readonly number[] }>
  /** Original node index of forward nodes; contiguity rows use them. */
  readonly forward: Uint8Array
  /** Edges u → v between forward nodes (artificial ones included: they give precedence). */
  readonly forwardEdges: ReadonlyArray<readonly [number, number]>
  /** Every non-artificial edge u → v between distinct classes (the latency IP's rows use all of them). */
  readonly allEdges: ReadonlyArray<readonly [number, number]>
  /** Topological rank per original node. */
  readonly topoRank: Uint32Array
  readonly acceleratorCount: number
  readonly cpuCount: number
  readonly memoryLimitBytes: number
}

/** Validate (through prepareInstance, without the trivial merge) and collect the IP's data. O(V + E). */
export function buildIpInput(input: PlacementProblem, options: IpOptions): IpInput {
  const problem = options.contractLayers === true ? contractLayerClasses(input) : input
  const inst = prepareInstance(problem, {
    acceleratorCount: options.acceleratorCount,
    cpuCount: options.cpuCount,
    acceleratorMemoryBytes: options.acceleratorMemoryBytes,
    trivialMerge: false,
  })
  const n = problem.nodes.length
  const indexOf = new Map<string, number>()
  problem.nodes.forEach((node, i) => {
    indexOf.set(node.id, i)
  })
  // topological ranks of the original graph (prepareInstance has validated it is a DAG)
  const indeg = new Uint32Array(n)
  const succ: number[][] = Array.from({ length: n }, () => [])
  for (const e of problem.edges) {
    const u = indexOf.get(e.from)!
    const v = indexOf.get(e.to)!
    succ[u]!.push(v)
    indeg[v]!++
  }
  const topoRank = new Uint32Array(n)
  const queue: number[] = []
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i)
  for (let head = 0, rank = 0; head < queue.length; head++) {
    const u = queue[head]!
    topoRank[u] = rank++
    for (const v of succ[u]!) if (--indeg[v]! === 0) queue.push(v)
  }
  const order = [...queue]
  const classOf = new Int32Array(n).fill(-1)
  const byName = new Map<string, number>()
  let classCount = 0
  for (const o of order) {
    const cc = problem.nodes[o]!.colorClass
    if (cc === undefined) classOf[o] = classCount++
    else {
      let c = byName.get(cc)
      if (c === undefined) byName.set(cc, (c = classCount++))
      classOf[o] = c
    }
  }
  const classAcc = new Float64Array(classCount)
  const classCpu = new Float64Array(classCount)
  const classSize = new Float64Array(classCount)
  const classUnsupported = new Uint8Array(classCount)
  const forward = new Uint8Array(n)
  for (let o = 0; o < n; o++) {
    const c = classOf[o]!
    classAcc[c]! += inst.accTime[o]!
    classCpu[c]! += inst.cpuTime[o]!
    classSize[c]! += inst.sizeBytes[o]!
    if (inst.supported[o] === 0) classUnsupported[c] = 1
    forward[o] = problem.nodes[o]!.role === 'forward' ? 1 : 0
  }
  const targets: Array<Set<number>> = Array.from({ length: n }, () => new Set())
  const forwardEdges: Array<readonly [number, number]> = []
  const allEdges: Array<readonly [number, number]> = []
  for (const e of problem.edges) {
    const u = indexOf.get(e.from)!
    const v = indexOf.get(e.to)!
    if (forward[u] === 1 && forward[v] === 1) forwardEdges.push([u, v])
    if (e.artificial === true || classOf[u] === classOf[v]) continue
    allEdges.push([u, v])
    targets[u]!.add(classOf[v]!)
  }
  const senders: Array<{ node: number; targets: number[] }> = []
  for (let u = 0; u < n; u++) {
    if (inst.commCost[u]! > 0 && targets[u]!.size > 0) senders.push({ node: u, targets: [...targets[u]!] })
  }
  return {
    problem,
    inst,
    nodeCount: n,
    classCount,
    classOf,
    classAcc,
    classCpu,
    classSize,
    classUnsupported,
    senders,
    forward,
    forwardEdges,
    allEdges,
    topoRank,
    acceleratorCount: inst.acceleratorCount,
    cpuCount: inst.cpuCount,
    memoryLimitBytes: inst.memoryLimitBytes,
  }
}

/** Forward nodes that are ancestors of (or in) `set`, over forward edges: the smallest ideal containing it. */
export function forwardAncestors(input: IpInput, inSet: (o: number) => boolean): Uint8Array {
  const pred: number[][] = Array.from({ length: input.nodeCount }, () => [])
  for (const [u, v] of input.forwardEdges) pred[v]!.push(u)
  const mark = new Uint8Array(input.nodeCount)
  const stack: number[] = []
  for (let o = 0; o < input.nodeCount; o++) {
    if (input.forward[o] === 1 && inSet(o)) {
      mark[o] = 1
      stack.push(o)
    }
  }
  while (stack.length > 0) {
    const v = stack.pop()!
    for (const u of pred[v]!) {
      if (mark[u] === 0) {
        mark[u] = 1
        stack.push(u)
      }
    }
  }
  return mark
}
