import type { PlacementProblem } from '@dnnperf/ir'
import { createModel, type MilpModel, solve, type Term } from '@dnnperf/milp'
import { placeGreedy } from '../baselines.js'
import { evaluateSplit } from '../evaluate-split.js'
import { placeMaxLoadDp } from '../max-load-dp.js'
import type { DeviceKind, MaxLoadResult, PlacementMethod } from '../types.js'
import { buildIpInput, forwardAncestors, type IpInput } from './internal/ip-input.js'
import { linkCrossing } from './internal/crossing.js'
import { boundAndGap, placementStatus } from './internal/solve-result.js'
import type { IpOptions } from './types.js'

const DEFAULT_TIME_LIMIT_S = 60

/** Devices 0..ℓ−1 are CPU cores, ℓ..ℓ+k−1 accelerators (the reference's numbering). */
function deviceKinds(input: IpInput): DeviceKind[] {
  return [
    ...Array.from({ length: input.cpuCount }, () => 'cpu' as const),
    ...Array.from({ length: input.acceleratorCount }, () => 'accelerator' as const),
  ]
}

const xName = (c: number, i: number) => `x_${c}_${i}`

/** The §1.7 throughput model. Returns the model; variable names: x_c_i, in_u_i, out_u_i, z_o_i, L. */
function buildModel(input: IpInput, contiguous: boolean): MilpModel {
  const m = createModel(contiguous ? 'tarnawski-ip-contiguous' : 'tarnawski-ip-noncontiguous')
  const kinds = deviceKinds(input)
  const L = input.cpuCount
  m.addVariable({ name: 'L' })
  for (let c = 0; c < input.classCount; c++) {
    for (let i = 0; i < kinds.length; i++) {
      const acc = kinds[i] === 'accelerator'
      const fits = !acc || (input.classUnsupported[c] === 0 && input.classSize[c]! <= input.memoryLimitBytes)
      // accelerators are interchangeable: class c (numbered in topological order) may use only the first c + 1
      // of them. Valid: relabel accelerators by the smallest class they hold.
      const symmetric = acc && i - L > c
      m.addVariable({ name: xName(c, i), type: 'binary', ub: fits && !symmetric ? 1 : 0 })
    }
    m.addConstraint({
      name: `assign_${c}`,
      terms: kinds.map((_, i) => ({ variable: xName(c, i), coefficient: 1 })),
      sense: '=',
      rhs: 1,
    })
  }
  for (let i = 0; i < kinds.length; i++) {
    const load: Term[] = [{ variable: 'L', coefficient: -1 }]
    if (kinds[i] === 'cpu') {
      for (let c = 0; c < input.classCount; c++)
        if (input.classCpu[c]! !== 0) load.push({ variable: xName(c, i), coefficient: input.classCpu[c]! })
    } else {
      for (let c = 0; c < input.classCount; c++)
        if (input.classAcc[c]! !== 0) load.push({ variable: xName(c, i), coefficient: input.classAcc[c]! })
      // one in and one out variable per (source, accelerator): c(u) is paid once per side however many edges cross
      for (const { node: u, targets } of input.senders) {
        const cu = input.classOf[u]!
        const inV = m.addVariable({ name: `in_${u}_${i}`, ub: 1 })
        const outV = m.addVariable({ name: `out_${u}_${i}`, ub: 1 })
        const cost = input.inst.commCost[u]!
        load.push({ variable: inV, coefficient: cost }, { variable: outV, coefficient: cost })
        for (const cv of targets) linkCrossing(m, inV, outV, xName(cu, i), xName(cv, i))
      }
      if (Number.isFinite(input.memoryLimitBytes)) {
        const mem: Term[] = []
        for (let c = 0; c < input.classCount; c++)
          if (input.classSize[c]! > 0)
            mem.push({ variable: xName(c, i), coefficient: input.classSize[c]! / input.memoryLimitBytes })
        // in units of the memory limit: byte counts near 1e10 beside times near 1 upset glpk's simplex
        if (mem.length > 0) m.addConstraint({ name: `memory_${i}`, terms: mem, sense: '<=', rhs: 1 })
      }
    }
    m.addConstraint({ name: `load_${i}`, terms: load, sense: '<=', rhs: 0 })
    if (!contiguous) continue
    // z_·i marks an ideal containing device i's forward nodes but none of their outside successors, so the
    // device's forward set is a difference of two ideals (placement.md §1.7)
    for (let o = 0; o < input.nodeCount; o++) {
      if (input.forward[o] !== 1) continue
      m.addVariable({ name: `z_${o}_${i}`, ub: 1 })
      m.addConstraint({
        terms: [
          { variable: `z_${o}_${i}`, coefficient: 1 },
          { variable: xName(input.classOf[o]!, i), coefficient: -1 },
        ],
        sense: '>=',
        rhs: 0,
      })
    }
    for (const [u, v] of input.forwardEdges) {
      m.addConstraint({
        terms: [
          { variable: `z_${v}_${i}`, coefficient: 1 },
          { variable: `z_${u}_${i}`, coefficient: -1 },
        ],
        sense: '<=',
        rhs: 0,
      })
      const cu = input.classOf[u]!
      const cv = input.classOf[v]!
      if (cu === cv) continue
      m.addConstraint({
        terms: [
          { variable: `z_${v}_${i}`, coefficient: 1 },
          { variable: xName(cv, i), coefficient: -1 },
          { variable: xName(cu, i), coefficient: 1 },
        ],
        sense: '<=',
        rhs: 1,
      })
    }
  }
  m.setObjective({ sense: 'minimize', terms: [{ variable: 'L', coefficient: 1 }] })
  return m
}

