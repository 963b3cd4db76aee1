import { enumerateIdeals, type IdealSet, type PlacementProblem } from '@dnnperf/ir'
import { contractLayerClasses } from './internal/contract-layers.js'
import { linearUpperBound } from './internal/linear-bound.js'
import { type PreparedInstance, prepareInstance } from './internal/prepare.js'
import { maxLoadLowerBound, resultFromStages, supernodeIds } from './internal/result.js'
import { StageTracker } from './internal/stage-tracker.js'
import type { DeviceKind, MaxLoadOptions, MaxLoadResult, PlacedDevice } from './types.js'

const INF = Number.POSITIVE_INFINITY
/** How a DP entry was reached (for reconstruction). */
const NONE = 0
const CPU_EMPTY = 1
const CPU_STAGE = 2
const ACC_EMPTY = 3
const ACC_STAGE = 4
/**
 * Work units (words compared, members moved) the `auto` pair scan may spend per ideal before falling back to
 * the search: measured on the public instances, the scan wins on layer graphs with many ideals (Inception,
 * GNMT: under 600 units per ideal) and loses on operator graphs, whose stages hold many supernodes.
 */
const PAIR_BUDGET_PER_IDEAL = 1000

interface DpTables {
  readonly layers: number
  /** dp[i * layers + layer(c, f)]: min max-load of ideal i on ≤ c CPUs and ≤ f accelerators. */
  readonly dp: Float64Array
  readonly how: Uint8Array
  readonly from: Int32Array
}

/**
 * Core DP over ideals (placement.md §1.4), ideal-major: for each ideal I (by size) one depth-first search
 * over its contiguous "top" sets S = I ∖ I′ serves every (CPU, accelerator) layer at once.
 *
 * The search grows S from the sinks of I downwards, adding nodes in decreasing topological rank so each
 * successor-closed S is generated exactly once; the candidates are the maximal elements of I′ = I ∖ S. It
 * keeps S's compute, memory and (through {@link StageTracker}) communication incrementally, and I′'s bitset
 * and hash, so each visited S costs one hash probe plus O(layers). Compute and memory only grow with S, so a
 * subtree is cut once S exceeds the memory limit or the upper bound `limit`, or its compute can no longer beat
 * the best stage found for any layer. Values above `limit` may be left overestimated; every value at or
 * below it is exact, which is all the answer needs when `limit` is the value of a feasible split.
 */
