import type { PlacementProblem } from '@dnnperf/ir'
import { createModel, type MilpModel, solve, type Term } from '@dnnperf/milp'
import type { MaxLoadResult, PlacedDevice } from '../types.js'
import { linkCrossing } from './internal/crossing.js'
import { buildIpInput, type IpInput } from './internal/ip-input.js'
import { boundAndGap, placementStatus } from './internal/solve-result.js'
import type { LatencyIpOptions } from './types.js'

const DEFAULT_TIME_LIMIT_S = 60
/** Device index of the CPU in the model; accelerator slots are 1..k·q (accelerator a owns a·q+1 .. a·q+q). */
const CPU = 0

const x = (o: number, j: number) => `x_${o}_${j}`

interface Shape {
  readonly k: number
  readonly q: number
  /** Node indices in topological order. */
  readonly order: number[]
  /** Predecessors per node over every edge (artificial included: they give precedence). */
  readonly pred: number[][]
  /** Non-artificial edges only: who sends data to whom. */
  readonly dataSucc: number[][]
}

function shapeOf(input: IpInput, q: number): Shape {
  const n = input.nodeCount
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => input.topoRank[a]! - input.topoRank[b]!)
  const indexOf = new Map<string, number>()
  input.problem.nodes.forEach((node, i) => {
    indexOf.set(node.id, i)
  })
  const pred: number[][] = Array.from({ length: n }, () => [])
  const dataSucc: number[][] = Array.from({ length: n }, () => [])
  for (const e of input.problem.edges) {
    const u = indexOf.get(e.from)!
    const v = indexOf.get(e.to)!
    pred[v]!.push(u)
    if (e.artificial !== true) dataSucc[u]!.push(v)
  }
  return { k: input.acceleratorCount, q, order, pred, dataSucc }
}

/** Critical path of the all-CPU schedule (unlimited cores): an upper bound on the optimum latency. */
function allCpuLatency(input: IpInput, shape: Shape): { latency: number; finish: Float64Array } {
  const finish = new Float64Array(input.nodeCount)
  let latency = 0
  for (const v of shape.order) {
    let ready = 0
    for (const u of shape.pred[v]!) ready = Math.max(ready, finish[u]!)
    finish[v] = ready + input.inst.cpuTime[v]!
    latency = Math.max(latency, finish[v]!)
  }
  return { latency, finish }
}