/** Full variable assignment of a split given as device per class (−1 = none), with the canonical labelling. */
function assignment(
  input: IpInput,
  deviceOfClass: Int32Array,
  contiguous: boolean,
): Record<string, number> | undefined {
  const kinds = deviceKinds(input)
  const values: Record<string, number> = {}
  let maxLoad = 0
  for (let i = 0; i < kinds.length; i++) {
    let load = 0
    for (let c = 0; c < input.classCount; c++) {
      const x = deviceOfClass[c] === i ? 1 : 0
      values[xName(c, i)] = x
      if (x === 1) load += kinds[i] === 'cpu' ? input.classCpu[c]! : input.classAcc[c]!
    }
    if (kinds[i] === 'accelerator') {
      for (const { node: u, targets } of input.senders) {
        const xu = deviceOfClass[input.classOf[u]!] === i ? 1 : 0
        let inV = 0
        let outV = 0
        for (const cv of targets) {
          const xv = deviceOfClass[cv] === i ? 1 : 0
          inV = Math.max(inV, xv - xu)
          outV = Math.max(outV, xu - xv)
        }
        values[`in_${u}_${i}`] = inV
        values[`out_${u}_${i}`] = outV
        load += input.inst.commCost[u]! * (inV + outV)
      }
    }
    maxLoad = Math.max(maxLoad, load)
    if (!contiguous) continue
    const z = forwardAncestors(input, (o) => deviceOfClass[input.classOf[o]!] === i)
    for (let o = 0; o < input.nodeCount; o++) if (input.forward[o] === 1) values[`z_${o}_${i}`] = z[o]!
  }
  values.L = maxLoad
  return values
}

/** A split (device lists of node ids) as device per class, accelerators relabelled to break symmetry. */
function splitToClasses(
  input: IpInput,
  devices: ReadonlyArray<{ kind: DeviceKind; nodes: readonly string[] }>,
): Int32Array | undefined {
  const indexOf = new Map<string, number>()
  input.problem.nodes.forEach((node, i) => {
    indexOf.set(node.id, i)
  })
  const perDevice = devices.map((d) => {
    let minClass = Number.POSITIVE_INFINITY
    const classes: number[] = []
    for (const id of d.nodes) {
      const c = input.classOf[indexOf.get(id)!]!
      classes.push(c)
      minClass = Math.min(minClass, c)
    }
    return { kind: d.kind, classes, minClass }
  })
  const accs = perDevice.filter((d) => d.kind === 'accelerator' && d.classes.length > 0)
  const cpus = perDevice.filter((d) => d.kind === 'cpu' && d.classes.length > 0)
  if (accs.length > input.acceleratorCount || cpus.length > input.cpuCount) return undefined
  accs.sort((a, b) => a.minClass - b.minClass)
  const deviceOfClass = new Int32Array(input.classCount).fill(-1)
  cpus.forEach((d, k) => {
    for (const c of d.classes) deviceOfClass[c] = k
  })
  accs.forEach((d, k) => {
    for (const c of d.classes) deviceOfClass[c] = input.cpuCount + k
  })
  return deviceOfClass.includes(-1) ? undefined : deviceOfClass
}

