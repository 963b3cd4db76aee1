import type { PreparedInstance } from './prepare.js'
import { StageTracker } from './stage-tracker.js'

/** A linear split: its value and its stages (supernode ranges of the topological order), first stage first. */
export interface LinearSplit {
  readonly value: number
  readonly stages: ReadonlyArray<{
    readonly kind: 'accelerator' | 'cpu'
    readonly supernodes: readonly number[]
  }>
}

/**
 * Optimal max-load split of the supernodes taken in one topological order into consecutive segments (the
 * reference's `-linearize` variant). Every prefix of a topological order is an ideal, so each segment is
 * contiguous and the value is a feasible upper bound for the full DP. O(F² · (members + edges) + layers · F²).
 * Returns Infinity when no linear split is feasible.
 */
export function linearUpperBound(inst: PreparedInstance): LinearSplit {
  const F = inst.superCount
  const order = inst.dag.topoOrder
  const K = inst.acceleratorCount
  const L = inst.cpuCount
  // seg[a * (F + 1) + b]: load of supernodes order[a..b) on an accelerator / a CPU
  const width = F + 1
  const accSeg = new Float64Array(width * width).fill(Number.POSITIVE_INFINITY)
  const cpuSeg = new Float64Array(width * width)
  const tracker = new StageTracker(inst)
  for (let a = 0; a < F; a++) {
    let acc = 0
    let cpu = 0
    let comm = 0
    let size = 0
    let unsupported = 0
    for (let b = a + 1; b <= F; b++) {
      const s = order[b - 1]!
      comm += tracker.add(s)
      acc += inst.superAcc[s]!
      cpu += inst.superCpu[s]!
      size += inst.superSize[s]!
      unsupported += inst.superUnsupported[s]!
      cpuSeg[a * width + b] = cpu
      accSeg[a * width + b] =
        size > inst.memoryLimitBytes || unsupported > 0 ? Number.POSITIVE_INFINITY : acc + comm
    }
    for (let b = a; b < F; b++) tracker.remove(order[b]!)
  }
  // chain DP over (cpus used, accelerators used), prefix end b
  const layer = (c: number, f: number) => c * (K + 1) + f
  const dp = Array.from({ length: (L + 1) * (K + 1) }, () =>
    new Float64Array(width).fill(Number.POSITIVE_INFINITY),
  )
  // how[l][b]: -1 leave a CPU empty, -2 leave an accelerator empty, a >= 0 CPU stage [a, b), -(a + 3) accelerator stage
  const how = Array.from({ length: (L + 1) * (K + 1) }, () => new Int32Array(width))
  for (const row of dp) row[0] = 0
  for (let c = 0; c <= L; c++) {
    for (let f = 0; f <= K; f++) {
      if (c === 0 && f === 0) continue
      const cur = dp[layer(c, f)]!
      for (let b = 1; b <= F; b++) {
        let best = Number.POSITIVE_INFINITY
        let choice = 0
        if (c > 0) {
          const prev = dp[layer(c - 1, f)]!
          if (prev[b]! < best) [best, choice] = [prev[b]!, -1]
          for (let a = 0; a < b; a++) {
            const v = Math.max(prev[a]!, cpuSeg[a * width + b]!)
            if (v < best) [best, choice] = [v, a]
          }
        }
        if (f > 0) {
          const prev = dp[layer(c, f - 1)]!
          if (prev[b]! < best) [best, choice] = [prev[b]!, -2]
          for (let a = 0; a < b; a++) {
            const v = Math.max(prev[a]!, accSeg[a * width + b]!)
            if (v < best) [best, choice] = [v, -(a + 3)]
          }
        }
        cur[b] = best
        how[layer(c, f)]![b] = choice
      }
    }
  }
  const value = dp[layer(L, K)]![F]!
  const stages: Array<{ kind: 'accelerator' | 'cpu'; supernodes: number[] }> = []
  if (value < Number.POSITIVE_INFINITY) {
    let c = L
    let f = K
    let b = F
    while (b > 0) {
      const choice = how[layer(c, f)]![b]!
      if (choice === -1) c--
      else if (choice === -2) f--
      else {
        const cpu = choice >= 0
        const a = cpu ? choice : -choice - 3
        stages.push({ kind: cpu ? 'cpu' : 'accelerator', supernodes: Array.from(order.subarray(a, b)) })
        if (cpu) c--
        else f--
        b = a
      }
    }
    stages.reverse()
  }
  return { value, stages }
}