function buildModel(input: IpInput, shape: Shape, bigM: number): MilpModel {
  const { k, q } = shape
  const slots = k * q
  const n = input.nodeCount
  const m = createModel('tarnawski-latency-ip')
  m.addVariable({ name: 'T' })
  for (let o = 0; o < n; o++) {
    const fits = input.inst.supported[o] === 1 && input.inst.sizeBytes[o]! <= input.memoryLimitBytes
    m.addVariable({ name: x(o, CPU), type: 'binary' })
    for (let j = 1; j <= slots; j++) m.addVariable({ name: x(o, j), type: 'binary', ub: fits ? 1 : 0 })
    m.addConstraint({
      terms: Array.from({ length: slots + 1 }, (_, j) => ({ variable: x(o, j), coefficient: 1 })),
      sense: '=',
      rhs: 1,
    })
    m.addVariable({ name: `l_${o}` })
    m.addConstraint({
      terms: [
        { variable: 'T', coefficient: 1 },
        { variable: `l_${o}`, coefficient: -1 },
      ],
      sense: '>=',
      rhs: 0,
    })
  }
  // co-location: the same CPU flag and the same accelerator; slots of that accelerator may differ
  const lastOfClass = new Map<number, number>()
  for (const o of shape.order) {
    const c = input.classOf[o]!
    const prev = lastOfClass.get(c)
    lastOfClass.set(c, o)
    if (prev === undefined) continue
    m.addConstraint({
      terms: [
        { variable: x(o, CPU), coefficient: 1 },
        { variable: x(prev, CPU), coefficient: -1 },
      ],
      sense: '=',
      rhs: 0,
    })
    for (let a = 0; a < k; a++) {
      const terms: Term[] = []
      for (let s = 1; s <= q; s++) {
        terms.push(
          { variable: x(o, a * q + s), coefficient: 1 },
          { variable: x(prev, a * q + s), coefficient: -1 },
        )
      }
      m.addConstraint({ terms, sense: '=', rhs: 0 })
    }
  }
  if (Number.isFinite(input.memoryLimitBytes)) {
    for (let a = 0; a < k; a++) {
      const terms: Term[] = []
      for (let o = 0; o < n; o++) {
        if (input.inst.sizeBytes[o]! <= 0) continue
        const share = input.inst.sizeBytes[o]! / input.memoryLimitBytes
        for (let s = 1; s <= q; s++) terms.push({ variable: x(o, a * q + s), coefficient: share })
      }
      // in units of the memory limit, so byte counts do not dwarf the times in the simplex
      if (terms.length > 0) m.addConstraint({ name: `memory_${a}`, terms, sense: '<=', rhs: 1 })
    }
  }
  for (let j = 1; j <= slots; j++) {
    m.addVariable({ name: `start_${j}` })
    m.addVariable({ name: `finish_${j}` })
    const busy: Term[] = [
      { variable: `finish_${j}`, coefficient: 1 },
      { variable: `start_${j}`, coefficient: -1 },
    ]
    for (let o = 0; o < n; o++) {
      if (input.inst.accTime[o]! !== 0) busy.push({ variable: x(o, j), coefficient: -input.inst.accTime[o]! })
      // every node in the slot finishes when the slot's call finishes
      m.addConstraint({
        terms: [
          { variable: `l_${o}`, coefficient: 1 },
          { variable: `finish_${j}`, coefficient: -1 },
          { variable: x(o, j), coefficient: -bigM },
        ],
        sense: '>=',
        rhs: -bigM,
      })
    }
    // contiguity per slot over all edges, and data entering/leaving the slot
    for (let o = 0; o < n; o++) m.addVariable({ name: `z_${o}_${j}`, ub: 1 })
    for (let o = 0; o < n; o++) {
      m.addConstraint({
        terms: [
          { variable: `z_${o}_${j}`, coefficient: 1 },
          { variable: x(o, j), coefficient: -1 },
        ],
        sense: '>=',
        rhs: 0,
      })
      for (const u of shape.pred[o]!) {
        m.addConstraint({
          terms: [
            { variable: `z_${o}_${j}`, coefficient: 1 },
            { variable: `z_${u}_${j}`, coefficient: -1 },
          ],
          sense: '<=',
          rhs: 0,
        })
        m.addConstraint({
          terms: [
            { variable: `z_${o}_${j}`, coefficient: 1 },
            { variable: x(o, j), coefficient: -1 },
            { variable: x(u, j), coefficient: 1 },
          ],
          sense: '<=',
          rhs: 1,
        })
      }
    }
    for (let u = 0; u < n; u++) {
      const succ = shape.dataSucc[u]!
      if (succ.length === 0) continue
      const inV = m.addVariable({ name: `in_${u}_${j}`, ub: 1 })
      const outV = m.addVariable({ name: `out_${u}_${j}`, ub: 1 })
      const cost = input.inst.commCost[u]!
      if (cost !== 0) busy.push({ variable: inV, coefficient: -cost }, { variable: outV, coefficient: -cost })
      for (const v of succ) linkCrossing(m, inV, outV, x(u, j), x(v, j))
      // the call starts once every input it downloads exists: start_j ≥ ℓ_u − M (1 − in[u, j])
      m.addConstraint({
        terms: [
          { variable: `start_${j}`, coefficient: 1 },
          { variable: `l_${u}`, coefficient: -1 },
          { variable: inV, coefficient: -bigM },
        ],
        sense: '>=',
        rhs: -bigM,
      })
    }
    m.addConstraint({ name: `busy_${j}`, terms: busy, sense: '=', rhs: 0 })
    // slots of one accelerator run one after another
    if ((j - 1) % q !== 0) {
      m.addConstraint({
        terms: [
          { variable: `start_${j}`, coefficient: 1 },
          { variable: `finish_${j - 1}`, coefficient: -1 },
        ],
        sense: '>=',
        rhs: 0,
      })
    }
  }
  // CPU nodes run as soon as their inputs exist (unlimited cores); precedence holds on every edge
  for (let v = 0; v < n; v++) {
    const p = input.inst.cpuTime[v]!
    m.addConstraint({
      terms: [
        { variable: `l_${v}`, coefficient: 1 },
        { variable: x(v, CPU), coefficient: -p },
      ],
      sense: '>=',
      rhs: 0,
    })
    for (const u of shape.pred[v]!) {
      m.addConstraint({
        terms: [
          { variable: `l_${v}`, coefficient: 1 },
          { variable: `l_${u}`, coefficient: -1 },
          { variable: x(v, CPU), coefficient: -p },
        ],
        sense: '>=',
        rhs: 0,
      })
    }
  }
  m.setObjective({ sense: 'minimize', terms: [{ variable: 'T', coefficient: 1 }] })
  return m
}