/** Run the throughput IP (shared by the contiguous and non-contiguous entry points). */
async function runThroughputIp(
  problem: PlacementProblem,
  options: IpOptions,
  contiguous: boolean,
): Promise<MaxLoadResult> {
  const t0 = performance.now()
  const method: PlacementMethod = contiguous ? 'ip' : 'ip-noncontiguous'
  const solver = options.solver ?? 'highs'
  const timeLimitS = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S
  const input = buildIpInput(problem, options)
  const model = buildModel(input, contiguous)
  let warmStart: Record<string, number> | undefined
  if (options.warmStart !== false) {
    const dpOptions = {
      ...(options.acceleratorCount === undefined ? {} : { acceleratorCount: options.acceleratorCount }),
      ...(options.cpuCount === undefined ? {} : { cpuCount: options.cpuCount }),
      ...(options.acceleratorMemoryBytes === undefined
        ? {}
        : { acceleratorMemoryBytes: options.acceleratorMemoryBytes }),
    }
    let dp: MaxLoadResult
    try {
      dp = placeMaxLoadDp(problem, { ...dpOptions, timeLimitS: timeLimitS / 4 })
    } catch {
      // too many ideals for the DP: the greedy split is a start too
      dp = placeGreedy(problem, dpOptions)
    }
    const classes = dp.objective === null ? undefined : splitToClasses(input, dp.devices)
    if (classes !== undefined) warmStart = assignment(input, classes, contiguous)
  }
  const elapsedS = (performance.now() - t0) / 1000
  const r = await solve(model, {
    solver,
    timeLimitS: Math.max(0.5, timeLimitS - elapsedS),
    mipGap: options.mipGap ?? 0,
    ...(warmStart === undefined ? {} : { warmStart }),
  })
  const status = placementStatus(r)
  const notes = r.message === undefined ? {} : { notes: [`${r.solver}: ${r.message}`] }
  const base = { method, solver, objectiveKind: 'throughput' as const, ...notes }
  if (r.objective === null) {
    return {
      objective: null,
      ...base,
      status,
      bestBound: status === 'infeasible' ? null : r.bestBound,
      gap: null,
      timeS: (performance.now() - t0) / 1000,
      devices: [],
    }
  }
  const kinds = deviceKinds(input)
  const members: number[][] = kinds.map(() => [])
  for (let o = 0; o < input.nodeCount; o++) {
    const c = input.classOf[o]!
    const i = kinds.findIndex((_, d) => (r.values[xName(c, d)] ?? 0) > 0.5)
    members[i]!.push(o)
  }
  // pipeline order: by the earliest node (topological rank) of each used device
  const used = members
    .map((nodes, i) => ({ kind: kinds[i]!, nodes }))
    .filter((d) => d.nodes.length > 0)
    .map((d) => ({ ...d, first: Math.min(...d.nodes.map((o) => input.topoRank[o]!)) }))
    .sort((a, b) => a.first - b.first)
  const split = used.map((d) => ({
    kind: d.kind,
    nodes: d.nodes.map((o) => problem.nodes[o]!.id),
  }))
  const evaluation = evaluateSplit(
    problem,
    { devices: split },
    { acceleratorMemoryBytes: input.memoryLimitBytes },
  )
  const objective = evaluation.maxLoad
  if (!Number.isFinite(objective)) {
    // the solver's tolerance let a device exceed its memory by a rounding error: no usable split
    return {
      objective: null,
      ...base,
      status: status === 'optimal' ? 'feasible' : status,
      bestBound: r.bestBound,
      gap: null,
      timeS: (performance.now() - t0) / 1000,
      devices: [],
      notes: [
        ...(base.notes ?? []),
        'the solver split exceeds a memory limit within its tolerance; discarded',
      ],
    }
  }
  return {
    objective,
    ...base,
    status,
    ...boundAndGap(r, objective),
    timeS: (performance.now() - t0) / 1000,
    devices: evaluation.devices.map((d) => ({ kind: d.kind, nodes: d.nodes, load: d.load })),
  }
}

/**
 * Tarnawski et al. 2020's throughput integer program with contiguous devices (placement.md §1.7, `ip.py
 * contig`; CPU cores contiguous too), solved by @dnnperf/milp. Returns the MaxLoadResult of the best split the
 * solver found: `objective` = maximum device load re-scored by evaluateSplit (instance time unit), `bestBound`
 * the solver's proven lower bound, `status` `optimal` only when the solver proved it (within `mipGap`).
 * Co-location rows x[a,i] = x[b,i] are substituted (one binary per class). Contiguity is imposed per device on the
 * original forward graph, so the optimum can be below the DP's: the DP needs the devices in a pipeline order (a
 * chain of ideals of the class-contracted graph), while two contiguous devices may feed each other (0→2, 1→3 with
 * {0,3} | {1,2}). On chains, and whenever an optimal split has an acyclic device order, the two agree.
 * Exact up to `mipGap`; the MILP has O((V + senders)·(k + ℓ)) variables and O((V + E)·(k + ℓ)) rows, and its
 * solve time is exponential in the worst case. Warm-started from the DP split (HiGHS only).
 *
 * @throws the validation errors of prepareInstance; IpSolverError when the back-end fails.
 */
export function placeIp(problem: PlacementProblem, options: IpOptions = {}): Promise<MaxLoadResult> {
  return runThroughputIp(problem, options, true)
}

/**
 * The same throughput integer program without the contiguity rows (placement.md §1.7, `ip.py noncontig`): each
 * device may hold any set of classes. Its optimum is at most the contiguous one. Returns a MaxLoadResult with
 * method `ip-noncontiguous`; bounds, status, cost and errors as {@link placeIp}.
 */
export function placeIpNonContiguous(
  problem: PlacementProblem,
  options: IpOptions = {},
): Promise<MaxLoadResult> {
  return runThroughputIp(problem, options, false)
}