function runDp(inst: PreparedInstance, ideals: IdealSet, limit: number, deadlineMs: number): DpTables | null {
  const K = inst.acceleratorCount
  const L = inst.cpuCount
  const layers = (L + 1) * (K + 1)
  const layer = (c: number, f: number) => c * (K + 1) + f
  const count = ideals.count
  const w = ideals.wordCount
  const F = inst.superCount
  const { dag, superAcc, superCpu, superSize, superUnsupported } = inst
  const M = inst.memoryLimitBytes
  const { topoRank, succStart, succ, predStart, pred } = dag

  const dp = new Float64Array(count * layers).fill(INF)
  const how = new Uint8Array(count * layers)
  const from = new Int32Array(count * layers).fill(-1)
  for (let l = 0; l < layers; l++) dp[l] = 0

  const stageCpu = new Float64Array(layers)
  const stageAcc = new Float64Array(layers)
  const stageCpuFrom = new Int32Array(layers)
  const stageAccFrom = new Int32Array(layers)
  let maxStageCpu = INF
  let maxStageAcc = INF
  const refreshCpu = () => {
    let m = 0
    for (const l of usefulCpu) m = Math.max(m, stageCpu[l]!)
    maxStageCpu = m
  }
  const refreshAcc = () => {
    let m = 0
    for (const l of usefulAcc) m = Math.max(m, stageAcc[l]!)
    maxStageAcc = m
  }

  // Usefulness (exact pruning), see usefulness()
  const { capOf: capacity, totalWork } = usefulness(inst, limit)
  const capTable = new Float64Array(layers)
  for (let c = 0; c <= L; c++) for (let f = 0; f <= K; f++) capTable[layer(c, f)] = capacity(c, f)
  const capOf = (c: number, f: number) => capTable[layer(c, f)]!
  const usefulCpu: number[] = [] // layers (as c * (K + 1) + f) useful at the current ideal, CPU-stage side
  const usefulAcc: number[] = []
  const useful = new Uint8Array(layers)
  let accWorkCap = INF
  let cpuWorkCap = INF

  const tracker = new StageTracker(inst)
  const succCount = new Int32Array(F)
  const words = new Uint32Array(w)
  let pool = new Int32Array(Math.max(1024, 4 * F))
  let top = 0
  const push = (x: number) => {
    if (top === pool.length) {
      const grown = new Int32Array(pool.length * 2)
      grown.set(pool)
      pool = grown
    }
    pool[top++] = x
  }
  const { bits, nodeHash, hash: idealHash, table } = ideals
  const tableMask = table.length - 1
  const lookup = (h: number): number => {
    for (let slot = (Math.imul(h, 0x85ebca6b) >>> 0) & tableMask; ; slot = (slot + 1) & tableMask) {
      const id = table[slot]!
      if (id < 0) return -1
      if (idealHash[id] !== h) continue
      let k = 0
      const base = id * w
      while (k < w && bits[base + k] === words[k]) k++
      if (k === w) return id
    }
  }

  const dfs = (
    candStart: number,
    candEnd: number,
    lastRank: number,
    accSum: number,
    cpuSum: number,
    size: number,
    unsupported: number,
    comm: number,
    h: number,
  ): void => {
    for (let q = candStart; q < candEnd; q++) {
      const x = pool[q]!
      const r = topoRank[x]!
      if (r >= lastRank) continue
      const a2 = accSum + superAcc[x]!
      const c2 = cpuSum + superCpu[x]!
      const s2 = size + superSize[x]!
      const u2 = unsupported + superUnsupported[x]!
      const accAlive =
        usefulAcc.length > 0 && u2 === 0 && s2 <= M && a2 <= limit && a2 < maxStageAcc && a2 <= accWorkCap
      const cpuAlive = usefulCpu.length > 0 && c2 <= limit && c2 < maxStageCpu && a2 <= cpuWorkCap
      if (!accAlive && !cpuAlive) continue // compute and memory only grow: every superset is dead too
      const comm2 = comm + tracker.add(x)
      words[x >>> 5]! &= ~(1 << (x & 31))
      const h2 = (h ^ nodeHash[x]!) >>> 0
      const j = lookup(h2)
      const base = j * layers
      if (cpuAlive) {
        let changed = false
        for (const l of usefulCpu) {
          const v = Math.max(dp[base + l - (K + 1)]!, c2) // layer (c - 1, f)
          if (v < stageCpu[l]!) {
            stageCpu[l] = v
            stageCpuFrom[l] = j
            changed = true
          }
        }
        if (changed) refreshCpu()
      }
      if (accAlive) {
        const load = a2 + comm2
        let changed = false
        for (const l of usefulAcc) {
          const v = Math.max(dp[base + l - 1]!, load) // layer (c, f - 1)
          if (v < stageAcc[l]!) {
            stageAcc[l] = v
            stageAccFrom[l] = j
            changed = true
          }
        }
        if (changed) refreshAcc()
      }
      // children: remaining candidates of lower rank, plus predecessors of x that become maximal in I′
      const childStart = top
      for (let k = q + 1; k < candEnd; k++) if (topoRank[pool[k]!]! < r) push(pool[k]!)
      for (let k = candStart; k < q; k++) if (topoRank[pool[k]!]! < r) push(pool[k]!)
      for (let e = predStart[x]!; e < predStart[x + 1]!; e++) {
        const p = pred[e]!
        if (--succCount[p]! === 0) push(p)
      }
      if (top > childStart) dfs(childStart, top, r, a2, c2, s2, u2, comm2, h2)
      top = childStart
      for (let e = predStart[x]!; e < predStart[x + 1]!; e++) succCount[pred[e]!]!++
      words[x >>> 5]! |= 1 << (x & 31)
      tracker.remove(x)
    }
  }

  for (let i = 1; i < count; i++) {
    if ((i & 63) === 0 && performance.now() > deadlineMs) return null
    const ib = i * w
    for (let k = 0; k < w; k++) words[k] = bits[ib + k]!
    const inI = (v: number) => ((bits[ib + (v >>> 5)]! >>> (v & 31)) & 1) === 1
    let work = 0
    for (let x = 0; x < F; x++) if (inI(x)) work += superAcc[x]!
    const rest = totalWork - work
    usefulCpu.length = 0
    usefulAcc.length = 0
    useful.fill(0)
    // S's own work is capped so that I′ = I ∖ S stays useful one layer down
    accWorkCap = -1
    cpuWorkCap = -1
    for (let c = 0; c <= L; c++) {
      for (let f = 0; f <= K; f++) {
        if ((c === 0 && f === 0) || work > capOf(c, f) || rest > capOf(L - c, K - f)) continue
        const l = layer(c, f)
        useful[l] = 1
        if (c > 0) {
          usefulCpu.push(l)
          cpuWorkCap = Math.max(cpuWorkCap, work - (totalWork - capOf(L - c + 1, K - f)))
        }
        if (f > 0) {
          usefulAcc.push(l)
          accWorkCap = Math.max(accWorkCap, work - (totalWork - capOf(L - c, K - f + 1)))
        }
      }
    }
    if (usefulCpu.length === 0 && usefulAcc.length === 0) continue
    top = 0
    for (let x = 0; x < F; x++) {
      if (!inI(x)) continue
      let cnt = 0
      for (let e = succStart[x]!; e < succStart[x + 1]!; e++) if (inI(succ[e]!)) cnt++
      succCount[x] = cnt
      if (cnt === 0) push(x)
    }
    stageCpu.fill(INF)
    stageAcc.fill(INF)
    maxStageCpu = INF
    maxStageAcc = INF
    dfs(0, top, F + 1, 0, 0, 0, 0, 0, idealHash[i]!)

    // resolve layers in order: "leave a device empty" reads this ideal's lower layers
    const base = i * layers
    for (let c = 0; c <= L; c++) {
      for (let f = 0; f <= K; f++) {
        const l = layer(c, f)
        if (useful[l] === 0) continue
        let best = INF
        let kind = NONE
        let sub = -1
        if (c > 0) {
          const v = dp[base + layer(c - 1, f)]!
          if (v < best) [best, kind] = [v, CPU_EMPTY]
          if (stageCpu[l]! < best) [best, kind, sub] = [stageCpu[l]!, CPU_STAGE, stageCpuFrom[l]!]
        }
        if (f > 0) {
          const v = dp[base + layer(c, f - 1)]!
          if (v < best) [best, kind, sub] = [v, ACC_EMPTY, -1]
          if (stageAcc[l]! < best) [best, kind, sub] = [stageAcc[l]!, ACC_STAGE, stageAccFrom[l]!]
        }
        dp[base + l] = best
        how[base + l] = kind
        from[base + l] = sub
      }
    }
  }
  return { layers, dp, how, from }
}

