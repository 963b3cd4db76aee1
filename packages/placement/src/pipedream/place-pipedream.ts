import { contractLayerClasses } from '../internal/contract-layers.js'
import { InvalidValueError, type PlacementProblem, validatePlacementProblem } from '@dnnperf/ir'
import type { MaxLoadResult } from '../types.js'
import { planPipeDream } from './pipedream-dp.js'
import type { PipeDreamLayer, PipeDreamLevel, PipeDreamOptions } from './types.js'

/** Time of a node on one accelerator: `timeByDevice.accelerator`, else its width-1 tensor-parallel config. */
function nodeTime(problem: PlacementProblem, o: number): number {
  const node = problem.nodes[o]!
  const acc = node.timeByDevice?.accelerator
  if (acc !== undefined) return acc
  const tp = node.tensorParallel?.['1']?.[0]
  const t =
    tp?.forwardS !== undefined || tp?.backwardS !== undefined
      ? (tp.forwardS ?? 0) + (tp.backwardS ?? 0)
      : tp?.timePerSampleS
  if (t === undefined) {
    throw new InvalidValueError({
      at: `node ${node.id}`,
      field: 'timeByDevice.accelerator',
      value: undefined,
      expected: 'an accelerator time (or a width-1 tensor-parallel time)',
    })
  }
  return t
}

/**
 * The layer chain PipeDream partitions: one layer per co-location class (a training graph's forward and
 * backward node of a layer share one), in topological order of the forward nodes. Compute = Σ accelerator
 * time of the members; parameters = Σ width-1 `parameterBytes`, else Σ `memoryBytes`; activation = Σ over
 * forward members with an edge leaving the class of the largest `bytes` on those edges. `chain` is false when
 * the class graph has an edge other than layer i → layer i+1 (the order then linearises a DAG). O(V + E).
 */
export function pipeDreamLayers(problem: PlacementProblem): { layers: PipeDreamLayer[]; chain: boolean } {
  const dag = validatePlacementProblem(problem)
  const n = problem.nodes.length
  const keyOf = (o: number) => problem.nodes[o]!.colorClass ?? `\u0000${problem.nodes[o]!.id}`
  const position = new Map<string, number>()
  const members: number[][] = []
  // forward nodes first, so a class is ordered by its forward part; backward-only classes follow in order
  const order = [...dag.topoOrder]
  const ordered = [
    ...order.filter((o) => problem.nodes[o]!.role === 'forward'),
    ...order.filter((o) => problem.nodes[o]!.role !== 'forward'),
  ]
  for (const o of ordered) {
    const key = keyOf(o)
    let p = position.get(key)
    if (p === undefined) {
      p = members.length
      position.set(key, p)
      members.push([])
    }
    members[p]!.push(o)
  }
  const layerOf = new Int32Array(n)
  members.forEach((ms, p) => {
    for (const o of ms) layerOf[o] = p
  })
  const outBytes = new Float64Array(n)
  let chain = true
  for (const e of problem.edges) {
    const u = dag.indexOf.get(e.from)!
    const v = dag.indexOf.get(e.to)!
    const lu = layerOf[u]!
    const lv = layerOf[v]!
    if (lu === lv) continue
    const fw = problem.nodes[u]!.role === 'forward' && problem.nodes[v]!.role === 'forward'
    if (fw && lv !== lu + 1) chain = false
    if (fw && e.artificial !== true) outBytes[u] = Math.max(outBytes[u]!, e.bytes ?? 0)
  }
  const layers = members.map((ms) => {
    let computeTime = 0
    let parameterBytes = 0
    let activationBytes = 0
    for (const o of ms) {
      const node = problem.nodes[o]!
      computeTime += nodeTime(problem, o)
      parameterBytes += node.tensorParallel?.['1']?.[0]?.parameterBytes ?? node.memoryBytes ?? 0
      activationBytes += outBytes[o]!
    }
    return {
      nodes: [...ms].sort((a, b) => a - b).map((o) => problem.nodes[o]!.id),
      computeTime,
      parameterBytes,
      activationBytes,
    }
  })
  return { layers, chain }
}

/**
 * Place a problem with the PipeDream (SOSP'19) planner (placement.md §3): linearise it into a layer chain
 * (pipeDreamLayers; a note says so when the graph is not a chain), then run planPipeDream over the machine
 * levels. Returns a MaxLoadResult with method `pipedream`: `objective` = time per sample of the bottleneck
 * stage in the instance's time unit (exact for PipeDream's cost model on that chain, status `optimal`), one
 * device per stage with its `replication`. Costs as planPipeDream.
 *
 * @throws InvalidValueError for a node without an accelerator time or bad options; the IR's validation errors.
 */
export function placePipeDream(input: PlacementProblem, options: PipeDreamOptions = {}): MaxLoadResult {
  const t0 = performance.now()
  const problem = options.contractLayers === true ? contractLayerClasses(input) : input
  const { layers, chain } = pipeDreamLayers(problem)
  const notes: string[] = []
  if (!chain) {
    notes.push(
      'the graph is not a chain of layers: it was linearised by topological order of its co-location classes',
    )
  }
  let levels: readonly PipeDreamLevel[] | undefined = options.levels
  if (levels === undefined) {
    const count = options.acceleratorCount ?? problem.resources.acceleratorCount ?? 1
    levels = [{ count, bandwidthBytesPerS: problem.resources.bandwidthBytesPerS ?? Number.POSITIVE_INFINITY }]
    if (problem.resources.bandwidthBytesPerS === undefined) {
      notes.push('no bandwidth given: weight synchronisation and activation transfers are free')
    }
  }
  let secondsPerTimeUnit = options.secondsPerTimeUnit
  if (secondsPerTimeUnit === undefined) {
    secondsPerTimeUnit = problem.timeUnit === 'ms' ? 1e-3 : 1
    if (problem.timeUnit === 'unspecified')
      notes.push('time unit unspecified: transfer times computed in seconds')
  }
  const { levels: _l, acceleratorCount: _a, contractLayers: _c, ...rest } = options
  const rank = new Map(problem.nodes.map((node, i) => [node.id, i] as const))
  const plan = planPipeDream(layers, levels, { ...rest, secondsPerTimeUnit })
  const timeS = (performance.now() - t0) / 1000
  const extra = notes.length > 0 ? { notes } : {}
  if (plan.objective === null) {
    return {
      objective: null,
      method: 'pipedream',
      status: 'infeasible',
      bestBound: null,
      gap: null,
      timeS,
      devices: [],
      ...extra,
    }
  }
  return {
    objective: plan.objective,
    method: 'pipedream',
    status: 'optimal',
    bestBound: plan.objective,
    gap: 0,
    timeS,
    devices: plan.stages.map((s) => ({
      kind: 'accelerator' as const,
      nodes: layers
        .slice(s.firstLayer, s.lastLayer + 1)
        .flatMap((layer) => layer.nodes)
        .sort((a, b) => rank.get(a)! - rank.get(b)!),
      load: s.time,
      replication: s.replication,
    })),
    ...extra,
  }
}
