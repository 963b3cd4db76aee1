import type { Phase } from '@dnnperf/ir'
import type { Bound, Engine } from '../ops/types.js'

/** Where an op's number came from. */
export type CostSource = 'model' | 'profile' | 'custom'

/** Cost of one op of a graph. */
export interface OpGraphOpCost {
  readonly id: string
  readonly kind: string
  readonly phase: Phase
  readonly layer?: string
  readonly engine: Engine
  readonly latencyS: number
  readonly flops: number
  readonly bytes: number
  readonly bound: Bound
  readonly limitingLevel?: string
  /** flops / (latency · peak of the op's engine and dtype); 0 for ops without a peak. */
  readonly utilisation: number
  readonly achievedFlopsPerS: number
  readonly arithmeticIntensity: number
  /** Roofline placement: `compute` when the arithmetic intensity is at or above the ridge point. */
  readonly rooflineRegion: 'compute' | 'memory'
  readonly source: CostSource
  /** The formula used (`tensor-core-waves`, `roofline`, `vector-cycles`, `ring`, `profile`, …). */
  readonly model: string
  readonly energyJ?: number
}

/** Aggregate over a set of ops (a layer, a phase, the model). Times add: ops run one after another. */
export interface CostTotals {
  readonly latencyS: number
  readonly flops: number
  readonly bytes: number
  readonly achievedFlopsPerS: number
  /** Time-weighted mean of per-op utilisation: Σ(flops_i / peak_i) / Σ latency_i. */
  readonly utilisation: number
  /** Seconds spent per bound reason. */
  readonly timeByBoundS: { readonly [bound: string]: number }
  readonly energyJ?: number
}

/** One layer's totals. */
export interface LayerCost extends CostTotals {
  readonly layer: string
  readonly forwardS: number
  readonly backwardS: number
  readonly optimizerS: number
  readonly ops: number
}

/** Per-device memory of a graph, from its tensors. */
export interface GraphMemory {
  /** Unique parameter tensors (tied ones once), bytes. */
  readonly weightsBytes: number
  /** One gradient per parameter when the graph has backward ops, bytes. */
  readonly gradientsBytes: number
  /** State tensors read by optimizer-update ops (moments, momentum, master weights), bytes. */
  readonly optimizerBytes: number
  /** Forward tensors that backward ops need (inputs of forward ops with gradient ops), bytes. */
  readonly activationBytes: number
  readonly workspaceBytes: number
  readonly totalBytes: number
  readonly capacityBytes: number
  readonly fits: boolean
}

/** Result of costing a graph on one device. */
export interface OpGraphCost {
  readonly graph: string
  readonly hardware: string
  readonly ops: readonly OpGraphOpCost[]
  readonly layers: readonly LayerCost[]
  readonly phases: {
    readonly forward: CostTotals
    readonly backward: CostTotals
    readonly optimizer: CostTotals
  }
  readonly total: CostTotals
  readonly memory: GraphMemory
}