/**
 * The same DP as {@link runDp}, enumerating transitions the other way round: for each ideal I and each layer
 * where I is useful, scan the ideals I′ ⊊ I already found useful one layer down. Stage compute, CPU time,
 * memory and support follow from per-ideal prefix sums in O(1); the bitset subset test costs O(V/32), and
 * communication is computed (O(|S| · degree)) only for pairs that could still improve the layer. When the
 * upper bound is tight few ideals are useful per layer, so this visits far fewer pairs than the search.
 * Returns null when the deadline passes.
 */
function runDpPairs(
  inst: PreparedInstance,
  ideals: IdealSet,
  limit: number,
  deadlineMs: number,
  budget = INF,
): DpTables | null {
  const K = inst.acceleratorCount
  const L = inst.cpuCount
  const layers = (L + 1) * (K + 1)
  const layer = (c: number, f: number) => c * (K + 1) + f
  const count = ideals.count
  const w = ideals.wordCount
  const F = inst.superCount
  const { bits } = ideals
  const M = inst.memoryLimitBytes

  const accI = new Float64Array(count)
  const cpuI = new Float64Array(count)
  const sizeI = new Float64Array(count)
  const unsupportedI = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    let a = 0
    let c = 0
    let z = 0
    let u = 0
    for (let k = 0; k < w; k++) {
      let word = bits[i * w + k]!
      while (word !== 0) {
        const low = word & -word
        const s = k * 32 + (31 - Math.clz32(low))
        word ^= low
        if (s >= F) continue
        a += inst.superAcc[s]!
        c += inst.superCpu[s]!
        z += inst.superSize[s]!
        u += inst.superUnsupported[s]!
      }
    }
    accI[i] = a
    cpuI[i] = c
    sizeI[i] = z
    unsupportedI[i] = u
  }
  const { capOf, totalWork } = usefulness(inst, limit)
  const isUseful = (i: number, c: number, f: number) =>
    accI[i]! <= capOf(c, f) && totalWork - accI[i]! <= capOf(L - c, K - f)

  const dp = new Float64Array(count * layers).fill(INF)
  const how = new Uint8Array(count * layers)
  const from = new Int32Array(count * layers).fill(-1)
  for (let l = 0; l < layers; l++) dp[l] = 0
  // useful ideals per layer, in index (= size) order
  const lists: number[][] = Array.from({ length: layers }, () => [])
  for (let c = 0; c <= L; c++) for (let f = 0; f <= K; f++) if (isUseful(0, c, f)) lists[layer(c, f)]!.push(0)

  const tracker = new StageTracker(inst)
  let spent = 0 // work units: words compared plus supernode members moved in and out of a stage
  const stageComm = (i: number, j: number): number => {
    let comm = 0
    for (let k = 0; k < w; k++) {
      let word = bits[i * w + k]! & ~bits[j * w + k]!
      while (word !== 0) {
        const low = word & -word
        word ^= low
        const s = k * 32 + (31 - Math.clz32(low))
        spent += inst.memberStart[s + 1]! - inst.memberStart[s]!
        comm += tracker.add(s)
      }
    }
    for (let k = 0; k < w; k++) {
      let word = bits[i * w + k]! & ~bits[j * w + k]!
      while (word !== 0) {
        const low = word & -word
        word ^= low
        tracker.remove(k * 32 + (31 - Math.clz32(low)))
      }
    }
    return comm
  }
  const subset = (j: number, i: number): boolean => {
    spent += w
    for (let k = 0; k < w; k++) if ((bits[j * w + k]! & ~bits[i * w + k]!) !== 0) return false
    return true
  }

  for (let i = 1; i < count; i++) {
    if ((i & 63) === 0 && performance.now() > deadlineMs) return null
    if (spent > budget) return null
    const base = i * layers
    for (let c = 0; c <= L; c++) {
      for (let f = 0; f <= K; f++) {
        if ((c === 0 && f === 0) || !isUseful(i, c, f)) continue
        const l = layer(c, f)
        let best = INF
        let kind = NONE
        let sub = -1
        if (c > 0) {
          const v = dp[base + layer(c - 1, f)]!
          if (v < best) [best, kind] = [v, CPU_EMPTY]
          const lower = layer(c - 1, f)
          for (const j of lists[lower]!) {
            if (j >= i) break
            const cpu = cpuI[i]! - cpuI[j]!
            if (cpu > limit || cpu >= best) continue
            const d = dp[j * layers + lower]!
            if (d >= best || !subset(j, i)) continue
            const v = Math.max(d, cpu)
            if (v < best) [best, kind, sub] = [v, CPU_STAGE, j]
          }
        }
        if (f > 0) {
          const v = dp[base + layer(c, f - 1)]!
          if (v < best) [best, kind, sub] = [v, ACC_EMPTY, -1]
          const lower = layer(c, f - 1)
          for (const j of lists[lower]!) {
            if (j >= i) break
            const acc = accI[i]! - accI[j]!
            if (acc > limit || acc >= best) continue
            if (sizeI[i]! - sizeI[j]! > M || unsupportedI[i]! - unsupportedI[j]! > 0) continue
            const d = dp[j * layers + lower]!
            if (d >= best || !subset(j, i)) continue
            const v = Math.max(d, acc + stageComm(i, j))
            if (v < best) [best, kind, sub] = [v, ACC_STAGE, j]
          }
        }
        dp[base + l] = best
        how[base + l] = kind
        from[base + l] = sub
        lists[l]!.push(i)
      }
    }
  }
  return { layers, dp, how, from }
}

