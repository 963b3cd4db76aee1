/**
 * Per-microbatch compute time of one transformer layer, of the embedding and of the output layer on one device,
 * from the cost model's GEMM model and element-wise byte counts (cost-model reference §2.2–2.5).
 * TODO(cost-model): this is a tensor-parallel transformer-layer cost (`transformerLayerTrainingCost`); move it
 * there next to `gemmCost`/`attentionCost` and import it here.
 */

import { gemmCost } from '@dnnperf/cost-model'
import type { AcceleratorSpec } from '@dnnperf/cost-model'
import type { ResolvedTransformerShape } from '../shape.js'
import type { PlanEfficiency, RecomputeMode } from '../types.js'

/** Forward, backward and recomputation time of one layer (or one extra part) per microbatch, s. */
export interface PartTime {
  readonly forwardS: number
  readonly backwardS: number
  /** Extra forward work done in the backward pass because of recomputation. */
  readonly recomputeS: number
  /**
   * Weight-gradient GEMM times of the column-parallel layers (QKV, MLP up) whose input-gradient all-reduce
   * Megatron overlaps with them in the backward pass (Korthikanti et al. §6.2).
   */
  readonly backwardOverlapWindowsS: readonly number[]
}

export interface LayerTimeInput {
  readonly hw: AcceleratorSpec
  readonly shape: ResolvedTransformerShape
  readonly dtype: string
  readonly elementBytes: number
  readonly tensorParallel: number
  readonly microbatchSize: number
  readonly sequenceParallel: boolean
  readonly recompute: RecomputeMode
  readonly flashAttention: boolean
  readonly efficiency: PlanEfficiency
}

interface Gemm {
  readonly m: number
  readonly n: number
  readonly k: number
  readonly batch?: number
}

/** Forward GEMM, data-gradient GEMM and weight-gradient GEMM times of Y[M×N] = X[M×K]·W[K×N], s. */
function gemmTriple(x: LayerTimeInput, g: Gemm): { f: number; b: number; w: number } {
  const batch = g.batch ?? 1
  // Small GEMMs reach less of the peak (launch, prologue/epilogue, short K): a saturating efficiency
  // η·F/(F + F½) in the GEMM's FLOPs F, in the spirit of Calculon's size-stepped matrix efficiency.
  const flops = 2 * g.m * g.n * g.k * batch
  const half = x.efficiency.matrixHalfFlops
  const matrix = x.efficiency.matrix * (half > 0 ? flops / (flops + half) : 1)
  const opts = { efficiency: { matrix, memory: x.efficiency.memory } }
  const cost = (m: number, n: number, k: number) =>
    gemmCost(x.hw, { m, n, k, batch, dtype: x.dtype, elementBytes: x.elementBytes }, opts).latencyS
  const f = cost(g.m, g.n, g.k)
  // dX[M×K] = dY[M×N]·Wᵀ and dW[K×N] = Xᵀ·dY.
  const w = cost(g.k, g.n, g.m)
  const b = cost(g.m, g.k, g.n) + w
  return { f, b, w }
}

/**
 * One transformer layer on one device per microbatch. GEMMs: QKV, attention output, MLP up (and gate), MLP down,
 * split t ways (Megatron column/row split); the attention core QKᵀ and P·V as batched GEMMs over b·a/t heads.
 * Element-wise work (two LayerNorms, two bias-dropout-add, GeLU, scale-mask-softmax and its dropout) from byte
 * counts at the derated HBM bandwidth; backward moves 1.5× the forward bytes (read x and dy, write dx).
 * With sequence parallelism the LayerNorm/dropout regions are 1/t. Recomputation: `full` repeats the whole
 * forward, `selective` the attention core (softmax, dropout, QKᵀ, P·V).
 */
