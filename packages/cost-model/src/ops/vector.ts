import { InvalidValueError } from '@dnnperf/ir'
import type { AcceleratorSpec } from '../hardware/types.js'
import {
  combineTimes,
  dtypeBytes,
  efficiencies,
  enginePeak,
  requireNonNegative,
  transferS,
} from './common.js'
import type { CostOptions, OpCost } from './types.js'

/** Per-element cycles of one vector op on one lane, forward and backward. */
export interface VectorCycles {
  readonly forward: number
  readonly backward: number
}

/**
 * PHAZE's vector-core cycle table (msr-fiddle/phaze@fed7cde wham/op_to_compute.py, vector_core_estimator.py).
 * GELU is costed as ReLU and exp/log as Pow there; those approximations are kept so results compare, and the
 * table can be overridden per call. Sigmoid-family backward uses the estimator branch's 22 (the dict says 2).
 */
export const PHAZE_VECTOR_CYCLES: Readonly<Record<string, VectorCycles>> = {
  relu: { forward: 1, backward: 1 },
  gelu: { forward: 1, backward: 1 },
  add: { forward: 1, backward: 1 },
  sub: { forward: 1, backward: 1 },
  mul: { forward: 1, backward: 1 },
  neg: { forward: 1, backward: 1 },
  addcmul: { forward: 1, backward: 1 },
  layernorm: { forward: 1, backward: 1 },
  rmsnorm: { forward: 1, backward: 1 },
  batchnorm: { forward: 1, backward: 1 },
  maskedfill: { forward: 1, backward: 1 },
  dropout: { forward: 2, backward: 1 },
  div: { forward: 10, backward: 10 },
  sigmoid: { forward: 12, backward: 22 },
  hardsigmoid: { forward: 12, backward: 22 },
  silu: { forward: 12, backward: 22 },
  sin: { forward: 13, backward: 2 },
  cos: { forward: 13, backward: 2 },
  hardswish: { forward: 14, backward: 15 },
  pow: { forward: 15, backward: 16 },
  exp: { forward: 15, backward: 16 },
  log: { forward: 15, backward: 16 },
  sqrt: { forward: 15, backward: 16 },
  rsqrt: { forward: 15, backward: 16 },
  erf: { forward: 15, backward: 15 },
  tanh: { forward: 27, backward: 2 },
  nllloss: { forward: 2, backward: 2 },
  softmax: { forward: 10, backward: 2 },
  logsoftmax: { forward: 13, backward: 2 },
  mean: { forward: 1, backward: 1 },
  pool: { forward: 1, backward: 1 },
}

const BINARY = new Set(['add', 'sub', 'mul', 'div'])

/** One element-wise, normalisation or reduction op. */
export interface VectorOp {
  /** A key of the cycle table (`relu`, `softmax`, `layernorm`, …). */
  readonly op: string
  /** Elements of the output (for binary ops: of the larger input). */
  readonly numel: number
  readonly dtype: string
  /** Default `forward`. */
  readonly phase?: 'forward' | 'backward'
  /** Binary ops, backward: elements of the second operand (default `numel`). */
  readonly otherNumel?: number
  /** Softmax, log-softmax and mean: length of the reduced (last) dimension. */
  readonly lastDim?: number
  /** Pooling: kernel height × width. */
  readonly kernelElems?: number
  /** FLOP for utilisation reports (default `numel`). */
  readonly flop?: number
  /** Off-chip bytes (default: read and write every element once, forward; read x, dy, write dx, backward). */
  readonly bytes?: number
}

/** Options of {@link vectorOpCost}. */
export interface VectorOpOptions extends CostOptions {
  /** Replace or extend the cycle table. */
  readonly cycles?: Readonly<Record<string, VectorCycles>>
  /** Bound the op by its off-chip traffic too (default true; PHAZE counts traffic only for energy). */
  readonly memoryTraffic?: boolean
}

