import { describe, expect, it } from 'vitest'
import { collectiveCost } from '../collectives/collective.js'
import { getPreset } from '../hardware/presets.js'
import type { AcceleratorSpec, ClusterSpec } from '../hardware/types.js'
import { attentionCost } from '../ops/attention.js'
import { gemmCost } from '../ops/gemm.js'
import { rooflineCost } from '../ops/roofline.js'

// Korthikanti et al. 2022 (arXiv 2205.05198) Table 4: one 22B layer (h = 6144, a = 64, s = 2048, b = 4,
// t = 8) on A100-80GB with NVLink/NVSwitch, forward and backward times in ms. We predict them from the op
// models alone (no calibration, efficiency 1), summing the kernels of one Megatron layer in sequence.

interface Layer {
  s: number
  b: number
  h: number
  a: number
  t: number
  /** Sequence parallel: LayerNorm and dropout-add run on 1/t of the tokens; all-reduce → reduce-scatter + all-gather. */
  sp?: boolean
}

function comm(cluster: ClusterSpec, x: Layer, bytes: number, eff: number): number {
  if (!x.sp)
    return collectiveCost(cluster, { kind: 'all-reduce', bytes, ranks: x.t, efficiency: eff }).latencyS
  return (
    collectiveCost(cluster, { kind: 'reduce-scatter', bytes, ranks: x.t, efficiency: eff }).latencyS +
    collectiveCost(cluster, { kind: 'all-gather', bytes, ranks: x.t, efficiency: eff }).latencyS
  )
}

/** Attention core forward of one layer (what selective recompute recomputes). */
function attentionCoreS(hw: AcceleratorSpec, x: Layer): number {
  const probs = x.b * (x.a / x.t) * x.s * x.s
  const core = attentionCost(hw, {
    batch: x.b,
    seq: x.s,
    heads: x.a / x.t,
    headDim: x.h / x.a,
    dtype: 'bf16',
    implementation: 'naive',
  }).latencyS
  return (
    core +
    rooflineCost(hw, { flop: 0, bytes: 2 * probs * e + probs, dtype: 'bf16', engine: 'memory' }).latencyS
  )
}

const e = 2

/** Per-GPU forward time of one Megatron transformer layer (tensor parallel, no sequence parallelism). */
function forwardS(hw: AcceleratorSpec, cluster: ClusterSpec, x: Layer, commEfficiency: number): number {
  const tokens = x.s * x.b
  const n = tokens * x.h // elements of one activation
  const mem = (bytes: number) =>
    rooflineCost(hw, { flop: 0, bytes, dtype: 'bf16', engine: 'memory' }).latencyS
  const gemm = (m: number, nn: number, k: number) => gemmCost(hw, { m, n: nn, k, dtype: 'bf16' }).latencyS
  const attn = attentionCost(hw, {
    batch: x.b,
    seq: x.s,
    heads: x.a / x.t,
    headDim: x.h / x.a,
    dtype: 'bf16',
    implementation: 'naive',
  }).latencyS
  const probs = x.b * (x.a / x.t) * x.s * x.s
  const sh = x.sp ? x.t : 1
  return (
    2 * mem((2 * n * e) / sh) + // two LayerNorms
    gemm(tokens, (3 * x.h) / x.t, x.h) + // QKV
    attn + // QKᵀ, softmax, P·V
    mem(2 * probs * e + probs) + // attention dropout
    gemm(tokens, x.h, x.h / x.t) + // output projection
    gemm(tokens, (4 * x.h) / x.t, x.h) + // MLP up
    mem((2 * n * 4 * e) / x.t) + // GeLU
    gemm(tokens, x.h, (4 * x.h) / x.t) + // MLP down
    2 * mem((2 * n * e + n + 3 * n * e) / sh) + // two bias-dropout-add
    2 * comm(cluster, x, n * e, commEfficiency)
  )
}