export function layerTime(x: LayerTimeInput): PartTime {
  const { shape: s, tensorParallel: t, microbatchSize: b } = x
  const h = s.hidden
  const dh = h / s.heads
  const kvWidth = s.kvHeads * dh
  const tokens = b * s.seq
  const e = x.elementBytes
  const qkv = gemmTriple(x, { m: tokens, n: Math.max(1, Math.round((h + 2 * kvWidth) / t)), k: h })
  const proj = gemmTriple(x, { m: tokens, n: h, k: h / t })
  const up = gemmTriple(x, { m: tokens, n: ((s.gatedMlp ? 2 : 1) * s.ffnHidden) / t, k: h })
  const down = gemmTriple(x, { m: tokens, n: h, k: s.ffnHidden / t })
  const headsLocal = s.heads / t
  const scores = gemmTriple(x, { m: s.seq, n: s.seq, k: dh, batch: b * headsLocal })
  const context = gemmTriple(x, { m: s.seq, n: dh, k: s.seq, batch: b * headsLocal })
  const bw = x.hw.offChip.bandwidthBytesPerS * x.efficiency.memory
  const nReplicated = x.sequenceParallel ? (tokens * h) / t : tokens * h
  const nFfn = (tokens * s.ffnHidden) / t
  const nScores = x.flashAttention ? 0 : b * headsLocal * s.seq * s.seq
  const normBytes =
    2 * (2 * e * nReplicated) + 2 * ((3 * e + 1) * nReplicated) + (s.gatedMlp ? 3 : 2) * e * nFfn
  const coreBytes = 2 * e * nScores + (2 * e + 1) * nScores
  const fwdElem = (normBytes + coreBytes) / bw
  const coreGemmF = scores.f + context.f
  const forwardS = qkv.f + proj.f + up.f + down.f + coreGemmF + fwdElem
  const backwardS =
    qkv.b + proj.b + up.b + down.b + scores.b + context.b + (1.5 * (normBytes + coreBytes)) / bw
  const recomputeS =
    x.recompute === 'full' ? forwardS : x.recompute === 'selective' ? coreGemmF + coreBytes / bw : 0
  return { forwardS, backwardS, recomputeS, backwardOverlapWindowsS: [qkv.w, up.w] }
}

/**
 * Embedding on the first stage: gather of b·s rows (read and write b·s·h) forward; zero-fill of the local
 * vocabulary shard's gradient (V·h/t, fp32) plus the scatter-add backward.
 */
export function embeddingTime(x: LayerTimeInput): PartTime {
  const bw = x.hw.offChip.bandwidthBytesPerS * x.efficiency.memory
  const n = x.microbatchSize * x.shape.seq * x.shape.hidden
  const e = x.elementBytes
  const forwardS = (2 * n * e + 8 * x.microbatchSize * x.shape.seq) / bw
  const backwardS = (((x.shape.vocab * x.shape.hidden) / x.tensorParallel) * 4) / bw + (2 * n * e) / bw
  return { forwardS, backwardS, recomputeS: 0, backwardOverlapWindowsS: [] }
}

/**
 * Output layer on the last stage: final LayerNorm, logits GEMM (b·s × V/t × h) and fp32 cross-entropy over the
 * local vocabulary shard (written and read forward, and again backward).
 */
export function outputTime(x: LayerTimeInput): PartTime {
  const bw = x.hw.offChip.bandwidthBytesPerS * x.efficiency.memory
  const tokens = x.microbatchSize * x.shape.seq
  const logits = gemmTriple(x, {
    m: tokens,
    n: Math.max(1, Math.round(x.shape.vocab / x.tensorParallel)),
    k: x.shape.hidden,
  })
  const ceBytes = 2 * 4 * tokens * (x.shape.vocab / x.tensorParallel)
  const normBytes = 2 * x.elementBytes * tokens * x.shape.hidden
  return {
    forwardS: logits.f + (ceBytes + normBytes) / bw,
    backwardS: logits.b + (ceBytes + 1.5 * normBytes) / bw,
    recomputeS: 0,
    backwardOverlapWindowsS: [],
  }
}