/**
 * Earliest-time latency of an assignment (device per node: CPU = 0, slot j ≥ 1): CPU nodes start when their
 * predecessors finish; a slot's call starts when every outside input exists and the accelerator's previous
 * slot has finished, lasts comm-in + Σ accelerator time + comm-out, and all its nodes finish with it. Returns
 * null when the slots wait on one another in a cycle (not a valid split).
 */
function scoreLatency(
  input: IpInput,
  shape: Shape,
  deviceOf: Int32Array,
): { latency: number; start: Float64Array; finish: Float64Array; busy: Float64Array } | null {
  const n = input.nodeCount
  const slots = shape.k * shape.q
  const ell = new Float64Array(n).fill(Number.NaN)
  const start = new Float64Array(slots + 1)
  const finish = new Float64Array(slots + 1)
  const busy = new Float64Array(slots + 1)
  const slotDone = new Uint8Array(slots + 1)
  const slotNodes: number[][] = Array.from({ length: slots + 1 }, () => [])
  for (let o = 0; o < n; o++) slotNodes[deviceOf[o]!]!.push(o)
  const ins: number[][] = Array.from({ length: slots + 1 }, () => [])
  for (let j = 1; j <= slots; j++) {
    const inSlot = new Set(slotNodes[j])
    const inputs = new Set<number>()
    let comm = 0
    for (const u of inSlot) {
      for (const w of shape.pred[u]!) if (!inSlot.has(w)) inputs.add(w)
      if (shape.dataSucc[u]!.some((v) => !inSlot.has(v))) comm += input.inst.commCost[u]!
      busy[j]! += input.inst.accTime[u]!
    }
    for (let u = 0; u < n; u++) {
      if (!inSlot.has(u) && shape.dataSucc[u]!.some((v) => inSlot.has(v))) comm += input.inst.commCost[u]!
    }
    busy[j]! += comm
    ins[j] = [...inputs]
  }
  let progress = true
  let remaining = n
  while (progress && remaining > 0) {
    progress = false
    for (const v of shape.order) {
      if (!Number.isNaN(ell[v]!) || deviceOf[v] !== CPU) continue
      if (shape.pred[v]!.some((u) => Number.isNaN(ell[u]!))) continue
      let ready = 0
      for (const u of shape.pred[v]!) ready = Math.max(ready, ell[u]!)
      ell[v] = ready + input.inst.cpuTime[v]!
      remaining--
      progress = true
    }
    for (let j = 1; j <= slots; j++) {
      if (slotDone[j] === 1) continue
      const previous = (j - 1) % shape.q === 0 ? null : j - 1
      if (previous !== null && slotDone[previous] === 0) continue
      if (ins[j]!.some((u) => Number.isNaN(ell[u]!))) continue
      let s = previous === null ? 0 : finish[previous]!
      for (const u of ins[j]!) s = Math.max(s, ell[u]!)
      start[j] = s
      finish[j] = s + busy[j]!
      slotDone[j] = 1
      for (const o of slotNodes[j]!) {
        ell[o] = finish[j]!
        remaining--
      }
      progress = true
    }
  }
  if (remaining > 0) return null
  let latency = 0
  for (let o = 0; o < n; o++) latency = Math.max(latency, ell[o]!)
  return { latency, start, finish, busy }
}

