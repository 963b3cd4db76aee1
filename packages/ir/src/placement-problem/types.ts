/**
 * The placement-problem graph: a DAG of layers or operators with per-device-kind processing times, memory,
 * co-location classes and forward/backward roles, whose edges carry bytes and/or a transfer time. It is the
 * common model behind the Tarnawski et al. (dnn-partitioning), Piper and PHAZE instance formats; each
 * importer maps its format onto these fields and keeps what it cannot model in `extras`, so an export
 * reproduces the original document.
 */

import type { JsonValue } from '../op-graph/types.js'

export type { JsonValue }

/** A JSON object whose fields a format importer did not model, kept verbatim for a lossless re-export. */
export type JsonObject = { readonly [k: string]: JsonValue }

/** Device kinds the placement algorithms know; other strings are allowed in `timeByDevice` for new kinds. */
export type PlacementDeviceKind = 'accelerator' | 'cpu'

/** Forward or backward node of a training graph; inference graphs are all forward. */
export type PlacementRole = 'forward' | 'backward'

/** Instance formats the IR reads and writes. */
export type PlacementFormat = 'dnnperf' | 'dnn-partitioning' | 'piper' | 'phaze' | 'phaze-dot'

/**
 * Unit of every time in a problem (`timeByDevice`, `transferTime`). Published Tarnawski instances leave it
 * open (their layer graphs are in milliseconds, operator graphs in an arbitrary scale), so results are in
 * "the instance's units"; Piper and PHAZE are in seconds.
 */
export type PlacementTimeUnit = 's' | 'ms' | 'unspecified'

/**
 * One tensor-model-parallel configuration of a node for a tensor-parallel width (Piper's TMPC, PHAZE's
 * per-width node record). Which fields are present depends on the format.
 */
export interface TensorParallelConfig {
  /** Configuration name (`vanilla`, `activation recomp`); PHAZE has one unnamed configuration per width. */
  readonly id?: string
  /** Piper: forward plus backward compute time per sample, seconds. */
  readonly timePerSampleS?: number
  /** PHAZE: forward time of one microbatch, seconds. */
  readonly forwardS?: number
  /** PHAZE: backward time of one microbatch, seconds. */
  readonly backwardS?: number
  /** Parameter (weight) bytes held by one device. */
  readonly parameterBytes?: number
  /** PHAZE: activation bytes of one microbatch (sum of every op output of the layer). */
  readonly activationBytes?: number
  /** Piper: memory = `memoryBytesPerMicrobatch` × in-flight microbatches + `memoryBytesFixed`. */
  readonly memoryBytesPerMicrobatch?: number
  readonly memoryBytesFixed?: number
  /** Piper: extra resharding bytes per in-edge, keyed by the predecessor's id. */
  readonly syncBytesIn?: Readonly<Record<string, number>>
  /** Piper: extra resharding bytes per out-edge, keyed by the successor's id. */
  readonly syncBytesOut?: Readonly<Record<string, number>>
  /** PHAZE: the layer is split across the tensor-parallel group. */
  readonly tensorParallelized?: boolean
  readonly extras?: JsonObject
}

/** A node (layer or operator) of a placement problem. */
export interface PlacementNode {
  readonly id: string
  readonly name?: string
  readonly role: PlacementRole
  /** Processing time on one device of each kind (`accelerator`, `cpu`, …), in the problem's `timeUnit`. */
  readonly timeByDevice?: Readonly<Record<string, number>>
  /** May run on an accelerator (Tarnawski `supportedOnFpga`); absent means true. */
  readonly acceleratorSupported?: boolean
  /** Bytes the node occupies on an accelerator (Tarnawski `size`); absent means 0. */
  readonly memoryBytes?: number
  /** Co-location class: nodes sharing it must share a device. Absent: the node is its own class. */
  readonly colorClass?: string
  /** Layer label of an operator (Tarnawski `layerId`). */
  readonly layerId?: string
  /** Per tensor-parallel width (`"1"`, `"2"`, …), the node's configurations (Piper, PHAZE). */
  readonly tensorParallel?: Readonly<Record<string, readonly TensorParallelConfig[]>>
  readonly extras?: JsonObject
  /** Serialisation details of the source document (e.g. booleans written as 0/1) for exact re-export. */
  readonly jsonHints?: PlacementJsonHints
}

/** How a source document spelled fields whose value the model normalises. */
export interface PlacementJsonHints {
  /** Boolean fields written as the numbers 0/1 in the source. */
  readonly numericBooleans?: readonly string[]
}

/** A data dependency u → v. */
export interface PlacementEdge {
  readonly from: string
  readonly to: string
  /** Bytes sent along the edge. */
  readonly bytes?: number
  /** PHAZE: bytes per tensor-parallel width. */
  readonly bytesByTensorWidth?: Readonly<Record<string, number>>
  /**
   * Time to move the source's output between an accelerator and host memory (Tarnawski `cost`), in the
   * problem's `timeUnit`. It belongs to the source node: all its out-edges must agree (±1e-6).
   */
  readonly transferTime?: number
  /** A precedence-only edge that never carries data. */
  readonly artificial?: boolean
  readonly extras?: JsonObject
}

/** Devices and links available to the placement. */
export interface PlacementResources {
  /** Number of accelerators (Tarnawski `maxFPGAs`, Piper/PHAZE `maxDevices`). */
  readonly acceleratorCount?: number
  /** Number of CPU cores (Tarnawski `maxCPUs`). */
  readonly cpuCount?: number
  /** Memory of one accelerator, bytes. */
  readonly acceleratorMemoryBytes?: number
  /** Bandwidth of one device's link, bytes/s (Piper, PHAZE). */
  readonly bandwidthBytesPerS?: number
  /** Microbatches per batch (Piper/PHAZE `mbsInBatch`). */
  readonly microbatchCount?: number
}

/** Training options of PHAZE instances. */
export interface PlacementTraining {
  readonly activationRecomputation?: boolean
  readonly optimizer?: string
  /** A fixed (pipeline, tensor, data) strategy to score as a baseline. */
  readonly fixedPipelineStages?: number
  readonly fixedTensorWidth?: number
  readonly fixedDataParallel?: number
  readonly transformerLayerCount?: number
}

/** A placement problem; plain JSON-serialisable data. */
export interface PlacementProblem {
  readonly schemaVersion: 1
  readonly format: PlacementFormat
  readonly timeUnit: PlacementTimeUnit
  readonly nodes: readonly PlacementNode[]
  readonly edges: readonly PlacementEdge[]
  readonly resources: PlacementResources
  readonly training?: PlacementTraining
  /** Top-level fields of the source document that the model does not cover. */
  readonly extras?: JsonObject
}