/**
 * Exact usefulness test shared by both transition schemes: a state (I, c, f) can lie on a split of value at
 * most `limit` only if I's accelerator work fits c CPUs and f accelerators and the rest fits the other devices.
 * In accelerator-time units a CPU holds at most limit / rho, rho = min over nodes of cpu / accelerator time.
 */
function usefulness(
  inst: PreparedInstance,
  limit: number,
): { capOf: (c: number, f: number) => number; totalWork: number } {
  let rho = INF
  let totalWork = 0
  for (let o = 0; o < inst.nodeCount; o++) {
    const a = inst.accTime[o]!
    totalWork += a
    if (a > 0) rho = Math.min(rho, inst.cpuTime[o]! / a)
  }
  // sums of the same work in different orders differ by rounding: allow 1e-9 of the total
  const slackOf = (x: number) => x * (1 + 1e-9) + 1e-9 * totalWork + 1e-12
  const capOf = (c: number, f: number): number => {
    if (limit === INF) return INF
    const cpuPart = c === 0 ? 0 : rho === 0 ? INF : rho === INF ? 0 : (c * limit) / rho
    return slackOf(f * limit + cpuPart)
  }
  return { capOf, totalWork }
}

/** Supernodes in ideal `i` but not in ideal `j`. */
function stageSupernodes(inst: PreparedInstance, ideals: IdealSet, i: number, j: number): number[] {
  const w = ideals.wordCount
  const out: number[] = []
  for (let s = 0; s < inst.superCount; s++) {
    const inI = (ideals.bits[i * w + (s >>> 5)]! >>> (s & 31)) & 1
    const inJ = (ideals.bits[j * w + (s >>> 5)]! >>> (s & 31)) & 1
    if (inI === 1 && inJ === 0) out.push(s)
  }
  return out
}

