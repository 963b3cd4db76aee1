import { incomparable, type PreparedProblem } from './prepare.js'
import { bottomLevels } from './sgs.js'
import type { Placed } from './timeline.js'

/** A MILP in plain arrays, independent of the back-end; the adapter translates it. */
export interface LinearModel {
  readonly vars: { name: string; lb: number; ub: number; binary: boolean }[]
  /** Rows lo ≤ Σ coef·var ≤ hi (±Infinity for a free side). */
  readonly rows: { name: string; vars: number[]; coefs: number[]; lo: number; hi: number }[]
  /** Minimise Σ coef·var. */
  readonly objective: { vars: number[]; coefs: number[] }
}

/** Which optional blocks to add to the PHAZE model. */
export interface IlpBlocks {
  /** Core-assignment block per engine code (PHAZE 12, 13/14, 18), added lazily. */
  readonly cores: readonly [boolean, boolean]
  readonly transitivity: boolean
  /**
   * Op sets that cannot all run together (more single-core ops of a type than cores, or more buffer bytes than
   * the capacity): at least one pair of each set is ordered. Intervals that pairwise overlap share an instant, so
   * these cuts are exact, not heuristic.
   */
  readonly orderCuts: readonly (readonly number[])[]
  /**
   * Add the exclusive-time cuts (beyond PHAZE): all-core ops overlap nothing, so the makespan is at least their
   * total time plus the single-core time of any chain of ops that are pairwise ordered (by dependencies or by
   * x), and plus each core type's single-core work over its core count.
   */
  readonly exclusiveCuts: boolean
}

/** Variable indices of a built model, to decode solutions and write warm starts. */
export interface IlpIndex {
  readonly model: LinearModel
  /** Seconds per model time unit (the model is scaled so the upper bound is about 1000 units). */
  readonly unitS: number
  readonly T: number
  readonly t: readonly number[]
  /** -1 when y_i is fixed to 0 (all-core is never faster, so single-core dominates). */
  readonly y: readonly number[]
  /** x[i * n + j] = index of x_ij ("i ends before j starts"), -1 for comparable pairs. */
  readonly x: Int32Array
  /** z[e][i] = indices of z_ic for c = 0..k (symmetry-broken), empty when the block is off. */
  readonly z: readonly [number[][], number[][]]
  /** u_i of the exclusive-time cuts (longest single-core path ending at i), empty when the cuts are off. */
  readonly u: readonly number[]
}

/**
 * Build PHAZE's per-layer ILP (phaze.md §5.3) with tight data: p_i is substituted out; start windows
 * [head_i, UB − tail_i − min(ℓ_i, ℓ̂_i)]; the big-M of pair (i, j) is UB − tail_i − head_j instead of one global
 * H; order variables exist only for incomparable pairs (precedence is a constraint on times); y_i is fixed to 0
 * when ℓ̂_i ≥ ℓ_i; core indices are symmetry-broken (the k-th op of a type may use cores 0..k); optional
 * exclusive-time cuts and order cuts (see {@link IlpBlocks}).
 * `upperS` must be the makespan of a feasible schedule. O(n³) rows with transitivity, O(n²) without.
 */