/** Per-GPU backward time: every GEMM twice (data + weight gradient), element-wise backward, two all-reduces. */
function backwardS(hw: AcceleratorSpec, cluster: ClusterSpec, x: Layer, commEfficiency: number): number {
  const tokens = x.s * x.b
  const n = tokens * x.h
  const mem = (bytes: number) =>
    rooflineCost(hw, { flop: 0, bytes, dtype: 'bf16', engine: 'memory' }).latencyS
  const gemm2 = (m: number, nn: number, k: number) =>
    gemmCost(hw, { m, n: k, k: nn, dtype: 'bf16' }).latencyS +
    gemmCost(hw, { m: k, n: nn, k: m, dtype: 'bf16' }).latencyS
  const attn = attentionCost(hw, {
    batch: x.b,
    seq: x.s,
    heads: x.a / x.t,
    headDim: x.h / x.a,
    dtype: 'bf16',
    implementation: 'naive',
    phase: 'backward',
  }).latencyS
  const probs = x.b * (x.a / x.t) * x.s * x.s
  const sh = x.sp ? x.t : 1
  return (
    2 * mem((3 * n * e) / sh) +
    gemm2(tokens, (3 * x.h) / x.t, x.h) +
    attn +
    mem(2 * probs * e + probs) +
    gemm2(tokens, x.h, x.h / x.t) +
    gemm2(tokens, (4 * x.h) / x.t, x.h) +
    mem((3 * n * 4 * e) / x.t) +
    gemm2(tokens, x.h, (4 * x.h) / x.t) +
    2 * mem((2 * n * e + n) / sh) +
    2 * comm(cluster, x, n * e, commEfficiency)
  )
}

describe('Korthikanti Table 4: one 22B layer on A100-80GB (uncalibrated prediction)', () => {
  const cluster = getPreset('dgx-a100') as ClusterSpec
  const hw = cluster.device
  const layer = { s: 2048, b: 4, h: 6144, a: 64, t: 8 }
  const eff = 0.65 // NVLink efficiency of Calculon's a100_80g.json
  const f = forwardS(hw, cluster, layer, eff)
  const b = backwardS(hw, cluster, layer, eff)
  const fsp = forwardS(hw, cluster, { ...layer, sp: true }, eff)
  const bsp = backwardS(hw, cluster, { ...layer, sp: true }, eff)
  const core = attentionCoreS(hw, layer)
  // experiment: [predicted fwd, predicted bwd, measured fwd, measured bwd] in s
  const rows: [string, number, number, number, number][] = [
    ['baseline', f, b, 7.7e-3, 11.9e-3],
    ['sequence parallel', fsp, bsp, 7.2e-3, 11.8e-3],
    ['full recompute', f, f + b, 7.7e-3, 19.5e-3],
    ['selective recompute', f, b + core, 7.7e-3, 13.2e-3],
    ['selective + sequence', fsp, bsp + core, 7.2e-3, 13.1e-3],
  ]
  it.each(rows)('%s: forward, backward and total within 20 %', (name, pf, pb, mf, mb) => {
    const rel = (p: number, m: number) => (p - m) / m
    const report = {
      experiment: name,
      forwardMs: pf * 1e3,
      backwardMs: pb * 1e3,
      forwardRelErr: rel(pf, mf),
      backwardRelErr: rel(pb, mb),
      totalRelErr: rel(pf + pb, mf + mb),
    }
    console.log(JSON.stringify({ korthikanti22BLayer: report }))
    expect(Math.abs(report.forwardRelErr)).toBeLessThan(0.2)
    expect(Math.abs(report.backwardRelErr)).toBeLessThan(0.2)
    expect(Math.abs(report.totalRelErr)).toBeLessThan(0.2)
  })
})

describe('Korthikanti Table 4 with one time factor fitted on the baseline row', () => {
  const cluster = getPreset('dgx-a100') as ClusterSpec
  const hw = cluster.device
  const layer = { s: 2048, b: 4, h: 6144, a: 64, t: 8 }
  const f = forwardS(hw, cluster, layer, 0.65)
  const b = backwardS(hw, cluster, layer, 0.65)
  const fsp = forwardS(hw, cluster, { ...layer, sp: true }, 0.65)
  const bsp = backwardS(hw, cluster, { ...layer, sp: true }, 0.65)
  const core = attentionCoreS(hw, layer)
  const factor = 19.6e-3 / (f + b)
  it.each([
    ['sequence parallel', fsp + bsp, 19.0e-3],
    ['full recompute', 2 * f + b, 27.2e-3],
    ['selective recompute', f + b + core, 20.9e-3],
    ['selective + sequence', fsp + bsp + core, 20.3e-3],
  ] as const)('%s: held-out total within 6 %', (name, predicted, measured) => {
    const relErr = (predicted * factor - measured) / measured
    console.log(JSON.stringify({ korthikanti22BLayerCalibrated: { experiment: name, factor, relErr } }))
    expect(Math.abs(relErr)).toBeLessThan(0.06)
  })
})