/**
 * Minimum max-load contiguous placement of a Tarnawski-model problem on accelerators and CPU cores, by the
 * dynamic programme over ideals of Tarnawski et al. (NeurIPS 2020, placement.md §1.4–1.6).
 *
 * Exact for contiguous splits (status `optimal`, gap 0) under the reference preprocessing: co-location
 * classes contracted (a stage holds the backward nodes of its forward classes), orphaned backward classes
 * given artificial forward nodes, forward cycles fused, trivial zero-time nodes merged. Loads are §1.2's:
 * accelerator = compute + communication (charged once per crossing source per side), CPU = compute; memory
 * strictly above the limit or an unsupported node makes an accelerator stage infeasible.
 *
 * Complexity: O(#ideals · (V + E)) to set up. The upper bound U (the optimal split of one topological order)
 * prunes exactly: a state (ideal, CPUs, accelerators) is kept only if the ideal's work fits those devices
 * within U and the rest fits the others. Transitions are then either scanned as pairs of kept ideals
 * (O(V/32) each) or found by a depth-first search over the stages of each ideal with compute ≤ U; worst case
 * O(#ideals² · (V + E) · layers), layers = (cpuCount + 1)(acceleratorCount + 1). Memory
 * O(#ideals · (V/32 + 13 · layers)) bytes. The public layer and operator graphs take 0.01–1.7 s and < 80 MB.
 *
 * `objective` is the maximum of the re-scored device loads (see evaluateSplit), in the instance's time unit;
 * `devices` lists the used devices first stage first. Infeasible instances return status `infeasible`.
 *
 * @throws LimitExceededError (`LIMIT_EXCEEDED`) above `idealLimit` ideals.
 * @throws InvalidValueError, BackwardToForwardEdgeError and the validation errors of the IR.
 * @example
 * placeMaxLoadDp(importDnnPartitioning(text)).objective // 6.5 for placement.md §1.10 instance A
 */