export function buildIlp(p: PreparedProblem, upperS: number, lowerS: number, blocks: IlpBlocks): IlpIndex {
  const n = p.n
  const unitS = upperS > 0 ? upperS / 1000 : 1
  const l = Array.from(p.single, (v) => v / unitS)
  const lh = Array.from(p.all, (v) => v / unitS)
  const UB = upperS / unitS
  const fast = l.map((v, i) => Math.min(v, lh[i]!))
  // head = longest path into i, tail = longest path out of i (excluding i), both at the faster latency.
  const head = new Array<number>(n).fill(0)
  for (const i of p.topo) for (const j of p.succs[i]!) head[j] = Math.max(head[j]!, head[i]! + fast[i]!)
  const level = Array.from(bottomLevels(p), (v) => v / unitS)
  const tail = fast.map((f, i) => level[i]! - f)

  const vars: LinearModel['vars'] = []
  const rows: LinearModel['rows'] = []
  const addVar = (name: string, lb: number, ub: number, binary: boolean): number => {
    vars.push({ name, lb, ub, binary })
    return vars.length - 1
  }
  const addRow = (name: string, terms: [number, number][], lo: number, hi: number): void => {
    // Merge repeated variables: back-ends reject duplicate entries in a row.
    const merged = new Map<number, number>()
    for (const [v, c] of terms) merged.set(v, (merged.get(v) ?? 0) + c)
    const kept = [...merged].filter(([, c]) => c !== 0)
    rows.push({ name, vars: kept.map((t) => t[0]), coefs: kept.map((t) => t[1]), lo, hi })
  }

  const T = addVar('T', Math.min(lowerS / unitS, UB), UB, false)
  const t = Array.from({ length: n }, (_, i) =>
    addVar(`t_${i}`, head[i]!, Math.max(head[i]!, UB - tail[i]! - fast[i]!), false),
  )
  const y = Array.from({ length: n }, (_, i) => (lh[i]! < l[i]! ? addVar(`y_${i}`, 0, 1, true) : -1))
  // p_i = l_i + (lh_i − l_i)·y_i, as terms plus a constant.
  const dur = (i: number, sign: number): [number, number][] =>
    y[i]! >= 0 ? [[y[i]!, sign * (lh[i]! - l[i]!)]] : []

  const x = new Int32Array(n * n).fill(-1)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (incomparable(p, i, j)) x[i * n + j] = addVar(`x_${i}_${j}`, 0, 1, true)

  for (let i = 0; i < n; i++) {
    // (3) T ≥ t_i + p_i
    addRow(`mk_${i}`, [[T, 1], [t[i]!, -1], ...dur(i, -1)], l[i]!, Number.POSITIVE_INFINITY)
    // (9) precedence along DAG edges (paths follow, durations being ≥ 0)
    for (const j of p.succs[i]!)
      addRow(`pr_${i}_${j}`, [[t[j]!, 1], [t[i]!, -1], ...dur(i, -1)], l[i]!, Number.POSITIVE_INFINITY)
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const xij = x[i * n + j]!
      if (xij < 0) continue
      const xji = x[j * n + i]!
      if (i < j)
        addRow(
          `ex_${i}_${j}`,
          [
            [xij, 1],
            [xji, 1],
          ],
          Number.NEGATIVE_INFINITY,
          1,
        ) // (5)
      // (10) t_i + p_i − M_ij(1 − x_ij) ≤ t_j with M_ij = UB − tail_i − head_j
      const M = Math.max(0, UB - tail[i]! - head[j]!)
      addRow(
        `or_${i}_${j}`,
        [[t[j]!, 1], [t[i]!, -1], ...dur(i, -1), [xij, -M]],
        l[i]! - M,
        Number.POSITIVE_INFINITY,
      )
      // (11) an all-core op is ordered against every incomparable op
      if (y[i]! >= 0)
        addRow(
          `al_${i}_${j}`,
          [
            [xij, 1],
            [xji, 1],
            [y[i]!, -1],
          ],
          0,
          Number.POSITIVE_INFINITY,
        )
    }
  }
  if (blocks.transitivity) {
    // (6) x_ik ≥ x_ij + x_jk − 1 for mutually incomparable triples; other triples follow from the times.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const xij = x[i * n + j]!
        if (xij < 0) continue
        for (let k = 0; k < n; k++) {
          const xjk = x[j * n + k]!
          const xik = x[i * n + k]!
          if (k === i || xjk < 0 || xik < 0) continue
          addRow(
            `tr_${i}_${j}_${k}`,
            [
              [xik, 1],
              [xij, -1],
              [xjk, -1],
            ],
            -1,
            Number.POSITIVE_INFINITY,
          )
        }
      }
    }
  }

  const z: [number[][], number[][]] = [[], []]
  for (const e of [0, 1] as const) {
    z[e] = Array.from({ length: n }, () => [])
    if (!blocks.cores[e]) continue
    let rank = 0
    for (let i = 0; i < n; i++) {
      if (p.engine[i] !== e) continue
      const k = Math.min(p.cores[e]!, rank + 1)
      rank++
      z[e][i] = Array.from({ length: k }, (_, c) => addVar(`z${e}_${i}_${c}`, 0, 1, true))
      // (12) one core, or all of them
      const terms: [number, number][] = z[e][i]!.map((v) => [v, 1])
      if (y[i]! >= 0) terms.push([y[i]!, 1])
      addRow(`as${e}_${i}`, terms, 1, 1)
    }
    // (18) two incomparable ops on the same core are ordered
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (p.engine[i] !== e || p.engine[j] !== e || x[i * n + j]! < 0) continue
        const zi = z[e][i]!
        const zj = z[e][j]!
        for (let c = 0; c < Math.min(zi.length, zj.length); c++) {
          addRow(
            `cc${e}_${i}_${j}_${c}`,
            [
              [x[i * n + j]!, 1],
              [x[j * n + i]!, 1],
              [zi[c]!, -1],
              [zj[c]!, -1],
            ],
            -1,
            Number.POSITIVE_INFINITY,
          )
        }
      }
    }
  }
  let u: number[] = []
  if (blocks.exclusiveCuts) {
    // A = Σ_j ℓ̂_j·y_j; u_i ≥ longest path ending at i of ℓ_k·(1 − y_k).
    const allTerms: [number, number][] = []
    for (let i = 0; i < n; i++) if (y[i]! >= 0) allTerms.push([y[i]!, -lh[i]!])
    u = Array.from({ length: n }, (_, i) => addVar(`u_${i}`, 0, UB, false))
    for (let i = 0; i < n; i++) {
      // u_i ≥ u_k + ℓ_i(1 − y_i) for each predecessor k (and for none).
      const own: [number, number][] = y[i]! >= 0 ? [[y[i]!, l[i]!]] : []
      addRow(`u0_${i}`, [[u[i]!, 1], ...own], l[i]!, Number.POSITIVE_INFINITY)
      for (const k of p.preds[i]!)
        addRow(`up_${k}_${i}`, [[u[i]!, 1], [u[k]!, -1], ...own], l[i]!, Number.POSITIVE_INFINITY)
      addRow(`ut_${i}`, [[T, 1], [u[i]!, -1], ...allTerms], 0, Number.POSITIVE_INFINITY)
    }
    // Ops ordered by x_ij = 1 also form a chain, disjoint from every all-core op: once branching fixes an order,
    // the bound sees it (u_j ≥ u_i + ℓ_j(1 − y_j) when x_ij = 1; slack UB + ℓ_j otherwise, as u_i ≤ UB).
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const xij = x[i * n + j]!
        if (xij < 0) continue
        const M = UB + l[j]!
        const own: [number, number][] = y[j]! >= 0 ? [[y[j]!, l[j]!]] : []
        addRow(
          `ux_${i}_${j}`,
          [[u[j]!, 1], [u[i]!, -1], ...own, [xij, -M]],
          l[j]! - M,
          Number.POSITIVE_INFINITY,
        )
      }
    }
    for (const e of [0, 1] as const) {
      const terms: [number, number][] = [[T, 1], ...allTerms]
      let rhs = 0
      for (let i = 0; i < n; i++) {
        if (p.engine[i] !== e) continue
        const share = l[i]! / p.cores[e]!
        rhs += share
        if (y[i]! >= 0) terms.push([y[i]!, share])
      }
      if (rhs > 0) addRow(`wk_${e}`, terms, rhs, Number.POSITIVE_INFINITY)
    }
  }
  blocks.orderCuts.forEach((set, k) => {
    const terms: [number, number][] = []
    for (const i of set)
      for (const j of set) if (i !== j && x[i * n + j]! >= 0) terms.push([x[i * n + j]!, 1])
    if (terms.length > 0) addRow(`oc_${k}`, terms, 1, Number.POSITIVE_INFINITY)
  })

  return { model: { vars, rows, objective: { vars: [T], coefs: [1] } }, unitS, T, t, y, x, z, u }
}

