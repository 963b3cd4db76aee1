import { compileDag, enumerateIdeals, InvalidValueError, validatePlacementProblem } from '@dnnperf/ir'
import type { PlacementProblem, TensorParallelConfig } from '@dnnperf/ir'
import { asPiperConfigs, type PhazeTraining, phazeTraining } from './internal/phaze-configs.js'
import type { DownsetDpOptions, DownsetDpResult, DownsetDpStage } from './types.js'

/** An edge end as the DP reads it: bytes per tensor-parallel width (PHAZE) or one size for all widths. */
interface EdgeEnd {
  readonly bytes: number
  readonly byWidth: Readonly<Record<string, number>> | undefined
}

/** Problem data indexed for the DP. */
interface Indexed {
  readonly n: number
  readonly ids: readonly string[]
  /** Per node, per width (string key), its configurations in Piper's terms. */
  readonly configs: readonly Readonly<Record<string, readonly TensorParallelConfig[]>>[]
  readonly inEdges: readonly (EdgeEnd & { u: number })[][]
  readonly outEdges: readonly (EdgeEnd & { x: number })[][]
  readonly K: number
  readonly M: number
  readonly B: number
  readonly N: number
}

function positive(field: string, v: unknown, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new InvalidValueError({
      at: 'planDownsetDp problem',
      field,
      value: v,
      expected: integer ? 'a positive integer' : 'a number > 0',
    })
  }
  return v
}

const edgeBytes = (e: EdgeEnd, width: string): number => e.byWidth?.[width] ?? e.bytes

function indexProblem(problem: PlacementProblem): Indexed {
  validatePlacementProblem(problem)
  const r = problem.resources
  const K = positive('resources.acceleratorCount', r.acceleratorCount, true)
  const M = positive('resources.acceleratorMemoryBytes', r.acceleratorMemoryBytes, false)
  const B = positive('resources.bandwidthBytesPerS', r.bandwidthBytesPerS, false)
  const N = positive('resources.microbatchCount', r.microbatchCount, true)
  const ids = problem.nodes.map((v) => v.id)
  const index = new Map(ids.map((id, i) => [id, i]))
  const inEdges: (EdgeEnd & { u: number })[][] = ids.map(() => [])
  const outEdges: (EdgeEnd & { x: number })[][] = ids.map(() => [])
  for (const e of problem.edges) {
    const u = index.get(e.from)!
    const x = index.get(e.to)!
    const end = { bytes: e.bytes ?? 0, byWidth: e.bytesByTensorWidth }
    inEdges[x]!.push({ u, ...end })
    outEdges[u]!.push({ x, ...end })
  }
  let training: PhazeTraining | undefined
  const phaze = () => {
    training ??= phazeTraining(problem)
    return training
  }
  const configs = problem.nodes.map((v, i) => {
    const tp = v.tensorParallel
    if (tp === undefined || Object.keys(tp).length === 0) {
      throw new InvalidValueError({
        at: `node ${v.id}`,
        field: 'tensorParallel',
        value: tp,
        expected: 'configurations per tensor-parallel width (Piper TMPCs or PHAZE per-width records)',
      })
    }
    const out: Record<string, readonly TensorParallelConfig[]> = {}
    for (const [w, list] of Object.entries(tp)) {
      const stashBytes = inEdges[i]!.reduce((acc, e) => acc + edgeBytes(e, w), 0)
      out[w] = list.flatMap((c, j) =>
        asPiperConfigs(`node ${v.id} width ${w} configuration ${j}`, c, phaze, stashBytes),
      )
    }
    return out
  })
  return { n: ids.length, ids, configs, inEdges, outEdges, K, M, B, N }
}

/** Cost of one stage: Piper's TPS with the per-node configuration picked by Piper's knapsack heuristic. */
export interface StageCost {
  readonly tps: number
  readonly memoryBytes: number
  readonly choice: readonly number[]
}

/**
 * Piper's stage time per sample and memory (placement reference §2.1–2.2) for the nodes `members` (a membership
 * mask) at width t, data-parallel degree d and y microbatches in flight, or null when the stage cannot run (a node
 * without configurations for t, or memory over M even at each node's smallest configuration). Configuration
 * choice: all-fastest if it fits; else, from all-fastest, memory-saving swaps in ascending Δtime/Δmemory (ties by
 * node, then configuration) until it fits. Heuristic when a node has several configurations (Piper's
 * `solveKnapsack`, fast variant), exact otherwise. O(|S|·configs·log).
 */
