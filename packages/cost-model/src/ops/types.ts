/** Shapes of operator cost results. All plain JSON data; times in s, sizes in bytes, rates per second. */

/** Why an op takes the time it takes. */
export type Bound = 'compute' | 'memory' | 'launch' | 'communication' | 'profile' | 'custom' | 'none'

/** Which engine runs an op. */
export type Engine = 'matrix' | 'vector' | 'memory' | 'collective' | 'none'

/** Data moved at one memory level and the time it needs. */
export interface LevelTraffic {
  /** Level name (`offChip` for DRAM/HBM). */
  readonly level: string
  readonly readBytes: number
  readonly writeBytes: number
  readonly timeS: number
}

/** Cost of one operator on one device. */
export interface OpCost {
  readonly latencyS: number
  /** Useful FLOPs (one FMA = 2), not counting padding. */
  readonly flops: number
  /** Bytes moved to and from off-chip memory. */
  readonly bytes: number
  readonly achievedFlopsPerS: number
  /** Achieved over peak FLOP/s of the engine and dtype (0 when the engine has no peak). */
  readonly utilisation: number
  readonly bound: Bound
  /** Name of the limiting memory level when `bound` is `memory`. */
  readonly limitingLevel?: string
  readonly engine: Engine
  /** Time the arithmetic alone needs, s. */
  readonly computeS: number
  /** Time of the slowest memory level, s. */
  readonly memoryS: number
  /** Launch/dispatch floor applied, s. */
  readonly launchS: number
  readonly peakFlopPerS: number
  /** flops / off-chip bytes. */
  readonly arithmeticIntensity: number
  /** Peak FLOP/s over off-chip bandwidth: ops below it are memory-bound on a roofline. */
  readonly ridgeFlopPerByte: number
  readonly levels: readonly LevelTraffic[]
  /** Energy estimate, J, when the hardware has an `energy` table. */
  readonly energyJ?: number
  /** Which formula produced the number (e.g. `systolic-tiled`, `tensor-core-waves`, `roofline`). */
  readonly model: string
}

/** Extra fields of a GEMM cost. */
export interface GemmCost extends OpCost {
  /** Useful MACs over the MACs the padded tiles perform (tile/padding quantisation), in (0, 1]. */
  readonly tileEfficiency: number
  /** Work units over unit slots of all waves (wave quantisation), in (0, 1]. */
  readonly waveEfficiency: number
  readonly waves: number
  /** Tile chosen: CTA tile for GPUs, PE array for systolic designs. */
  readonly tile: { readonly rows: number; readonly cols: number }
  /** K split across CTAs (tensor cores; partial sums reduced through off-chip memory); 1 = no split. */
  readonly splitK: number
}

/** Efficiency factors (achieved fraction of peak), as fitted by calibration. Default 1 each. */
export interface EfficiencyFactors {
  readonly matrix?: number
  readonly vector?: number
  readonly memory?: number
}

/** How compute and memory time combine: `max` (perfect overlap, roofline) or `sum` (no overlap). */
export type Combine = 'max' | 'sum'

/** Options shared by the op cost functions. */
export interface CostOptions {
  readonly efficiency?: EfficiencyFactors
  /** Default `max`. */
  readonly combine?: Combine
}
