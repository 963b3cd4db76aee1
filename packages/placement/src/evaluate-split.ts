import { type PlacementProblem, validatePlacementProblem } from '@dnnperf/ir'
import { InvalidSplitError } from './errors.js'
import type { BottleneckReason, DeviceEvaluation, DeviceKind, SplitEvaluation, SplitSpec } from './types.js'

/**
 * Evaluate a split of a Tarnawski-model problem: per device its compute time, communication charge, memory and
 * load (placement.md §1.2), then the bottleneck device and why. Independent of the optimisers (it shares no
 * code with them), so it doubles as their checker.
 *
 * Loads: accelerator = Σ accelerator time + Σ c(u) over sources u with an edge crossing the device boundary
 * (c(u) from u's first non-artificial out-edge, charged once per side); CPU = Σ CPU time. A device over its
 * memory (strictly more than `acceleratorMemoryBytes`) or holding an unsupported node has load Infinity.
 * Contiguity is checked on the forward nodes and edges. Nodes a split omits are placed with their
 * co-location class when that class sits on exactly one device (as the reference's `-expert` mode does).
 * Exact; O(devices · (V + E)).
 *
 * @throws InvalidSplitError (`INVALID_SPLIT`) for an unknown or repeated node id, or an omitted node whose
 *   class does not determine one device.
 * @throws every error of validatePlacementProblem.
 */
