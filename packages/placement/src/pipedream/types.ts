/** Input and option shapes of the PipeDream (SOSP'19) planner; no logic here. */

/** One layer of the chain PipeDream partitions. */
export interface PipeDreamLayer {
  /** Node ids of the placement problem this layer stands for (forward and backward). */
  readonly nodes: readonly string[]
  /** Forward + backward time of one sample, in the instance's time unit. */
  readonly computeTime: number
  /** Bytes of parameters (weights) the layer owns; replicas all-reduce them. */
  readonly parameterBytes: number
  /** Bytes of the layer's output activation (sent to the next stage when the pipeline is cut after it). */
  readonly activationBytes: number
}

/** One level of the machine hierarchy, innermost first (GPUs in a server, then servers, …). */
export interface PipeDreamLevel {
  /** Units of the level below (or devices, at level 0) in one unit of this level. */
  readonly count: number
  /** Bandwidth between those units, bytes/s. */
  readonly bandwidthBytesPerS: number
}

/** Options of the PipeDream planner (placement.md §3). */
export interface PipeDreamOptions {
  /**
   * Accelerators of the default single level when `levels` is not given; default the instance's
   * `resources.acceleratorCount` (1 when absent). CPUs are not used: PipeDream places on accelerators only.
   */
  readonly acceleratorCount?: number
  /** Keep every layer on one device (nodes sharing a `layerId` join one co-location class). Default false. */
  readonly contractLayers?: boolean
  /**
   * Machine levels, innermost first. Default one level of the problem's `acceleratorCount` devices at
   * `resources.bandwidthBytesPerS` (Infinity when absent: weight synchronisation is then free).
   */
  readonly levels?: readonly PipeDreamLevel[]
  /** Seconds per instance time unit, to convert transfer times; default from `timeUnit` (s: 1, ms: 1e-3, else 1). */
  readonly secondsPerTimeUnit?: number
  /** No replication: every stage runs on one unit (`--straight_pipeline`). Default false. */
  readonly straight?: boolean
  /** Allow leaving units of a level idle (`--use_fewer_machines`). Default false. */
  readonly useFewerMachines?: boolean
  /**
   * `ignored` (default, as the reference CLI without `--activation_compression_ratio`): inter-stage activation
   * transfers cost nothing. `included`: a cut costs 2·activation/(bandwidth·replicas)/compression ratio.
   */
  readonly communication?: 'ignored' | 'included'
  /** Divides activation transfer time when communication is included. Default 1. */
  readonly activationCompressionRatio?: number
  /**
   * Memory per device, bytes; stages whose reference memory estimate exceeds it are skipped
   * (`--use_memory_constraint -s`). Default: no memory constraint.
   */
  readonly memoryBytes?: number
}

/** One stage of a PipeDream plan: layers first..last (inclusive, chain positions) on `replication` units. */
export interface PipeDreamStage {
  readonly firstLayer: number
  readonly lastLayer: number
  /** Devices running the stage as data-parallel replicas (product over the hierarchy). */
  readonly replication: number
  /** Time per sample of the stage (compute and weight sync divided among its replicas), instance time unit. */
  readonly time: number
}

/** Result of the planner on a layer chain. */
export interface PipeDreamPlan {
  /** Time per sample of the bottleneck stage, instance time unit; null when no plan fits memory. */
  readonly objective: number | null
  /** Stages in pipeline order, innermost level's split within each outer stage. */
  readonly stages: readonly PipeDreamStage[]
}
