import type { PlacementProblem } from '@dnnperf/ir'
import { contractLayerClasses } from './internal/contract-layers.js'
import { prepareInstance } from './internal/prepare.js'
import { maxLoadLowerBound, resultFromStages, supernodeIds } from './internal/result.js'
import type { DeviceKind, MaxLoadOptions, MaxLoadResult } from './types.js'

/**
 * Everything on one device: the better of one accelerator (when the whole graph fits its memory and every
 * node is supported) and one CPU core (when the problem has one). A baseline, not an optimiser: status
 * `feasible`, `bestBound` a lower bound on the optimum over all devices. Load in the instance's time unit.
 * O(V + E).
 *
 * @throws the validation errors of the IR and prepareInstance's errors.
 */
export function placeSingleDevice(problem: PlacementProblem, options: MaxLoadOptions = {}): MaxLoadResult {
  const t0 = performance.now()
  const inst = prepareInstance(problem, { ...options, trivialMerge: false })
  const all = problem.nodes.map((n) => n.id)
  const info = {
    method: 'single-device' as const,
    status: 'feasible' as const,
    bestBound: maxLoadLowerBound(inst),
    t0,
  }
  const candidates: MaxLoadResult[] = []
  if (inst.acceleratorCount > 0)
    candidates.push(resultFromStages(problem, inst, [{ kind: 'accelerator', nodes: all }], info))
  if (inst.cpuCount > 0) candidates.push(resultFromStages(problem, inst, [{ kind: 'cpu', nodes: all }], info))
  const feasible = candidates.filter((r) => r.objective !== null)
  if (feasible.length === 0) {
    const timeS = (performance.now() - t0) / 1000
    return {
      objective: null,
      method: 'single-device',
      status: 'infeasible',
      bestBound: null,
      gap: null,
      timeS,
      devices: [],
    }
  }
  return feasible.reduce((a, b) => (b.objective! < a.objective! ? b : a))
}

/**
 * Greedy contiguous split: walk the (class-contracted, cycle-fused) forward graph in topological order and fill
 * accelerators one after another up to an equal share of the total accelerator time (and the memory limit);
 * supernodes that cannot run on an accelerator, and everything after the last accelerator, go to the CPU
 * (or, without CPUs, stay on the last accelerator). Heuristic (status `feasible`); `bestBound` is a lower
 * bound on the optimum. O(V + E).
 *
 * @throws the validation errors of the IR and prepareInstance's errors.
 */
export function placeGreedy(input: PlacementProblem, options: MaxLoadOptions = {}): MaxLoadResult {
  const t0 = performance.now()
  const problem = options.contractLayers === true ? contractLayerClasses(input) : input
  const inst = prepareInstance(problem, options)
  const K = inst.acceleratorCount
  let work = 0
  for (let s = 0; s < inst.superCount; s++) if (inst.superUnsupported[s] === 0) work += inst.superAcc[s]!
  const target = K > 0 ? work / K : 0
  const accs: number[][] = []
  const cpu: number[] = []
  let cur: number[] = []
  let curTime = 0
  let curSize = 0
  for (const s of inst.dag.topoOrder) {
    const fits = inst.superUnsupported[s] === 0 && inst.superSize[s]! <= inst.memoryLimitBytes
    if (!fits || (accs.length === K && inst.cpuCount > 0)) {
      cpu.push(s)
      continue
    }
    const overTime = curTime + inst.superAcc[s]! > target && cur.length > 0
    const overMemory = curSize + inst.superSize[s]! > inst.memoryLimitBytes
    if ((overTime || overMemory) && accs.length < K - 1) {
      accs.push(cur)
      cur = []
      curTime = 0
      curSize = 0
    } else if (overMemory && accs.length === K - 1 && inst.cpuCount > 0) {
      accs.push(cur)
      cur = []
      cpu.push(s)
      continue
    }
    cur.push(s)
    curTime += inst.superAcc[s]!
    curSize += inst.superSize[s]!
  }
  if (cur.length > 0 && accs.length < K) accs.push(cur)
  else if (cur.length > 0) cpu.push(...cur)
  const stages: Array<{ kind: DeviceKind; nodes: string[] }> = accs.map((a) => ({
    kind: 'accelerator',
    nodes: supernodeIds(inst, a),
  }))
  if (cpu.length > 0) stages.push({ kind: 'cpu', nodes: supernodeIds(inst, cpu) })
  if (cpu.length > 0 && inst.cpuCount === 0) {
    const timeS = (performance.now() - t0) / 1000
    return {
      objective: null,
      method: 'greedy',
      status: 'infeasible',
      bestBound: null,
      gap: null,
      timeS,
      devices: [],
    }
  }
  return resultFromStages(problem, inst, stages, {
    method: 'greedy',
    status: 'feasible',
    bestBound: maxLoadLowerBound(inst),
    t0,
  })
}
