/** Result and option shapes of @dnnperf/placement; no logic here. */

/** Kinds of device a Tarnawski-model placement uses. */
export type DeviceKind = 'accelerator' | 'cpu'

/** How an optimiser's answer stands. */
export type PlacementStatus = 'optimal' | 'feasible' | 'infeasible' | 'timeLimit'

/** Placement methods (`dnnperf place --method`). */
export type PlacementMethod =
  | 'dp'
  | 'ip'
  | 'ip-noncontiguous'
  | 'pipedream'
  | 'greedy'
  | 'linear-dp'
  | 'single-device'

/** One device of a placement and the nodes it runs. */
export interface PlacedDevice {
  readonly kind: DeviceKind
  /** Node ids (original problem ids, forward and backward), in problem order. */
  readonly nodes: readonly string[]
  /** Load in the instance's time unit: compute plus (accelerators) communication. */
  readonly load: number
  /** PipeDream: how many devices run this stage as data-parallel replicas (the stage counts once in `devices`). */
  readonly replication?: number
  /** Latency objective: physical accelerator index (several slots may share one accelerator). */
  readonly deviceIndex?: number
  /** Latency objective: when the device's call starts and ends, in the instance's time unit. */
  readonly start?: number
  readonly finish?: number
}

/**
 * Result of a max-load placement; plain JSON (`dnnperf place --json` prints it). `objective` is the maximum
 * device load (time per sample) in the instance's time unit; null when infeasible.
 */
export interface MaxLoadResult {
  readonly objective: number | null
  readonly method: PlacementMethod
  readonly status: PlacementStatus
  /** A proven lower bound on the optimum (equal to `objective` for an exact method). */
  readonly bestBound: number | null
  /** Relative gap (objective − bestBound) / objective; 0 for exact methods, null when unknown. */
  readonly gap: number | null
  /** Wall time, seconds. */
  readonly timeS: number
  /** Used devices in pipeline order (first stage first); unused devices are not listed. */
  readonly devices: readonly PlacedDevice[]
  /** Size of the search: ideals of the contracted forward graph, where the method uses them. */
  readonly idealCount?: number
  /** What `objective` measures; absent means `throughput` (max device load). `latency`: single-sample latency. */
  readonly objectiveKind?: 'throughput' | 'latency'
  /** Solver back-end of an integer program. */
  readonly solver?: 'glpk' | 'highs'
  /** Things the caller should know about how the answer was obtained (e.g. a graph linearised to a chain). */
  readonly notes?: readonly string[]
}

/** A split to evaluate: for each device its kind and node ids (backward nodes may be omitted, see evaluator). */
export interface SplitSpec {
  readonly devices: ReadonlyArray<{ readonly kind: DeviceKind; readonly nodes: readonly string[] }>
}

/** Why a device has its load. */
export type BottleneckReason = 'compute' | 'communication' | 'memory' | 'unsupported' | 'empty'

/** Load and memory of one device of an evaluated split. */
export interface DeviceEvaluation {
  readonly kind: DeviceKind
  readonly nodes: readonly string[]
  /** compute + communication, or Infinity when the device cannot hold its nodes. */
  readonly load: number
  readonly computeTime: number
  /** Transfer time charged to this accelerator (0 on CPUs). */
  readonly communicationTime: number
  readonly memoryBytes: number
  /** Memory of the device kind (accelerators), bytes; null when unlimited. */
  readonly memoryLimitBytes: number | null
  readonly fitsMemory: boolean
  /** Nodes that may not run on an accelerator but were placed on one. */
  readonly unsupportedNodes: readonly string[]
  /** False when the device's nodes are not a contiguous set (a path leaves and re-enters). */
  readonly contiguous: boolean
}

/** An evaluated split: loads per device, the bottleneck and why. */
export interface SplitEvaluation {
  /** Maximum load over devices (Infinity when a device is infeasible). */
  readonly maxLoad: number
  readonly feasible: boolean
  readonly devices: readonly DeviceEvaluation[]
  /** Index into `devices` of the device with the maximum load (first on ties). */
  readonly bottleneckIndex: number
  readonly bottleneckReason: BottleneckReason
  /** One sentence saying why the bottleneck device is the bottleneck. */
  readonly explanation: string
  /** Rules the split breaks (memory, support, contiguity, co-location, device counts); empty when feasible. */
  readonly violations: readonly string[]
}

/** Options of the max-load optimisers. */
export interface MaxLoadOptions {
  /** Number of accelerators; default the problem's `resources.acceleratorCount`. */
  readonly acceleratorCount?: number
  /** Number of CPU cores; default the problem's `resources.cpuCount` (0 when absent). */
  readonly cpuCount?: number
  /** Memory per accelerator in bytes; default the problem's `resources.acceleratorMemoryBytes` (unlimited). */
  readonly acceleratorMemoryBytes?: number
  /** Fail with LimitExceededError above this many ideals of the contracted forward graph. Default 1,000,000. */
  readonly idealLimit?: number
  /**
   * Keep every layer on one device: nodes sharing a `layerId` join one co-location class (with the classes they
   * already had), as the reference's `-contractLayers` (placement.md §1.6 step 3). Labels that close a cycle
   * fuse everything on it, as in the reference: in the public BERT-12 operator graphs one edge runs from the
   * output layer (13) back into layer 0, so contracting them leaves almost a single stage. Default false.
   */
  readonly contractLayers?: boolean
  /**
   * Merge zero-time, degree-1 forward nodes into their neighbour before enumerating ideals, as the reference
   * does (placement.md §1.6 step 9; sizes and support flags merge too). Default true.
   */
  readonly trivialMerge?: boolean
  /**
   * Wall-clock limit in seconds. When the DP runs out of time it returns the best split of one topological
   * order (feasible, status `timeLimit`) with a lower bound as `bestBound`. Default: none.
   */
  readonly timeLimitS?: number
  /**
   * How the DP enumerates transitions: `search` walks the stages S = I ∖ I′ of each ideal depth-first;
   * `pairs` scans pairs of ideals that can lie on a split within the upper bound; `auto` (default) tries
   * `pairs` on a work budget and falls back to `search`. All are exact and give the same optimum.
   */
  readonly transitions?: 'auto' | 'pairs' | 'search'
}
