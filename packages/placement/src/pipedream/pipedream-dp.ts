import { InvalidValueError } from '@dnnperf/ir'
import type {
  PipeDreamLayer,
  PipeDreamLevel,
  PipeDreamOptions,
  PipeDreamPlan,
  PipeDreamStage,
} from './types.js'

/** Choice behind a DP entry: one replicated stage, a split before layer k+1 with r′ replicas, or fewer units. */
const BASE = -1
const FEWER = -2

interface LevelTable {
  /** A[i][j][m] flattened: ((i · n) + j) · N + m. */
  readonly value: Float64Array
  readonly splitAt: Int32Array
  readonly replicas: Int32Array
  readonly count: number
  readonly allStarts: boolean
}

function checkPositive(value: number, field: string, allowInfinity = false): void {
  if (!(value > 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new InvalidValueError({ at: 'planPipeDream', field, value, expected: 'a positive number' })
  }
}

/**
 * PipeDream's optimizer (Narayanan et al., SOSP 2019; placement.md §3.3–3.4) on a chain of layers: per machine
 * level, a DP over contiguous layer ranges and unit counts that picks, for the range's last stage, its first
 * layer and replication factor; level l+1 partitions over whole level-l units using level l's optimum for each
 * range as that range's compute time. A stage of compute C and parameters W on r replicas at bandwidth B takes
 * (C + 4(r−1)W/(B·r))/r; a range placed as one stage (the base case) divides the all-reduce term by the
 * previous level's unit count, as the reference does. Returns the bottleneck time per sample (instance time
 * unit) and the stages. Exact for this cost model; O(Σ_l n³·N_l²) time (the top level O(n²·N²)), O(n²·N) memory
 * per level.
 *
 * @throws InvalidValueError for a non-positive level count or bandwidth, or a negative layer cost.
 */
export function planPipeDream(
  layers: readonly PipeDreamLayer[],
  levels: readonly PipeDreamLevel[],
  options: Omit<PipeDreamOptions, 'levels'> = {},
): PipeDreamPlan {
  const n = layers.length
  if (levels.length === 0)
    throw new InvalidValueError({
      at: 'planPipeDream',
      field: 'levels',
      value: 0,
      expected: 'at least one level',
    })
  levels.forEach((lv, l) => {
    if (!Number.isInteger(lv.count) || lv.count < 1) {
      throw new InvalidValueError({
        at: `levels[${l}]`,
        field: 'count',
        value: lv.count,
        expected: 'an integer ≥ 1',
      })
    }
    checkPositive(lv.bandwidthBytesPerS, `levels[${l}].bandwidthBytesPerS`, true)
  })
  layers.forEach((layer, i) => {
    for (const f of ['computeTime', 'parameterBytes', 'activationBytes'] as const) {
      if (!(layer[f] >= 0) || !Number.isFinite(layer[f])) {
        throw new InvalidValueError({
          at: `layers[${i}]`,
          field: f,
          value: layer[f],
          expected: 'a finite number ≥ 0',
        })
      }
    }
  })
  if (n === 0) return { objective: 0, stages: [] }
  const unit = options.secondsPerTimeUnit ?? 1
  checkPositive(unit, 'secondsPerTimeUnit')
  const ratio = options.activationCompressionRatio ?? 1
  checkPositive(ratio, 'activationCompressionRatio')
  const withComm = options.communication === 'included'
  const memory = options.memoryBytes
  const cumC = new Float64Array(n + 1)
  const cumW = new Float64Array(n + 1)
  const cumA = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) {
    cumC[i + 1] = cumC[i]! + layers[i]!.computeTime
    cumW[i + 1] = cumW[i]! + layers[i]!.parameterBytes
    cumA[i + 1] = cumA[i]! + layers[i]!.activationBytes
  }
  const W = (i: number, j: number) => cumW[j + 1]! - cumW[i]!
  const footprint = (i: number, j: number) => cumA[j + 1]! - cumA[i]! + W(i, j)
  // the reference's memory estimate: ceil((units left) / r) copies of the stage's activations and weights
  const overMemory = (units: number, r: number, i: number, j: number) =>
    memory !== undefined && Math.ceil(units / r) * footprint(i, j) > memory

  const tables: LevelTable[] = []
  let segment = (i: number, j: number) => cumC[j + 1]! - cumC[i]!
  for (let l = 0; l < levels.length; l++) {
    const N = levels[l]!.count
    const B = levels[l]!.bandwidthBytesPerS
    const inner = l === 0 ? 1 : levels[l - 1]!.count
    const top = l === levels.length - 1
    const allStarts = !top
    const size = (allStarts ? n : 1) * n * N
    const value = new Float64Array(size).fill(Number.POSITIVE_INFINITY)
    const splitAt = new Int32Array(size).fill(BASE)
    const replicas = new Int32Array(size)
    const at = (i: number, j: number, m: number) => ((allStarts ? i : 0) * n + j) * N + m
    // all-reduce of W bytes over r replicas, in instance units (0 when the bandwidth is infinite)
    const sync = (w: number, r: number) => (r <= 1 || w === 0 ? 0 : (4 * (r - 1) * w) / (B * r) / unit)
    const transfer = (bytes: number, r: number) => (2 * bytes) / (B * r) / ratio / unit
    for (let i = 0; i < (allStarts ? n : 1); i++) {
      for (let j = i; j < n; j++) {
        for (let m = 0; m < N; m++) {
          const r = m + 1
          const a = at(i, j, m)
          let best = Number.POSITIVE_INFINITY
          // a straight pipeline replicates nothing, so a range on m + 1 > 1 units must be split
          if (!overMemory(N - r, r, i, j) && (options.straight !== true || r === 1))
            best = (segment(i, j) + sync(W(i, j), r) / inner) / r
          let bestK = BASE
          let bestR = r
          for (let k = i; k < j && m >= 1; k++) {
            const maxR = options.straight === true ? 1 : m
            for (let rr = 1; rr <= maxR; rr++) {
              if (overMemory(N - r, rr, k + 1, j)) continue
              let cand = (segment(k + 1, j) + sync(W(k + 1, j), rr)) / rr
              const prefix = value[at(i, k, m - rr)]!
              if (prefix > cand) cand = prefix
              if (withComm) {
                cand = Math.max(cand, transfer(layers[k]!.activationBytes, rr))
                if (j < n - 1) cand = Math.max(cand, transfer(layers[j]!.activationBytes, rr))
              }
              if (cand < best) {
                best = cand
                bestK = k
                bestR = rr
              }
            }
          }
          if (options.useFewerMachines === true && m >= 1 && value[at(i, j, m - 1)]! < best) {
            best = value[at(i, j, m - 1)]!
            bestK = FEWER
          }
          value[a] = best
          splitAt[a] = bestK
          replicas[a] = bestR
        }
      }
    }
    const table: LevelTable = { value, splitAt, replicas, count: N, allStarts }
    tables.push(table)
    segment = (i, j) => table.value[(i * n + j) * N + N - 1]!
  }

  const topTable = tables[tables.length - 1]!
  const objective = topTable.value[(n - 1) * topTable.count + topTable.count - 1]!
  if (!Number.isFinite(objective)) return { objective: null, stages: [] }

  // walk the choices back, top level first; a stage at level l > 0 is split further at level l − 1
  const stages: PipeDreamStage[] = []
  const expand = (l: number, i: number, j: number, m: number, outerReplication: number): void => {
    const t = tables[l]!
    const N = t.count
    const a = ((t.allStarts ? i : 0) * n + j) * N + m
    const k = t.splitAt[a]!
    if (k === FEWER) {
      expand(l, i, j, m - 1, outerReplication)
      return
    }
    const emit = (first: number, last: number, r: number, time: number) => {
      if (l === 0)
        stages.push({
          firstLayer: first,
          lastLayer: last,
          replication: outerReplication * r,
          time: time / outerReplication,
        })
      else expand(l - 1, first, last, tables[l - 1]!.count - 1, outerReplication * r)
    }
    if (k === BASE) {
      emit(i, j, m + 1, t.value[a]!)
      return
    }
    const r = t.replicas[a]!
    expand(l, i, k, m - r, outerReplication)
    const seg =
      l === 0
        ? cumC[j + 1]! - cumC[k + 1]!
        : tables[l - 1]!.value[((k + 1) * n + j) * tables[l - 1]!.count + tables[l - 1]!.count - 1]!
    const B = levels[l]!.bandwidthBytesPerS
    const w = W(k + 1, j)
    const syncT = r <= 1 || w === 0 ? 0 : (4 * (r - 1) * w) / (B * r) / unit
    emit(k + 1, j, r, (seg + syncT) / r)
  }
  expand(tables.length - 1, 0, n - 1, topTable.count - 1, 1)
  return { objective, stages }
}