export function placeMaxLoadDp(input: PlacementProblem, options: MaxLoadOptions = {}): MaxLoadResult {
  const t0 = performance.now()
  const problem = options.contractLayers === true ? contractLayerClasses(input) : input
  const inst = prepareInstance(problem, options)
  const ideals = enumerateIdeals(inst.dag, { limit: options.idealLimit ?? 1_000_000 })
  const linear = linearUpperBound(inst)
  // a hair above the bound so the split that attains it survives rounding
  const limit = linear.value === INF ? INF : linear.value * (1 + 1e-9) + 1e-12
  const deadlineMs = options.timeLimitS === undefined ? INF : t0 + options.timeLimitS * 1000
  // `auto`: the pair scan is much faster when the bound leaves few useful ideals per layer (Inception), the
  // search when stages hold many supernodes (operator graphs); try the scan on a work budget, then fall back.
  let tables: DpTables | null = null
  const transitions = options.transitions ?? 'auto'
  if (transitions === 'pairs' || (transitions === 'auto' && limit < INF)) {
    tables = runDpPairs(
      inst,
      ideals,
      limit,
      deadlineMs,
      transitions === 'auto' ? Math.min(5e7, Math.max(1e6, PAIR_BUDGET_PER_IDEAL * ideals.count)) : INF,
    )
  }
  if (tables === null && transitions !== 'pairs' && performance.now() <= deadlineMs) {
    tables = runDp(inst, ideals, limit, deadlineMs)
  }
  const info = { bestBound: maxLoadLowerBound(inst), t0, idealCount: ideals.count }
  if (tables === null) {
    // out of time: the best linear split is feasible, with the lower bound as the proven bound
    const stages = linear.stages.map((st) => ({ kind: st.kind, nodes: supernodeIds(inst, st.supernodes) }))
    return resultFromStages(problem, inst, stages, { ...info, method: 'dp', status: 'timeLimit' })
  }
  const { layers, dp, how, from } = tables
  const K = inst.acceleratorCount
  const layer = (c: number, f: number) => c * (K + 1) + f
  const full = ideals.count - 1
  const value = dp[full * layers + layer(inst.cpuCount, K)]!
  const stages: Array<{ kind: DeviceKind; nodes: string[] }> = []
  let i = value === INF ? 0 : full
  let c = inst.cpuCount
  let f = K
  while (i !== 0) {
    const at = i * layers + layer(c, f)
    const kind = how[at]!
    if (kind === CPU_EMPTY) c--
    else if (kind === ACC_EMPTY) f--
    else {
      const j = from[at]!
      const nodes = supernodeIds(inst, stageSupernodes(inst, ideals, i, j))
      stages.push({ kind: kind === CPU_STAGE ? 'cpu' : 'accelerator', nodes })
      if (kind === CPU_STAGE) c--
      else f--
      i = j
    }
  }
  stages.reverse()
  if (value === INF) {
    const timeS = (performance.now() - t0) / 1000
    const devices: PlacedDevice[] = []
    return {
      objective: null,
      method: 'dp',
      status: 'infeasible',
      bestBound: null,
      gap: null,
      timeS,
      devices,
      idealCount: ideals.count,
    }
  }
  const result = resultFromStages(problem, inst, stages, { ...info, method: 'dp', status: 'optimal' })
  if (!(Math.abs(result.objective! - value) <= 1e-9 * Math.max(1, Math.abs(value)))) {
    throw new Error(
      `placeMaxLoadDp: re-scored max load ${result.objective} differs from the DP value ${value}`,
    )
  }
  return result
}
