/** Which kind of core executes an op: the matrix (tensor) cores or the SIMD (vector) cores. */
export type CoreEngine = 'tensor' | 'vector'

/** One operator of a layer, with its latency on one core and parallelised over all cores of its type. */
export interface SchedulingOp {
  /** Problem-unique id. */
  readonly id: string
  readonly engine: CoreEngine
  /** Latency on ONE core of its type (PHAZE ℓ_i), in seconds. */
  readonly singleCoreS: number
  /** Latency parallelised over ALL cores of its type (PHAZE ℓ̂_i), in seconds; the op then runs alone on the chip. */
  readonly allCoresS: number
  /**
   * On-chip bytes the op holds while it runs (its input and output tensors). Only read when the problem sets
   * `bufferCapacityBytes`; defaults to 0.
   */
  readonly bufferBytes?: number
}

/** Number of cores of each type on the accelerator. */
export interface CoreCounts {
  readonly tensor: number
  readonly vector: number
}

/**
 * One layer (one pass) to schedule: operators, precedence `[from, to]` (to starts after from ends) and the core
 * counts. Independent of the IR so that tests and callers can use synthetic latencies. Units are SI.
 */
export interface LayerSchedulingProblem {
  readonly name?: string
  readonly ops: readonly SchedulingOp[]
  readonly deps: readonly (readonly [string, string])[]
  readonly cores: CoreCounts
  /**
   * Optional on-chip buffer capacity (bytes): at every instant the `bufferBytes` of the ops running then must
   * sum to at most this. Beyond PHAZE, which models no buffer capacity.
   */
  readonly bufferCapacityBytes?: number
}

/** Status of a schedule: proven optimal, feasible without proof, or cut short by the time limit. */
export type ScheduleStatus = 'optimal' | 'feasible' | 'timeLimit'

/** MILP back-end. */
export type MilpSolverName = 'glpk' | 'highs'

/** How the returned schedule was obtained. */
export type ScheduleAlgorithm = 'ilp' | 'list-heuristic' | 'exhaustive'

/** One op in a schedule: `cores` is `'all'` (intra-op parallel, alone on the chip) or the index of its core. */
export interface ScheduledOp {
  readonly opId: string
  readonly engine: CoreEngine
  readonly startS: number
  readonly endS: number
  readonly cores: 'all' | number
}

/** Lower bounds on the makespan, in seconds. */
export interface MakespanLowerBounds {
  /** Longest dependency path with each op at its faster latency. */
  readonly criticalPathS: number
  /** Per core type, the least core-seconds of work divided by the core count; the larger of the two. */
  readonly workS: number
}

/** Result of {@link scheduleLayer}: plain JSON. */
export interface LayerScheduleResult {
  readonly name?: string
  readonly status: ScheduleStatus
  /** Makespan of `schedule`, in seconds. */
  readonly makespanS: number
  /** Best proven lower bound on the optimal makespan, in seconds. */
  readonly bestBoundS: number
  /** (makespanS − bestBoundS) / makespanS, 0 when the makespan is 0. */
  readonly gap: number
  /** Back-end that produced or proved the result; `'none'` when no MILP was needed. */
  readonly solver: MilpSolverName | 'none'
  readonly algorithm: ScheduleAlgorithm
  /** Wall time of the whole call, in seconds. */
  readonly timeS: number
  readonly schedule: readonly ScheduledOp[]
  readonly lowerBounds: MakespanLowerBounds
  /** Makespan of the list-scheduling heuristic (warm start and fallback), in seconds. */
  readonly heuristicMakespanS: number
  /** Number of MILP solves (the lazy core loop adds at most two re-solves, the buffer loop a few more). */
  readonly milpSolves: number
  /** Which lazy core-assignment blocks ended up in the model. */
  readonly coreBlocks: { readonly tensor: boolean; readonly vector: boolean }
  /** Why the result is not proven optimal, when it is not. */
  readonly note?: string
}

/** Options of {@link scheduleLayer}. */
export interface ScheduleLayerOptions {
  /** MILP back-end (default `'highs'`). */
  readonly solver?: MilpSolverName
  /** Wall-clock budget for all MILP solves of the call, in seconds (default 60). */
  readonly timeLimitS?: number
  /** Add the transitivity rows (6) of PHAZE (default true). They are implied by (10) but tighten branching. */
  readonly transitivity?: boolean
  /**
   * Add the exclusive-time cuts (default true, beyond PHAZE): makespan ≥ total all-core time + the longest chain
   * of single-core ops (along dependencies and the chosen order x), and ≥ total all-core time + each type's
   * single-core work over its cores. Valid for every schedule (an all-core op overlaps nothing); they make
   * proofs of optimality far faster.
   */
  readonly exclusiveCuts?: boolean
  /**
   * How core capacity enters the model (both exact). `'assignment'` (default, PHAZE §5.4): when the solution
   * over-subscribes a core type, add that type's core-assignment block (binary z_ic per op and core, constraints
   * 12–18, core indices symmetry-broken) and re-solve. `'cliques'`: cut every set of n + 1 mutually incomparable
   * ops of a type up front when there are at most 2000 such sets, and lazily add "some pair of the set is
   * ordered" for each over-subscribed set found; no z variables and no symmetry between identical cores.
   */
  readonly coreCapacity?: 'assignment' | 'cliques'
  /** Run the MILP even when the list schedule already meets a lower bound (default false; for testing the model). */
  readonly alwaysSolve?: boolean
  /** Relative MIP gap at which a solve may stop and count as optimal (default 0: prove optimality). */
  readonly mipGap?: number
  /** Abort signal passed to the back-end. */
  readonly signal?: AbortSignal
  /** Relative tolerance under which the heuristic counts as matching the lower bound (default 1e-9). */
  readonly boundTolerance?: number
}

/** One violated rule found by {@link checkSchedule}. */
export interface ScheduleViolation {
  readonly kind:
    | 'missing-op'
    | 'unknown-op'
    | 'duplicate-op'
    | 'bad-time'
    | 'duration'
    | 'engine'
    | 'precedence'
    | 'core-index'
    | 'core-overlap'
    | 'exclusive-overlap'
    | 'buffer'
  readonly opId: string
  /** The other op involved, for pairwise rules. */
  readonly otherOpId?: string
  readonly detail: string
}

/** Result of {@link checkSchedule}. */
export interface ScheduleCheck {
  readonly ok: boolean
  readonly makespanS: number
  readonly violations: readonly ScheduleViolation[]
}
