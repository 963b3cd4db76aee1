/**
 * Hardware descriptions: plain JSON-serialisable data. Every rate is SI (FLOP/s, bytes/s, Hz) and every size is
 * in bytes. Validation lives in `validate.ts`; presets in `presets.ts`.
 */

/**
 * Peak FLOP/s per dtype (dense), keyed by the IR's dtype names (`fp32`, `tf32`, `fp16`, `bf16`, `int8`, …);
 * `fp8` serves both IR fp8 formats. A dtype missing here cannot be costed on that engine.
 */
export type PeakTable = Readonly<Record<string, number>>

/** One on-chip memory level (register file, shared memory, L2, a global buffer). */
export interface MemoryLevelSpec {
  readonly name: string
  /** Capacity in bytes. With `perUnit`, the capacity of one copy (one per matrix unit or SM). */
  readonly capacityBytes: number
  /**
   * Bandwidth, bytes/s, at which this level serves the level inside it (aggregate over all copies).
   * Without `writeBandwidthBytesPerS`, reads and writes share it.
   */
  readonly bandwidthBytesPerS: number
  /** Separate write bandwidth (bytes/s); when present reads and writes are independent channels. */
  readonly writeBandwidthBytesPerS?: number
  /** True when each matrix unit (or SM) has its own copy; total capacity = capacityBytes · unit count. */
  readonly perUnit?: boolean
}

/** Off-chip memory (HBM, GDDR, DDR). */
export interface OffChipMemorySpec {
  readonly capacityBytes: number
  readonly bandwidthBytesPerS: number
  readonly writeBandwidthBytesPerS?: number
}

/**
 * Matrix engines. `systolic`: `count` arrays of `rows × cols` multiply-accumulate PEs, costed by the tiled
 * PHAZE-style mapper. `tensor-core`: a GPU whose `smCount` SMs each run one or more CTA tiles, costed by
 * tile and wave quantisation.
 */
export type MatrixUnitSpec =
  | {
      readonly kind: 'systolic'
      readonly count: number
      /** PE rows: the contraction (K) dimension of a weight tile. */
      readonly rows: number
      /** PE columns: the output (N) dimension of a weight tile. */
      readonly cols: number
    }
  | {
      readonly kind: 'tensor-core'
      readonly smCount: number
      readonly tensorCoresPerSm: number
      /** Concurrent CTAs per SM for the big GEMM tiles (default 1). */
      readonly ctasPerSm?: number
    }

/** SIMD vector units (PHAZE's vector cores). */
export interface VectorUnitSpec {
  readonly count: number
  readonly lanes: number
}

/** Per-action energies for an energy estimate (all in joules). */
export interface EnergySpec {
  /** Energy of one multiply-accumulate, J. */
  readonly macJ: number
  /** Energy of one vector-lane operation, J. */
  readonly vectorOpJ: number
  /** Energy per byte moved out of off-chip memory, J/B. */
  readonly offChipJPerByte: number
  /** Energy per byte moved out of each on-chip level, J/B, same order as `onChip`. */
  readonly onChipJPerByte: readonly number[]
}

/** An accelerator: GPU, TPU-like chip or a PHAZE-style design point. */
export interface AcceleratorSpec {
  readonly kind: 'accelerator'
  readonly name: string
  /** Where the numbers come from (datasheet, paper), for humans. */
  readonly source?: string
  readonly clockHz: number
  readonly matrixUnits: MatrixUnitSpec
  readonly vectorUnits?: VectorUnitSpec
  /** Dense matrix-engine peak per dtype, FLOP/s. */
  readonly peakFlopPerS: PeakTable
  /** Peak of the non-matrix (vector/SIMT) engine per dtype, FLOP/s. Defaults to the matrix peak table. */
  readonly vectorPeakFlopPerS?: PeakTable
  /** On-chip levels, innermost first. */
  readonly onChip: readonly MemoryLevelSpec[]
  readonly offChip: OffChipMemorySpec
  /** Floor on the time of any kernel (launch overhead), s. Zero for a statically scheduled accelerator. */
  readonly kernelLaunchS: number
  readonly energy?: EnergySpec
  /**
   * Board power at full load (TDP), W. Without an `energy` table, op energy is estimated as power × time: an
   * upper bound, since a memory-bound op does not draw full power.
   */
  readonly boardPowerW?: number
}

/** A CPU socket (Packrat's serving target). */
export interface CpuSpec {
  readonly kind: 'cpu'
  readonly name: string
  readonly source?: string
  readonly cores: number
  readonly clockHz: number
  /** Peak FLOP/s of one core per dtype. */
  readonly perCorePeakFlopPerS: PeakTable
  readonly memoryBandwidthBytesPerS: number
  readonly memoryCapacityBytes: number
  /** Last-level cache, bytes. */
  readonly llcBytes: number
  /** Fixed cost of dispatching one op (framework overhead), s. */
  readonly opOverheadS: number
  /** Socket power at full load (TDP), W; op energy = power × time when given (an upper bound). */
  readonly boardPowerW?: number
}

/** One communication link class: per-direction bandwidth and per-message latency. */
export interface LinkSpec {
  readonly name: string
  /** Per-direction bandwidth available to one device, bytes/s. */
  readonly bandwidthBytesPerS: number
  readonly latencyS: number
}

/** Topology of the intra-node fabric. */
export type Topology = 'switch' | 'ring' | 'fully-connected' | 'torus' | 'pcie-tree'

/** A cluster of identical accelerators. */
export interface ClusterSpec {
  readonly kind: 'cluster'
  readonly name: string
  readonly source?: string
  readonly device: AcceleratorSpec
  readonly devicesPerNode: number
  readonly nodes: number
  readonly intraNode: LinkSpec
  /** Per-device share of the inter-node network (one NIC per device when rail-aligned). */
  readonly interNode: LinkSpec
  readonly topology: Topology
}

/** Any hardware description. */
export type HardwareSpec = AcceleratorSpec | CpuSpec | ClusterSpec
