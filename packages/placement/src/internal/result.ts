import type { PlacementProblem } from '@dnnperf/ir'
import { evaluateSplit } from '../evaluate-split.js'
import type { DeviceKind, MaxLoadResult, PlacementMethod, PlacementStatus } from '../types.js'
import type { PreparedInstance } from './prepare.js'

/** Original node ids of a list of supernodes, in problem order. */
export function supernodeIds(inst: PreparedInstance, supernodes: Iterable<number>): string[] {
  const out: number[] = []
  for (const s of supernodes) {
    for (let k = inst.memberStart[s]!; k < inst.memberStart[s + 1]!; k++) out.push(inst.members[k]!)
  }
  out.sort((a, b) => a - b)
  return out.map((o) => inst.problem.nodes[o]!.id)
}

/**
 * Lower bound on the optimal max load (instance time unit), valid for every placement: the slowest single
 * supernode on its best feasible device kind, and the total accelerator work spread over the accelerators plus
 * the CPUs' capacity in accelerator-time units (a CPU running x time units does at most x / rho accelerator
 * work, rho = min over nodes of cpu / accelerator time). O(V).
 */
export function maxLoadLowerBound(inst: PreparedInstance): number {
  const K = inst.acceleratorCount
  const L = inst.cpuCount
  let rho = Number.POSITIVE_INFINITY
  let work = 0
  for (let o = 0; o < inst.nodeCount; o++) {
    const a = inst.accTime[o]!
    work += a
    if (a > 0) rho = Math.min(rho, inst.cpuTime[o]! / a)
  }
  let single = 0
  for (let s = 0; s < inst.superCount; s++) {
    const accOk = K > 0 && inst.superUnsupported[s] === 0 && inst.superSize[s]! <= inst.memoryLimitBytes
    const best = Math.min(
      accOk ? inst.superAcc[s]! : Number.POSITIVE_INFINITY,
      L > 0 ? inst.superCpu[s]! : Number.POSITIVE_INFINITY,
    )
    single = Math.max(single, best)
  }
  const perUnit = K + (L > 0 && rho > 0 ? L / rho : 0)
  const spread = L > 0 && rho === 0 ? 0 : perUnit > 0 ? work / perUnit : Number.POSITIVE_INFINITY
  return Math.max(single, spread)
}

/** Build a MaxLoadResult from stages (first stage first), re-scoring every device with evaluateSplit. */
export function resultFromStages(
  problem: PlacementProblem,
  inst: PreparedInstance,
  stages: ReadonlyArray<{ kind: DeviceKind; nodes: string[] }>,
  info: {
    method: PlacementMethod
    status: PlacementStatus
    bestBound: number
    t0: number
    idealCount?: number
  },
): MaxLoadResult {
  const evaluation = evaluateSplit(
    problem,
    { devices: stages },
    { acceleratorMemoryBytes: inst.memoryLimitBytes },
  )
  const objective = evaluation.maxLoad
  const timeS = (performance.now() - info.t0) / 1000
  const extra = info.idealCount === undefined ? {} : { idealCount: info.idealCount }
  if (!Number.isFinite(objective)) {
    return {
      objective: null,
      method: info.method,
      status: 'infeasible',
      bestBound: null,
      gap: null,
      timeS,
      devices: [],
      ...extra,
    }
  }
  const bestBound = info.status === 'optimal' ? objective : Math.min(info.bestBound, objective)
  return {
    objective,
    method: info.method,
    status: info.status,
    bestBound,
    gap: objective > 0 ? (objective - bestBound) / objective : 0,
    timeS,
    devices: evaluation.devices.map((d) => ({ kind: d.kind, nodes: d.nodes, load: d.load })),
    ...extra,
  }
}
