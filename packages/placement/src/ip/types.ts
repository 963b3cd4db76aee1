/** Option shapes of the integer programs; no logic here. */

/** Options of the Tarnawski et al. integer programs (placement.md §1.7). */
export interface IpOptions {
  /** Number of accelerators; default the problem's `resources.acceleratorCount`. */
  readonly acceleratorCount?: number
  /** Number of CPU cores (throughput IP only; the latency IP has unlimited CPU parallelism). Default the problem's. */
  readonly cpuCount?: number
  /** Memory per accelerator in bytes; default the problem's `resources.acceleratorMemoryBytes` (unlimited). */
  readonly acceleratorMemoryBytes?: number
  /** Keep every layer on one device (nodes sharing a `layerId` join one co-location class). Default false. */
  readonly contractLayers?: boolean
  /** MILP back-end. Default `highs` (it reports a MIP bound while it runs and takes the warm start). */
  readonly solver?: 'glpk' | 'highs'
  /** Hard wall-clock limit of the solve, seconds (warm-start computation included). Default 60. */
  readonly timeLimitS?: number
  /** Relative MIP gap at which the solver may stop and report `optimal`. Default 0 (the reference used 0.01). */
  readonly mipGap?: number
  /**
   * Start the solver from the max-load DP's split (throughput; the DP runs under a quarter of the time limit and
   * falls back to its topological-order split) or from the all-CPU schedule (latency). Default true.
   */
  readonly warmStart?: boolean
}

/** Options of the latency IP. */
export interface LatencyIpOptions extends IpOptions {
  /** Subgraph slots per accelerator (placement.md §1.7, paper Appendix A). Default 1. */
  readonly slotsPerAccelerator?: number
}
