import type { PlacementProblem } from '@dnnperf/ir'

/**
 * The problem with every layer on one device: nodes sharing a `layerId` get one co-location class, joined with the
 * classes they already had (the reference's `-contractLayers`, placement.md §1.6 step 3). Class names of the result
 * are those of the first node of each joined group. Exact; O(V α(V)).
 */
export function contractLayerClasses(problem: PlacementProblem): PlacementProblem {
  const n = problem.nodes.length
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  const union = (a: number, b: number) => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb)
  }
  const firstOf = new Map<string, number>()
  problem.nodes.forEach((node, i) => {
    for (const key of [
      node.colorClass === undefined ? undefined : `c:${node.colorClass}`,
      node.layerId === undefined ? undefined : `l:${node.layerId}`,
    ]) {
      if (key === undefined) continue
      const first = firstOf.get(key)
      if (first === undefined) firstOf.set(key, i)
      else union(first, i)
    }
  })
  const size = new Int32Array(n)
  for (let i = 0; i < n; i++) size[find(i)]!++
  return {
    ...problem,
    nodes: problem.nodes.map((node, i) => {
      const root = find(i)
      if (size[root] === 1) return node
      const rootNode = problem.nodes[root]!
      // a stable, readable name: the root's own class, else its layer
      const name = rootNode.colorClass ?? `layer:${rootNode.layerId}`
      return { ...node, colorClass: name }
    }),
  }
}