export function piperStageCost(
  x: Indexed,
  members: readonly number[],
  inStage: Uint8Array,
  t: number,
  d: number,
  y: number,
): StageCost | null {
  const key = String(t)
  const contrib: number[][] = []
  const mem: number[][] = []
  for (const v of members) {
    const list = x.configs[v]![key]
    if (list === undefined || list.length === 0) return null
    contrib.push(
      list.map((c) => {
        let edge = 0
        for (const e of x.inEdges[v]!)
          if (!inStage[e.u]) edge += 2 * (edgeBytes(e, key) + (c.syncBytesIn?.[x.ids[e.u]!] ?? 0))
        for (const e of x.outEdges[v]!)
          if (!inStage[e.x]) edge += 2 * (edgeBytes(e, key) + (c.syncBytesOut?.[x.ids[e.x]!] ?? 0))
        const dpBytes = (4 * (d - 1) * c.parameterBytes!) / (d * x.N)
        return (edge / d + dpBytes) / x.B + c.timePerSampleS! / d
      }),
    )
    mem.push(list.map((c) => c.memoryBytesPerMicrobatch! * y + c.memoryBytesFixed!))
  }
  const argmin = (a: readonly number[]) => a.reduce((best, z, i) => (z < a[best]! ? i : best), 0)
  const choice = contrib.map(argmin)
  let memory = choice.reduce((acc, c, i) => acc + mem[i]![c]!, 0)
  if (memory > x.M) {
    const minMem = mem.reduce((acc, m) => acc + Math.min(...m), 0)
    if (minMem > x.M) return null
    const swaps: { i: number; c: number; ratio: number }[] = []
    contrib.forEach((cs, i) => {
      const f = choice[i]!
      cs.forEach((z, c) => {
        const dm = mem[i]![f]! - mem[i]![c]!
        if (dm > 0) swaps.push({ i, c, ratio: (z - cs[f]!) / dm })
      })
    })
    swaps.sort((a, b) => a.ratio - b.ratio || a.i - b.i || a.c - b.c)
    for (const s of swaps) {
      if (memory <= x.M) break
      const cur = choice[s.i]!
      if (mem[s.i]![s.c]! < mem[s.i]![cur]!) {
        memory += mem[s.i]![s.c]! - mem[s.i]![cur]!
        choice[s.i] = s.c
      }
    }
    if (memory > x.M) {
      // Only reachable with three or more configurations per width: fall back to the smallest of each.
      mem.forEach((m, i) => {
        choice[i] = argmin(m)
      })
      memory = minMem
    }
  }
  const tps = choice.reduce((acc, c, i) => acc + contrib[i]![c]!, 0)
  return { tps, memoryBytes: memory, choice }
}

/**
 * The Piper / PHAZE downset dynamic program (Tarnawski, Narayanan, Phanishayee NeurIPS 2021, Alg. 1; placement
 * reference §2.2; PHAZE's 3D-parallel variant, phaze reference §6): splits a layer DAG into contiguous pipeline
 * stages, each with its own tensor-parallel width t and data-parallel degree d (d dividing the microbatches N),
 * on at most K devices (Σ t·d ≤ K) with Σ d ≤ min(N, K), minimising the bottleneck stage time per sample
 * (Piper's TPS: compute/d plus boundary and data-parallel bytes over the bandwidth) under per-device memory with
 * ⌈(Σ later d)/d⌉ microbatches in flight. Downsets are successor-closed, so the DP grows the pipeline from its
 * tail and the stage D∖D′ is the first stage of D. "At most k devices, Σd ≤ s" as in Piper's code; the answer
 * scans k then s, keeping the smallest on ties; reconstruction follows stored argmins.
 * Exact over contiguous splits, widths and degrees; heuristic only in the per-stage configuration choice when a
 * node has several configurations for a width (Piper's knapsack). O(pairs · |t| · |d| · K · S) time,
 * O(downsets · K · S) memory.
 *
 * Inputs: Piper TMPCs (`timePerSampleS`, memory a·y + b), or PHAZE solver inputs (`importPhaze`: per-microbatch
 * `forwardS`/`backwardS`, `parameterBytes`, `activationBytes`), which are read as Piper configurations with the
 * microbatch as the "sample" (so `objectiveS` is then the bottleneck time per microbatch): a `vanilla`
 * configuration (time F + B, w = P, memory A per microbatch in flight + (2 + [Adam])·P, PHAZE's rule) and, with
 * `activationRecomputation`, an `activation recomp` one (time 2F + B, memory the node's in-edge bytes per
 * microbatch + (2 + [Adam])·P + A; conservative against PHAZE's per-stage stash). Edge bytes are taken per width
 * (`bytesByTensorWidth`) when the edge has them. The objective stays Piper's (bottleneck time per sample, each
 * boundary edge charged twice per side, data-parallel sync per stage), not PHAZE's time per batch with bubbles;
 * `exportDownsetDpResult` writes PHAZE's output shape from it.
 * @throws InvalidValueError for missing resources, node configurations or fields (named), or a PHAZE optimizer
 *   other than SGD/Adam; LimitExceededError above `maxDownsets`; the IR's validation errors for a malformed
 *   problem (cycles, dangling edges).
 */
