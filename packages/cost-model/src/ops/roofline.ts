import type { AcceleratorSpec } from '../hardware/types.js'
import { combineTimes, efficiencies, enginePeak, requireNonNegative, transferS } from './common.js'
import type { CostOptions, OpCost } from './types.js'

/** An op described only by its work and its off-chip traffic. */
export interface RooflineWork {
  /** FLOP (FMA = 2). */
  readonly flop: number
  /** Bytes to and from off-chip memory. */
  readonly bytes: number
  readonly dtype: string
  /** Which peak applies; `memory` ops use the vector peak for any arithmetic they do. Default `vector`. */
  readonly engine?: 'matrix' | 'vector' | 'memory'
}

/**
 * Peak for a roofline op. A pure data-movement op (`memory` engine) in a dtype the vector table lacks (bf16 on a
 * V100) still has a cost: its incidental arithmetic runs at the best vector peak available.
 */
function rooflinePeak(hw: AcceleratorSpec, dtype: string, engine: 'matrix' | 'vector' | 'memory'): number {
  if (engine !== 'memory') return enginePeak(hw, dtype, engine)
  const table = hw.vectorPeakFlopPerS ?? hw.peakFlopPerS
  return table[dtype] !== undefined ? enginePeak(hw, dtype, 'vector') : Math.max(...Object.values(table))
}

/**
 * Roofline latency of an op: combine(F / (P_peak·η_c), Bytes / (BW·η_m)) floored by the kernel-launch time,
 * with the bound (compute, memory or launch). Source: Williams et al. 2009 (roofline); combiner as in Calculon
 * (`roofline` = max, `no_overlap` = sum). Exact for the model. O(1).
 * @throws InvalidValueError for negative or non-finite work; UnsupportedDtypeError for a missing peak.
 */
export function rooflineCost(hw: AcceleratorSpec, work: RooflineWork, options: CostOptions = {}): OpCost {
  const flop = requireNonNegative('roofline', 'flop', work.flop)
  const bytes = requireNonNegative('roofline', 'bytes', work.bytes)
  const engine = work.engine ?? 'vector'
  const eta = efficiencies(options)
  const peak = rooflinePeak(hw, work.dtype, engine)
  const computeS = flop / (peak * (engine === 'matrix' ? eta.matrix : eta.vector))
  const levels = [
    {
      level: 'offChip',
      readBytes: bytes,
      writeBytes: 0,
      timeS: transferS(bytes, 0, hw.offChip.bandwidthBytesPerS, undefined, eta.memory),
    },
  ]
  const c = combineTimes(computeS, levels, hw.kernelLaunchS, options.combine ?? 'max')
  const latencyS = c.latencyS
  return {
    latencyS,
    flops: flop,
    bytes,
    achievedFlopsPerS: latencyS > 0 ? flop / latencyS : 0,
    utilisation: latencyS > 0 ? flop / latencyS / peak : 0,
    bound: latencyS === 0 ? 'none' : c.bound,
    ...(c.limitingLevel !== undefined ? { limitingLevel: c.limitingLevel } : {}),
    engine,
    computeS,
    memoryS: c.memoryS,
    launchS: hw.kernelLaunchS,
    peakFlopPerS: peak,
    // JSON has no Infinity: an op that moves nothing reports 0.
    arithmeticIntensity: bytes > 0 ? flop / bytes : 0,
    ridgeFlopPerByte: peak / hw.offChip.bandwidthBytesPerS,
    levels,
    ...(hw.energy !== undefined
      ? { energyJ: (flop / 2) * hw.energy.vectorOpJ + bytes * hw.energy.offChipJPerByte }
      : hw.boardPowerW !== undefined
        ? { energyJ: hw.boardPowerW * latencyS }
        : {}),
    model: 'roofline',
  }
}
