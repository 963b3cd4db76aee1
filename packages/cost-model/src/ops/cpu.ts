import type { CpuSpec } from '../hardware/types.js'
import { UnsupportedDtypeError } from '../errors.js'
import { combineTimes, efficiencies, requireNonNegative, requirePositiveInt, transferS } from './common.js'
import type { CostOptions, OpCost } from './types.js'

/** Work of one op on a CPU with `threads` cores. */
export interface CpuWork {
  readonly flop: number
  readonly bytes: number
  readonly dtype: string
  /** Cores used (default all). */
  readonly threads?: number
}

/**
 * Roofline latency of an op on `threads` cores of a CPU: max(F/(threads·per-core peak·η_c), Bytes/(BW·η_m))
 * plus the framework's per-op overhead. Memory bandwidth is shared by the socket, so it does not scale with
 * threads. Heuristic (Packrat-style serving estimates should prefer measured profiles). O(1).
 * @throws InvalidValueError for bad work or thread counts; UnsupportedDtypeError for a missing peak.
 */
export function cpuOpCost(cpu: CpuSpec, work: CpuWork, options: CostOptions = {}): OpCost {
  const flop = requireNonNegative('cpu op', 'flop', work.flop)
  const bytes = requireNonNegative('cpu op', 'bytes', work.bytes)
  const threads = Math.min(requirePositiveInt('cpu op', 'threads', work.threads ?? cpu.cores), cpu.cores)
  const perCore = cpu.perCorePeakFlopPerS[work.dtype]
  if (perCore === undefined) {
    throw new UnsupportedDtypeError({
      hardware: cpu.name,
      dtype: work.dtype,
      field: `perCorePeakFlopPerS.${work.dtype}`,
      known: Object.keys(cpu.perCorePeakFlopPerS),
    })
  }
  const eta = efficiencies(options)
  const peak = perCore * threads
  const computeS = flop / (peak * eta.matrix)
  const levels = [
    {
      level: 'memory',
      readBytes: bytes,
      writeBytes: 0,
      timeS: transferS(bytes, 0, cpu.memoryBandwidthBytesPerS, undefined, eta.memory),
    },
  ]
  const c = combineTimes(computeS, levels, 0, options.combine ?? 'max')
  const latencyS = c.latencyS + cpu.opOverheadS
  const bound = cpu.opOverheadS > c.latencyS ? 'launch' : c.bound
  return {
    latencyS,
    flops: flop,
    bytes,
    achievedFlopsPerS: latencyS > 0 ? flop / latencyS : 0,
    utilisation: latencyS > 0 ? flop / latencyS / peak : 0,
    bound: latencyS === 0 ? 'none' : bound,
    ...(bound === 'memory' ? { limitingLevel: 'memory' } : {}),
    engine: 'matrix',
    computeS,
    memoryS: c.memoryS,
    launchS: cpu.opOverheadS,
    peakFlopPerS: peak,
    arithmeticIntensity: bytes > 0 ? flop / bytes : 0,
    ridgeFlopPerByte: peak / cpu.memoryBandwidthBytesPerS,
    levels,
    ...(cpu.boardPowerW !== undefined ? { energyJ: cpu.boardPowerW * latencyS } : {}),
    model: 'cpu-roofline',
  }
}
