import {
  type AcceleratorSpec,
  gemmCost,
  type GemmOptions,
  PHAZE_VECTOR_CYCLES,
  rooflineCost,
  vectorOpCost,
} from '@dnnperf/cost-model'
import {
  createOpKindRegistry,
  type OpKindRegistry,
  type OpNode,
  opBytes,
  opFlop,
  opGemm,
  tensorElements,
} from '@dnnperf/ir'
import type { OpLatencyFn } from './from-graph.js'
import type { CoreCounts } from './types.js'

/** Options of {@link acceleratorOpLatency}. */
export interface AcceleratorLatencyOptions {
  readonly registry?: OpKindRegistry
  /** dtype when an op's tensors carry none (default `bf16`). */
  readonly dtype?: string
  /** Passed to the cost model's GEMM latency (`tiled` by default, or `roofline`). */
  readonly gemm?: GemmOptions
}

/** Tensor cores (systolic arrays, or SMs of a GPU) and vector cores of an accelerator. O(1). */
export function acceleratorCores(hw: AcceleratorSpec): CoreCounts {
  const tensor = hw.matrixUnits.kind === 'systolic' ? hw.matrixUnits.count : hw.matrixUnits.smCount
  return { tensor, vector: hw.vectorUnits?.count ?? tensor }
}

/**
 * The same chip with one core of each type (PHAZE ℓ: the op on the single-core config `(1, w, d, GLB)`): matrix
 * and vector peaks and per-core memory bandwidths divided by the core counts; shared levels unchanged. O(levels).
 */
export function singleCoreAccelerator(hw: AcceleratorSpec): AcceleratorSpec {
  const { tensor, vector } = acceleratorCores(hw)
  const scale = (table: Readonly<Record<string, number>>, k: number): Record<string, number> =>
    Object.fromEntries(Object.entries(table).map(([d, v]) => [d, v / k]))
  return {
    ...hw,
    name: `${hw.name} (one core)`,
    matrixUnits:
      hw.matrixUnits.kind === 'systolic'
        ? { ...hw.matrixUnits, count: 1 }
        : { ...hw.matrixUnits, smCount: 1 },
    ...(hw.vectorUnits ? { vectorUnits: { ...hw.vectorUnits, count: 1 } } : {}),
    peakFlopPerS: scale(hw.peakFlopPerS, tensor),
    ...(hw.vectorPeakFlopPerS ? { vectorPeakFlopPerS: scale(hw.vectorPeakFlopPerS, vector) } : {}),
    onChip: hw.onChip.map((level) =>
      level.perUnit
        ? {
            ...level,
            bandwidthBytesPerS: level.bandwidthBytesPerS / tensor,
            ...(level.writeBandwidthBytesPerS === undefined
              ? {}
              : { writeBandwidthBytesPerS: level.writeBandwidthBytesPerS / tensor }),
          }
        : level,
    ),
  }
}

const largestTensor = (op: OpNode): number => {
  let best = 0
  for (const t of [...op.outputs, ...op.inputs]) best = Math.max(best, tensorElements(t))
  return best
}

/**
 * An {@link OpLatencyFn} from `@dnnperf/cost-model`: matrix ops through `gemmCost` on their GEMM shape (roofline
 * when the kind has none), vector ops through PHAZE's vector-cycle table when the kind (without a `_grad` /
 * `_wgrad` suffix) is in it, else the vector roofline. `'single'` costs the op on {@link singleCoreAccelerator},
 * `'all'` on the whole chip. Seconds; exact for the cost model. O(1) per call.
 *
 * @throws the cost model's errors (UnsupportedDtypeError, InvalidValueError) for ops it cannot cost.
 */
export function acceleratorOpLatency(
  hw: AcceleratorSpec,
  options: AcceleratorLatencyOptions = {},
): OpLatencyFn {
  const registry = options.registry ?? createOpKindRegistry()
  const one = singleCoreAccelerator(hw)
  return (op, engine, mode) => {
    const spec = mode === 'single' ? one : hw
    const dtype = op.outputs[0]?.dtype ?? op.inputs[0]?.dtype ?? options.dtype ?? 'bf16'
    if (engine === 'tensor') {
      const g = opGemm(op, registry)
      if (g !== undefined)
        return gemmCost(spec, { m: g.m, n: g.n, k: g.k, batch: g.batch, dtype }, options.gemm).latencyS
      return rooflineCost(spec, {
        flop: opFlop(op, registry),
        bytes: opBytes(op, registry),
        dtype,
        engine: 'matrix',
      }).latencyS
    }
    const key = op.kind.replace(/_(w?grad)$/, '')
    if (key in PHAZE_VECTOR_CYCLES) {
      const last = op.outputs[0]?.shape.at(-1) ?? op.inputs[0]?.shape.at(-1)
      return vectorOpCost(spec, {
        op: key,
        numel: largestTensor(op),
        dtype,
        phase: op.phase === 'backward' ? 'backward' : 'forward',
        ...(last === undefined ? {} : { lastDim: last }),
      }).latencyS
    }
    return rooflineCost(spec, {
      flop: opFlop(op, registry),
      bytes: opBytes(op, registry),
      dtype,
      engine: 'vector',
    }).latencyS
  }
}