function cyclesOf(op: VectorOp, lanes: number, table: Readonly<Record<string, VectorCycles>>): number {
  const row = table[op.op]
  if (row === undefined) {
    throw new InvalidValueError({
      at: 'vector op',
      field: 'op',
      value: op.op,
      expected: `one of ${Object.keys(table).join(', ')}`,
    })
  }
  const bwd = op.phase === 'backward'
  const c = bwd ? row.backward : row.forward
  const chunks = (x: number) => Math.ceil(x / lanes)
  if (BINARY.has(op.op) && bwd) {
    const c2 = op.op === 'div' ? 11 : c
    return chunks(op.numel) * c + chunks(op.otherNumel ?? op.numel) * c2
  }
  if ((op.op === 'softmax' || op.op === 'logsoftmax') && !bwd) {
    const n = op.lastDim ?? op.numel
    return Math.ceil(op.numel / n) * chunks(n) + 10 + chunks(op.numel) * c
  }
  if (op.op === 'mean') {
    // One reduction per output row (PHAZE v1.0 divides by the reduced length twice; not reproduced).
    const m = op.lastDim ?? op.numel
    return Math.ceil(op.numel / m) * (chunks(m) + 10)
  }
  if (op.op === 'pool') return chunks(op.numel) * (op.kernelElems ?? 1)
  return chunks(op.numel) * c
}

/**
 * Latency of a vector op. On hardware with vector units: PHAZE's rule cycles = ⌈numel/lanes⌉·PE_cycles (plus
 * its softmax, binary-op and mean special cases), lanes = units·lanes per unit, at the clock; elsewhere
 * (GPUs) FLOP over the vector peak. Either way bounded by off-chip traffic unless `memoryTraffic: false`, and
 * floored by the kernel-launch time. Source: Wang et al. ICML 2024 (PHAZE) cycle rules. Heuristic. O(1).
 * @throws InvalidValueError for an unknown op or bad sizes; UnsupportedDtypeError for a missing peak.
 */
export function vectorOpCost(hw: AcceleratorSpec, op: VectorOp, options: VectorOpOptions = {}): OpCost {
  requireNonNegative('vector op', 'numel', op.numel)
  const eta = efficiencies(options)
  const table = options.cycles ? { ...PHAZE_VECTOR_CYCLES, ...options.cycles } : PHAZE_VECTOR_CYCLES
  const peak = enginePeak(hw, op.dtype, 'vector')
  const flop = op.flop ?? op.numel
  let computeS: number
  let model: string
  if (hw.vectorUnits !== undefined) {
    const lanes = hw.vectorUnits.count * hw.vectorUnits.lanes
    computeS = op.numel === 0 ? 0 : cyclesOf(op, lanes, table) / (hw.clockHz * eta.vector)
    model = 'vector-cycles'
  } else {
    cyclesOf(op, 1, table) // validates the op name
    computeS = flop / (peak * eta.vector)
    model = 'vector-roofline'
  }
  const e = dtypeBytes(op.dtype)
  const bytes =
    op.bytes ?? (op.phase === 'backward' ? 3 * op.numel * e : (BINARY.has(op.op) ? 3 : 2) * op.numel * e)
  const levels =
    options.memoryTraffic === false
      ? []
      : [
          {
            level: 'offChip',
            readBytes: bytes,
            writeBytes: 0,
            timeS: transferS(bytes, 0, hw.offChip.bandwidthBytesPerS, undefined, eta.memory),
          },
        ]
  const c = combineTimes(computeS, levels, op.numel === 0 ? 0 : hw.kernelLaunchS, options.combine ?? 'max')
  const latencyS = c.latencyS
  return {
    latencyS,
    flops: flop,
    bytes,
    achievedFlopsPerS: latencyS > 0 ? flop / latencyS : 0,
    utilisation: latencyS > 0 ? flop / latencyS / peak : 0,
    bound: latencyS === 0 ? 'none' : c.bound,
    ...(c.limitingLevel !== undefined ? { limitingLevel: c.limitingLevel } : {}),
    engine: 'vector',
    computeS,
    memoryS: c.memoryS,
    launchS: hw.kernelLaunchS,
    peakFlopPerS: peak,
    // JSON has no Infinity: an op that moves nothing reports 0.
    arithmeticIntensity: bytes > 0 ? flop / bytes : 0,
    ridgeFlopPerByte: peak / hw.offChip.bandwidthBytesPerS,
    levels,
    ...(hw.energy !== undefined
      ? { energyJ: op.numel * hw.energy.vectorOpJ + bytes * hw.energy.offChipJPerByte }
      : hw.boardPowerW !== undefined
        ? { energyJ: hw.boardPowerW * latencyS }
        : {}),
    model,
  }
}
