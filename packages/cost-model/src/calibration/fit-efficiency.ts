import { InvalidValueError } from '@dnnperf/ir'
import type { AcceleratorSpec } from '../hardware/types.js'
import { gemmCost } from '../ops/gemm.js'
import type { GemmOptions, GemmShape } from '../ops/gemm.js'
import { rooflineCost } from '../ops/roofline.js'
import type { RooflineWork } from '../ops/roofline.js'
import type { EfficiencyFactors, OpCost } from '../ops/types.js'

/** One measurement: a GEMM or a roofline-described op, and the time it took. */
export type CalibrationSample =
  | { readonly kind: 'gemm'; readonly shape: GemmShape; readonly measuredS: number }
  | { readonly kind: 'roofline'; readonly work: RooflineWork; readonly measuredS: number }

/** Fitted efficiency factors with the prediction error before and after. */
export interface CalibrationResult {
  readonly efficiency: Required<EfficiencyFactors>
  /** Samples used for each factor (a factor with no sample stays 1). */
  readonly used: { readonly matrix: number; readonly vector: number; readonly memory: number }
  /** Median |predicted − measured| / measured with all factors 1. */
  readonly medianRelErrBefore: number
  /** The same with the fitted factors. */
  readonly medianRelErrAfter: number
  readonly perSample: readonly {
    readonly measuredS: number
    readonly predictedBeforeS: number
    readonly predictedAfterS: number
    readonly bound: string
  }[]
}

function predict(
  hw: AcceleratorSpec,
  s: CalibrationSample,
  eff: EfficiencyFactors,
  opts: GemmOptions,
): OpCost {
  const options = { ...opts, efficiency: eff }
  return s.kind === 'gemm' ? gemmCost(hw, s.shape, options) : rooflineCost(hw, s.work, options)
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * Fits the matrix, vector and memory efficiency factors η to measured op times: each sample is attributed to
 * the term that bounds it (compute on its engine, or memory), and η of a term is the geometric mean of
 * (unit-efficiency term time / measured time) over its samples, which minimises the squared log error of that
 * term. Attribution is redone with the new factors until it is stable (at most `iterations`, default 5).
 * Launch-bound samples are skipped. Heuristic (alternating least squares in log space). O(iterations · n).
 * @throws InvalidValueError for a non-positive measured time.
 */
export function fitEfficiency(
  hw: AcceleratorSpec,
  samples: readonly CalibrationSample[],
  options: GemmOptions & { readonly iterations?: number } = {},
): CalibrationResult {
  samples.forEach((s, i) => {
    if (!Number.isFinite(s.measuredS) || s.measuredS <= 0) {
      throw new InvalidValueError({
        at: `samples[${i}]`,
        field: 'measuredS',
        value: s.measuredS,
        expected: 'a number > 0',
      })
    }
  })
  const unit = { matrix: 1, vector: 1, memory: 1 }
  const before = samples.map((s) => predict(hw, s, unit, options))
  let eff = { ...unit }
  let used = { matrix: 0, vector: 0, memory: 0 }
  for (let it = 0; it < (options.iterations ?? 5); it++) {
    const logs = { matrix: [] as number[], vector: [] as number[], memory: [] as number[] }
    samples.forEach((s) => {
      const cur = predict(hw, s, eff, options)
      if (cur.bound === 'launch' || cur.bound === 'none') return
      const base = predict(hw, s, unit, options)
      if (cur.bound === 'memory') logs.memory.push(Math.log(base.memoryS / s.measuredS))
      else logs[base.engine === 'matrix' ? 'matrix' : 'vector'].push(Math.log(base.computeS / s.measuredS))
    })
    const mean = (xs: number[]) => (xs.length === 0 ? 1 : Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length))
    const next = { matrix: mean(logs.matrix), vector: mean(logs.vector), memory: mean(logs.memory) }
    used = { matrix: logs.matrix.length, vector: logs.vector.length, memory: logs.memory.length }
    const stable =
      Math.abs(next.matrix - eff.matrix) < 1e-12 &&
      Math.abs(next.vector - eff.vector) < 1e-12 &&
      Math.abs(next.memory - eff.memory) < 1e-12
    eff = next
    if (stable) break
  }
  const after = samples.map((s) => predict(hw, s, eff, options))
  const rel = (p: OpCost[]) =>
    p.map((c, i) => Math.abs(c.latencyS - samples[i]!.measuredS) / samples[i]!.measuredS)
  return {
    efficiency: eff,
    used,
    medianRelErrBefore: median(rel(before)),
    medianRelErrAfter: median(rel(after)),
    perSample: samples.map((s, i) => ({
      measuredS: s.measuredS,
      predictedBeforeS: before[i]!.latencyS,
      predictedAfterS: after[i]!.latencyS,
      bound: after[i]!.bound,
    })),
  }
}