export function evaluateSplit(
  problem: PlacementProblem,
  split: SplitSpec,
  options: { acceleratorMemoryBytes?: number; acceleratorCount?: number; cpuCount?: number } = {},
): SplitEvaluation {
  const dag = validatePlacementProblem(problem)
  const n = problem.nodes.length
  const deviceOf = new Int32Array(n).fill(-1)
  split.devices.forEach((device, d) => {
    for (const id of device.nodes) {
      const i = dag.indexOf.get(id)
      if (i === undefined) throw new InvalidSplitError({ nodeId: id, detail: 'unknown node id' })
      if (deviceOf[i] !== -1) throw new InvalidSplitError({ nodeId: id, detail: 'node is placed twice' })
      deviceOf[i] = d
    }
  })
  const violations: string[] = []
  // omitted nodes follow their class
  const classDevices = new Map<string, Set<number>>()
  problem.nodes.forEach((node, i) => {
    if (node.colorClass === undefined || deviceOf[i] === -1) return
    let set = classDevices.get(node.colorClass)
    if (set === undefined) classDevices.set(node.colorClass, (set = new Set()))
    set.add(deviceOf[i]!)
  })
  problem.nodes.forEach((node, i) => {
    if (deviceOf[i] !== -1) return
    const devices = node.colorClass === undefined ? undefined : classDevices.get(node.colorClass)
    if (devices === undefined || devices.size !== 1) {
      throw new InvalidSplitError({
        nodeId: node.id,
        detail: 'node is not placed and its class names no single device',
      })
    }
    deviceOf[i] = [...devices][0]!
  })
  for (const [cls, devices] of classDevices) {
    if (devices.size > 1) violations.push(`co-location class ${cls} spans ${devices.size} devices`)
  }

  // c(u) from the first non-artificial out-edge; out-edges as index lists
  const cost = new Float64Array(n)
  const costSet = new Uint8Array(n)
  const outs: number[][] = Array.from({ length: n }, () => [])
  for (const edge of problem.edges) {
    if (edge.artificial === true) continue
    const u = dag.indexOf.get(edge.from)!
    outs[u]!.push(dag.indexOf.get(edge.to)!)
    if (costSet[u] === 0) {
      costSet[u] = 1
      cost[u] = edge.transferTime ?? 0
    }
  }
  const limit =
    options.acceleratorMemoryBytes ?? problem.resources.acceleratorMemoryBytes ?? Number.POSITIVE_INFINITY
  const forward = problem.nodes.map((node) => node.role === 'forward')

  const devices: DeviceEvaluation[] = split.devices.map((device, d) => {
    const kind: DeviceKind = device.kind
    const members: number[] = []
    for (let i = 0; i < n; i++) if (deviceOf[i] === d) members.push(i)
    let computeTime = 0
    let memoryBytes = 0
    const unsupportedNodes: string[] = []
    for (const i of members) {
      const node = problem.nodes[i]!
      computeTime += node.timeByDevice?.[kind] ?? Number.NaN
      memoryBytes += node.memoryBytes ?? 0
      if (kind === 'accelerator' && node.acceleratorSupported === false) unsupportedNodes.push(node.id)
    }
    let communicationTime = 0
    if (kind === 'accelerator') {
      const charged = new Uint8Array(n)
      for (let u = 0; u < n; u++) {
        for (const w of outs[u]!) if ((deviceOf[u] === d) !== (deviceOf[w] === d)) charged[u] = 1
      }
      for (let u = 0; u < n; u++) if (charged[u]) communicationTime += cost[u]!
    }
    const fitsMemory = kind === 'cpu' || memoryBytes <= limit
    const contiguous = isContiguous(members, deviceOf, d, outs, forward)
    const load =
      !fitsMemory || unsupportedNodes.length > 0 ? Number.POSITIVE_INFINITY : computeTime + communicationTime
    if (!fitsMemory) violations.push(`device ${d} needs ${memoryBytes} B of ${limit} B`)
    if (unsupportedNodes.length > 0)
      violations.push(`device ${d} holds unsupported nodes ${unsupportedNodes.join(', ')}`)
    if (!contiguous) violations.push(`device ${d} is not contiguous`)
    return {
      kind,
      nodes: members.map((i) => problem.nodes[i]!.id),
      load,
      computeTime,
      communicationTime,
      memoryBytes,
      memoryLimitBytes: kind === 'accelerator' && Number.isFinite(limit) ? limit : null,
      fitsMemory,
      unsupportedNodes,
      contiguous,
    }
  })
  const countOf = (kind: DeviceKind) => split.devices.filter((x) => x.kind === kind).length
  const maxAcc = options.acceleratorCount ?? problem.resources.acceleratorCount
  const maxCpu = options.cpuCount ?? problem.resources.cpuCount ?? 0
  if (maxAcc !== undefined && countOf('accelerator') > maxAcc) {
    violations.push(`${countOf('accelerator')} accelerators used, ${maxAcc} available`)
  }
  if (countOf('cpu') > maxCpu) violations.push(`${countOf('cpu')} CPU cores used, ${maxCpu} available`)

  let bottleneckIndex = 0
  devices.forEach((dev, d) => {
    if (dev.load > devices[bottleneckIndex]!.load) bottleneckIndex = d
  })
  const b = devices[bottleneckIndex]
  const maxLoad = b?.load ?? 0
  let bottleneckReason: BottleneckReason
  let explanation: string
  if (b === undefined || b.nodes.length === 0) {
    bottleneckReason = 'empty'
    explanation = 'no device holds any node'
  } else if (!b.fitsMemory) {
    bottleneckReason = 'memory'
    explanation = `device ${bottleneckIndex} (${b.kind}) needs ${b.memoryBytes} B but has ${b.memoryLimitBytes} B`
  } else if (b.unsupportedNodes.length > 0) {
    bottleneckReason = 'unsupported'
    explanation = `device ${bottleneckIndex} (${b.kind}) holds nodes that cannot run there: ${b.unsupportedNodes.join(', ')}`
  } else {
    bottleneckReason = b.communicationTime > b.computeTime ? 'communication' : 'compute'
    const share = b.load > 0 ? Math.round((100 * b.computeTime) / b.load) : 100
    explanation =
      `device ${bottleneckIndex} (${b.kind}, ${b.nodes.length} nodes) has the maximum load ${b.load}: ` +
      `compute ${b.computeTime} (${share}%) + communication ${b.communicationTime}`
  }
  return {
    maxLoad,
    feasible: violations.length === 0,
    devices,
    bottleneckIndex,
    bottleneckReason,
    explanation,
    violations,
  }
}

/** A set is contiguous when no forward path leaves it and comes back: search outward from its exits. */
function isContiguous(
  members: number[],
  deviceOf: Int32Array,
  d: number,
  outs: number[][],
  forward: boolean[],
): boolean {
  const seen = new Uint8Array(deviceOf.length)
  const stack: number[] = []
  for (const u of members) {
    if (!forward[u]) continue
    for (const w of outs[u]!) {
      if (forward[w] && deviceOf[w] !== d && !seen[w]) {
        seen[w] = 1
        stack.push(w)
      }
    }
  }
  while (stack.length > 0) {
    const u = stack.pop()!
    for (const w of outs[u]!) {
      if (!forward[w]) continue
      if (deviceOf[w] === d) return false
      if (!seen[w]) {
        seen[w] = 1
        stack.push(w)
      }
    }
  }
  return true
}