/** Values of every model variable for a feasible schedule (a warm start). Core labels follow the symmetry rule. */
export function warmStartValues(p: PreparedProblem, idx: IlpIndex, placed: readonly Placed[]): Float64Array {
  const v = new Float64Array(idx.model.vars.length)
  const byOp = new Array<Placed | undefined>(p.n)
  for (const x of placed) byOp[x.op] = x
  let T = 0
  for (let i = 0; i < p.n; i++) {
    const s = byOp[i]!
    v[idx.t[i]!] = s.start / idx.unitS
    if (idx.y[i]! >= 0) v[idx.y[i]!] = s.all ? 1 : 0
    T = Math.max(T, s.end / idx.unitS)
  }
  v[idx.T] = T
  if (idx.u.length > 0) {
    for (const i of p.topo) {
      const own = byOp[i]!.all ? 0 : p.single[i]! / idx.unitS
      let best = 0
      for (const k of p.preds[i]!) best = Math.max(best, v[idx.u[k]!]!)
      v[idx.u[i]!] = best + own
    }
  }
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.n; j++) {
      const k = idx.x[i * p.n + j]!
      if (k >= 0) v[k] = byOp[i]!.end <= byOp[j]!.start ? 1 : 0
    }
  }
  for (const e of [0, 1] as const) {
    if (idx.z[e].every((zs) => zs.length === 0)) continue
    // Greedy colouring in op-index order, relabelled so that the k-th op of the type uses a core ≤ k.
    const coreOf = new Map<number, number>()
    const busy: Placed[][] = []
    for (let i = 0; i < p.n; i++) {
      const s = byOp[i]!
      if (p.engine[i] !== e || s.all) continue
      let c = busy.findIndex((list) => list.every((o) => !(o.start < s.end && s.start < o.end)))
      if (c < 0) {
        c = busy.length
        busy.push([])
      }
      busy[c]!.push(s)
      coreOf.set(i, c)
    }
    for (const [i, c] of coreOf) {
      const zi = idx.z[e][i]!
      if (c < zi.length) v[zi[c]!] = 1
    }
  }
  return v
}
