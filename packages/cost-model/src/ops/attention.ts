import type { AcceleratorSpec } from '../hardware/types.js'
import {
  combineTimes,
  dtypeBytes,
  efficiencies,
  enginePeak,
  requirePositiveInt,
  transferS,
} from './common.js'
import { gemmCost } from './gemm.js'
import type { GemmOptions } from './gemm.js'
import type { LevelTraffic, OpCost } from './types.js'
import { vectorOpCost } from './vector.js'

/** Core attention softmax(Q·Kᵀ/√d)·V of one layer (projections are separate GEMMs). */
export interface AttentionShape {
  readonly batch: number
  /** Query length. */
  readonly seq: number
  /** Key/value length (default `seq`). */
  readonly kvSeq?: number
  readonly heads: number
  readonly headDim: number
  readonly dtype: string
  /** Causal mask: fused kernels skip the masked half. Default false. */
  readonly causal?: boolean
  /** `naive` materialises the score matrix (3 kernels); `fused` is FlashAttention-style. Default `fused`. */
  readonly implementation?: 'naive' | 'fused'
  readonly phase?: 'forward' | 'backward'
  /** Fused kernels: query rows per tile B_r (default 128). */
  readonly queryTileRows?: number
}

/** Cost of attention with its kernels. */
export interface AttentionCost extends OpCost {
  readonly parts: readonly { readonly name: string; readonly cost: OpCost }[]
}

function sumParts(parts: { name: string; cost: OpCost }[], model: string): AttentionCost {
  let latencyS = 0
  let flops = 0
  let bytes = 0
  let computeS = 0
  let memoryS = 0
  let energyJ: number | undefined
  let slowest = parts[0]!.cost
  for (const p of parts) {
    latencyS += p.cost.latencyS
    flops += p.cost.flops
    bytes += p.cost.bytes
    computeS += p.cost.computeS
    memoryS += p.cost.memoryS
    if (p.cost.energyJ !== undefined) energyJ = (energyJ ?? 0) + p.cost.energyJ
    if (p.cost.latencyS > slowest.latencyS) slowest = p.cost
  }
  const peak = parts[0]!.cost.peakFlopPerS
  return {
    latencyS,
    flops,
    bytes,
    achievedFlopsPerS: flops / latencyS,
    utilisation: flops / latencyS / peak,
    // The kernel that takes longest decides why the whole is slow.
    bound: slowest.bound,
    ...(slowest.limitingLevel !== undefined ? { limitingLevel: slowest.limitingLevel } : {}),
    engine: 'matrix',
    computeS,
    memoryS,
    launchS: parts.reduce((s, p) => s + p.cost.launchS, 0),
    peakFlopPerS: peak,
    arithmeticIntensity: flops / bytes,
    ridgeFlopPerByte: parts[0]!.cost.ridgeFlopPerByte,
    levels: [],
    ...(energyJ !== undefined ? { energyJ } : {}),
    model,
    parts,
  }
}

/**
 * FlashAttention-2 tiling: each Q tile of B_r rows re-reads K and V. When the K/V of the heads in flight (one per
 * SM or array) fit in the outermost on-chip level, the re-reads hit that level and off-chip traffic is the
 * compulsory Q, K, V, O (read dO and write dQ, dK, dV too in backward); otherwise they go off-chip.
 */