/**
 * Tarnawski et al. 2020's latency integer program (placement.md §1.7, `lip.py`; inference graphs): minimise
 * the single-sample latency. CPUs have unlimited parallelism (the problem's CPU count is ignored, as the
 * reference does); each accelerator runs up to `slotsPerAccelerator` contiguous subgraphs one after another,
 * each a non-preemptive call of comm-in + Σ accelerator time + comm-out. Returns a MaxLoadResult with method
 * `ip`, `objectiveKind: 'latency'`, `objective` = latency re-scored by an earliest-time simulation of the
 * split (instance time unit), `bestBound` the solver's lower bound; devices are the CPU and the used slots
 * (with `deviceIndex`, `start`, `finish`; `load` = busy time). Exact up to `mipGap`; the MILP has
 * O(V·k·q) binaries and O((V + E)·k·q) rows. Warm-started from the all-CPU schedule (HiGHS only).
 *
 * @throws the validation errors of prepareInstance; IpSolverError when the back-end fails.
 */
export async function placeLatencyIp(
  problem: PlacementProblem,
  options: LatencyIpOptions = {},
): Promise<MaxLoadResult> {
  const t0 = performance.now()
  const solver = options.solver ?? 'highs'
  const q = options.slotsPerAccelerator ?? 1
  const input = buildIpInput(problem, options)
  const shape = shapeOf(input, q)
  const cpuOnly = allCpuLatency(input, shape)
  const model = buildModel(input, shape, cpuOnly.latency)
  const slots = shape.k * q
  let warmStart: Record<string, number> | undefined
  if (options.warmStart !== false) {
    warmStart = { T: cpuOnly.latency }
    for (let o = 0; o < input.nodeCount; o++) {
      warmStart[x(o, CPU)] = 1
      warmStart[`l_${o}`] = cpuOnly.finish[o]!
      for (let j = 1; j <= slots; j++) {
        warmStart[x(o, j)] = 0
        warmStart[`z_${o}_${j}`] = 0
        if (shape.dataSucc[o]!.length > 0) {
          warmStart[`in_${o}_${j}`] = 0
          warmStart[`out_${o}_${j}`] = 0
        }
      }
    }
    for (let j = 1; j <= slots; j++) {
      warmStart[`start_${j}`] = 0
      warmStart[`finish_${j}`] = 0
    }
  }
  const r = await solve(model, {
    solver,
    timeLimitS: options.timeLimitS ?? DEFAULT_TIME_LIMIT_S,
    mipGap: options.mipGap ?? 0,
    ...(warmStart === undefined ? {} : { warmStart }),
  })
  const status = placementStatus(r)
  const notes = r.message === undefined ? {} : { notes: [`${r.solver}: ${r.message}`] }
  const base = { method: 'ip' as const, solver, objectiveKind: 'latency' as const, ...notes }
  const deviceOf = new Int32Array(input.nodeCount)
  for (let o = 0; o < input.nodeCount; o++) {
    for (let j = 0; j <= slots; j++) if ((r.values[x(o, j)] ?? 0) > 0.5) deviceOf[o] = j
  }
  const scored = r.objective === null ? null : scoreLatency(input, shape, deviceOf)
  if (scored === null) {
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
  const ids = (j: number) => problem.nodes.filter((_, o) => deviceOf[o] === j).map((node) => node.id)
  const devices: PlacedDevice[] = []
  const cpuNodes = ids(CPU)
  if (cpuNodes.length > 0) {
    let load = 0
    for (let o = 0; o < input.nodeCount; o++) if (deviceOf[o] === CPU) load += input.inst.cpuTime[o]!
    devices.push({ kind: 'cpu', nodes: cpuNodes, load })
  }
  const used: PlacedDevice[] = []
  for (let j = 1; j <= slots; j++) {
    const nodes = ids(j)
    if (nodes.length === 0) continue
    used.push({
      kind: 'accelerator',
      nodes,
      load: scored.busy[j]!,
      deviceIndex: Math.floor((j - 1) / q),
      start: scored.start[j]!,
      finish: scored.finish[j]!,
    })
  }
  used.sort((a, b) => a.start! - b.start!)
  devices.push(...used)
  return {
    objective: scored.latency,
    ...base,
    status,
    ...boundAndGap(r, scored.latency),
    timeS: (performance.now() - t0) / 1000,
    devices,
  }
}