export function planDownsetDp(problem: PlacementProblem, options: DownsetDpOptions = {}): DownsetDpResult {
  const started = performance.now()
  const x = indexProblem(problem)
  const { n, K, N } = x
  const S = Math.min(N, K)
  // Successor-closed sets are the ideals (predecessor-closed sets) of the reversed graph.
  const reversed = compileDag(
    x.ids,
    problem.edges.map((e) => ({ from: e.to, to: e.from })),
  )
  const ideals = enumerateIdeals(reversed, { limit: options.maxDownsets ?? 40_000 })
  const D = ideals.count
  const w = ideals.wordCount
  const node = (i: number, v: number) => (ideals.bits[i * w + (v >>> 5)]! >>> (v & 31)) & 1
  // Ideal indices refer to the reversed DAG's node order; map back to problem order by id.
  const problemIndex = reversed.nodeIds.map((id) => x.ids.indexOf(id))
  const widths = (options.tensorWidths ?? [...new Set(x.configs.flatMap((c) => Object.keys(c).map(Number)))])
    .filter((t) => Number.isInteger(t) && t >= 1 && t <= K)
    .sort((a, b) => a - b)
  const degrees: number[] = []
  for (let d = 1; d <= S; d++) if (N % d === 0) degrees.push(d)

  const K1 = K + 1
  const S1 = S + 1
  const cell = (i: number, k: number, s: number) => (i * K1 + k) * S1 + s
  const dp = new Float64Array(D * K1 * S1).fill(Number.POSITIVE_INFINITY)
  // Argmins: sub-downset (−1: none), width, degree; or −2/−3 for the closure from k−1 / s−1.
  const argSub = new Int32Array(D * K1 * S1).fill(-1)
  const argT = new Int32Array(D * K1 * S1)
  const argD = new Int32Array(D * K1 * S1)
  for (let k = 0; k <= K; k++) for (let s = 0; s <= S; s++) dp[cell(0, k, s)] = 0
  const inStage = new Uint8Array(n)
  let pairs = 0
  for (let i = 1; i < D; i++) {
    for (let j = 0; j < i; j++) {
      // j must be a proper subset of i.
      let subset = true
      for (let q = 0; q < w && subset; q++) {
        const a = ideals.bits[j * w + q]!
        if ((a & ideals.bits[i * w + q]!) >>> 0 !== a >>> 0) subset = false
      }
      if (!subset || ideals.size[j]! >= ideals.size[i]!) continue
      pairs++
      inStage.fill(0)
      const members: number[] = []
      for (let v = 0; v < n; v++) {
        if (node(i, v) && !node(j, v)) {
          const pv = problemIndex[v]!
          inStage[pv] = 1
          members.push(pv)
        }
      }
      members.sort((a, b) => a - b)
      for (const t of widths) {
        for (const d of degrees) {
          if (t * d > K) break
          const yMax = Math.ceil(S / d)
          for (let y = 1; y <= yMax; y++) {
            const c = piperStageCost(x, members, inStage, t, d, y)
            if (c === null) break // more in flight needs more memory
            // s with ⌈s/d⌉ = y.
            for (let s = Math.max(d, (y - 1) * d + 1); s <= Math.min(S, y * d); s++) {
              for (let k = t * d; k <= K; k++) {
                const val = Math.max(dp[cell(j, k - t * d, s - d)]!, c.tps)
                const at = cell(i, k, s)
                if (val < dp[at]! - 1e-12) {
                  dp[at] = val
                  argSub[at] = j
                  argT[at] = t
                  argD[at] = d
                }
              }
            }
          }
        }
      }
    }
    // "At most k devices, Σ d at most s".
    for (let k = 0; k <= K; k++) {
      for (let s = 0; s <= S; s++) {
        const at = cell(i, k, s)
        if (k > 0 && dp[cell(i, k - 1, s)]! < dp[at]!) {
          dp[at] = dp[cell(i, k - 1, s)]!
          argSub[at] = -2
        }
        if (s > 0 && dp[cell(i, k, s - 1)]! < dp[at]!) {
          dp[at] = dp[cell(i, k, s - 1)]!
          argSub[at] = -3
        }
      }
    }
  }
  const full = D - 1
  let best = Number.POSITIVE_INFINITY
  let bk = -1
  let bs = -1
  // The runners-up of a DP: its optimum under every smaller device budget (at most k devices).
  const byBudget: { devices: number; objectiveS: number | null }[] = []
  for (let k = 0; k <= K; k++) {
    let atK = Number.POSITIVE_INFINITY
    for (let s = 1; s <= S; s++) {
      const val = dp[cell(full, k, s)]!
      if (val < atK) atK = val
      if (val < best - 1e-9) {
        best = val
        bk = k
        bs = s
      }
    }
    if (k > 0) byBudget.push({ devices: k, objectiveS: Number.isFinite(atK) ? atK : null })
  }
  const stages: DownsetDpStage[] = []
  const stageMembers: { members: number[]; t: number; d: number }[] = []
  let devicesUsed = 0
  let dataParallelSum = 0
  if (Number.isFinite(best)) {
    let i = full
    let k = bk
    let s = bs
    while (i !== 0) {
      const at = cell(i, k, s)
      const sub = argSub[at]!
      if (sub === -2) {
        k--
        continue
      }
      if (sub === -3) {
        s--
        continue
      }
      const t = argT[at]!
      const d = argD[at]!
      inStage.fill(0)
      const members: number[] = []
      for (let v = 0; v < n; v++) {
        if (node(i, v) && !node(sub, v)) {
          const pv = problemIndex[v]!
          inStage[pv] = 1
          members.push(pv)
        }
      }
      members.sort((a, b) => a - b)
      const y = Math.ceil(s / d)
      const c = piperStageCost(x, members, inStage, t, d, y)!
      stageMembers.push({ members, t, d })
      stages.push({
        nodes: members.map((v) => x.ids[v]!),
        dataParallel: d,
        tensorParallel: t,
        configIds: members.map((v, q) => x.configs[v]![String(t)]![c.choice[q]!]!.id ?? `#${c.choice[q]}`),
        timePerSampleS: c.tps,
        memoryBytes: c.memoryBytes,
        inFlightMicrobatches: y,
      })
      devicesUsed += t * d
      dataParallelSum += d
      i = sub
      k -= t * d
      s -= d
    }
  }
  // The y above is the DP's budget ⌈s/d⌉ (s may exceed Σ d); report each stage at its actual in-flight count.
  let later = 0
  const out: DownsetDpStage[] = new Array(stages.length)
  for (let q = stages.length - 1; q >= 0; q--) {
    const st = stages[q]!
    const { members, t, d } = stageMembers[q]!
    later += d
    const y = Math.ceil(later / d)
    inStage.fill(0)
    for (const v of members) inStage[v] = 1
    const c = piperStageCost(x, members, inStage, t, d, y)!
    out[q] = {
      ...st,
      configIds: members.map((v, r) => x.configs[v]![String(t)]![c.choice[r]!]!.id ?? `#${c.choice[r]}`),
      timePerSampleS: c.tps,
      memoryBytes: c.memoryBytes,
      inFlightMicrobatches: y,
    }
  }
  const ok = Number.isFinite(best)
  return {
    status: ok ? 'optimal' : 'infeasible',
    objectiveS: ok ? best : null,
    boundS: ok ? best : null,
    stages: out,
    optimumByDeviceBudget: byBudget,
    devicesUsed,
    dataParallelSum,
    downsets: D,
    pairs,
    timeS: (performance.now() - started) / 1000,
    method: 'piper-downset-dp',
  }
}