function fusedCost(
  hw: AcceleratorSpec,
  shape: AttentionShape,
  b: number,
  s: number,
  skv: number,
  a: number,
  d: number,
  options: GemmOptions,
): OpCost {
  const e = dtypeBytes(shape.dtype)
  const bwd = shape.phase === 'backward'
  const br = requirePositiveInt('attention', 'queryTileRows', shape.queryTileRows ?? 128)
  const eta = efficiencies(options)
  const peak = enginePeak(hw, shape.dtype, 'matrix')
  const fwdFlop = 4 * b * a * s * skv * d * (shape.causal ? 0.5 : 1)
  const flop = bwd ? 2.5 * fwdFlop : fwdFlop
  const passes = bwd ? 2 : 1
  // A causal kernel visits only the K/V tiles at or below the diagonal: about half the re-reads.
  const tiledBytes = passes * e * b * a * s * d * (2 + 2 * Math.ceil(skv / br) * (shape.causal ? 0.5 : 1))
  const compulsory = passes * e * b * a * d * (2 * s + 2 * skv)
  const units = hw.matrixUnits.kind === 'systolic' ? hw.matrixUnits.count : hw.matrixUnits.smCount
  const outer = hw.onChip[hw.onChip.length - 1]
  // Units work on Q tiles; ⌈s/B_r⌉ tiles share one head's K/V, so about units/⌈s/B_r⌉ heads are live at once.
  const inFlight = Math.min(b * a, Math.ceil(units / Math.ceil(s / br)))
  const fits =
    outer !== undefined && 2 * skv * d * e * inFlight <= outer.capacityBytes * (outer.perUnit ? units : 1)
  const levels: LevelTraffic[] = []
  if (fits && outer !== undefined) {
    levels.push({
      level: outer.name,
      readBytes: tiledBytes,
      writeBytes: 0,
      timeS: transferS(tiledBytes, 0, outer.bandwidthBytesPerS, undefined, eta.memory),
    })
  }
  const offBytes = fits ? compulsory : tiledBytes
  levels.push({
    level: 'offChip',
    readBytes: offBytes,
    writeBytes: 0,
    timeS: transferS(offBytes, 0, hw.offChip.bandwidthBytesPerS, undefined, eta.memory),
  })
  const computeS = flop / (peak * eta.matrix)
  const c = combineTimes(computeS, levels, hw.kernelLaunchS, options.combine ?? 'max')
  return {
    latencyS: c.latencyS,
    flops: flop,
    bytes: offBytes,
    achievedFlopsPerS: flop / c.latencyS,
    utilisation: flop / c.latencyS / peak,
    bound: c.bound,
    ...(c.limitingLevel !== undefined ? { limitingLevel: c.limitingLevel } : {}),
    engine: 'matrix',
    computeS,
    memoryS: c.memoryS,
    launchS: hw.kernelLaunchS,
    peakFlopPerS: peak,
    arithmeticIntensity: flop / offBytes,
    ridgeFlopPerByte: peak / hw.offChip.bandwidthBytesPerS,
    levels,
    ...(hw.energy !== undefined
      ? { energyJ: (flop / 2) * hw.energy.macJ + offBytes * hw.energy.offChipJPerByte }
      : hw.boardPowerW !== undefined
        ? { energyJ: hw.boardPowerW * c.latencyS }
        : {}),
    model: 'flash-attention',
  }
}

/**
 * Latency of the attention core of one layer, forward or backward.
 *
 * Naive: Q·Kᵀ and P·V as batched GEMMs (batch·heads instances) around a softmax over the materialised scores;
 * backward = the four data/weight-gradient GEMMs and the softmax backward. Fused (FlashAttention): FLOPs
 * 4·b·a·s·s_kv·d (halved if causal), backward 2.5× (Dao et al. 2022; FlashAttention benchmark accounting);
 * traffic e·b·a·s·d·(2 + 2⌈s_kv/B_r⌉) forward (FA2 tiling), twice that backward, served on chip when K/V of
 * the heads in flight fit in the outermost on-chip level (then off-chip moves only Q, K, V, O). Heuristic.
 * O(GEMM cost).
 * @throws InvalidValueError for bad sizes; UnsupportedDtypeError for a missing peak.
 */
export function attentionCost(
  hw: AcceleratorSpec,
  shape: AttentionShape,
  options: GemmOptions = {},
): AttentionCost {
  const b = requirePositiveInt('attention', 'batch', shape.batch)
  const s = requirePositiveInt('attention', 'seq', shape.seq)
  const skv = requirePositiveInt('attention', 'kvSeq', shape.kvSeq ?? shape.seq)
  const a = requirePositiveInt('attention', 'heads', shape.heads)
  const d = requirePositiveInt('attention', 'headDim', shape.headDim)
  const bwd = shape.phase === 'backward'
  const dtype = shape.dtype
  const batch = b * a
  if ((shape.implementation ?? 'fused') === 'fused') {
    return sumParts(
      [
        {
          name: bwd ? 'flash-attention-bwd' : 'flash-attention-fwd',
          cost: fusedCost(hw, shape, b, s, skv, a, d, options),
        },
      ],
      'attention-fused',
    )
  }
  const g = (name: string, m: number, n: number, k: number) => ({
    name,
    cost: gemmCost(hw, { m, n, k, batch, dtype }, options) as OpCost,
  })
  const numel = batch * s * skv
  if (!bwd) {
    return sumParts(
      [
        g('qk', s, skv, d),
        { name: 'softmax', cost: vectorOpCost(hw, { op: 'softmax', numel, lastDim: skv, dtype }, options) },
        g('pv', s, d, skv),
      ],
      'attention-naive',
    )
  }
  return sumParts(
    [
      g('dP = dO·Vᵀ', s, skv, d),
      g('dV = Pᵀ·dO', skv, d, s),
      {
        name: 'softmax-bwd',
        cost: vectorOpCost(hw, { op: 'softmax', numel, dtype, phase: 'backward' }, options),
      },
      g('dQ = dS·K', s, d, skv),
      g('dK = dSᵀ·Q', skv, d, s),
    ],
    'attention-naive',
  )
}
