/**
 * Types of the execution task graph: executors that run one task at a time, tasks with durations and post-task
 * gaps, static dependencies, and dynamic "wait for whatever was last issued on that executor" dependencies that
 * the engine resolves while simulating. No logic lives here.
 */

/** What runs tasks: a CPU thread, a GPU stream, or a network link / communication channel. */
export type ExecutorKind = 'cpu' | 'gpu' | 'link'

/** Why one task waits for another. Program and stream order are implicit in each executor's queue order. */
export type DependencyKind = 'program' | 'stream' | 'launch' | 'sync' | 'communication' | 'data'

/** The dependency kinds in the order of their numeric codes in {@link CompiledTaskGraph.predKind}. */
export const DEPENDENCY_KINDS: readonly DependencyKind[] = [
  'program',
  'stream',
  'launch',
  'sync',
  'communication',
  'data',
]

/** One executor. */
export interface ExecutorSpec {
  /** Unique display name, e.g. `cpu 123/456` or `gpu0 stream 7`. */
  readonly name: string
  readonly kind: ExecutorKind
  /**
   * `fifo` (default): tasks run in queue order. `priority`: whenever the executor is free it runs the ready task
   * with the smallest `order` (Daydream's Schedule hook, e.g. P3's layer priorities on a network link).
   */
  readonly policy?: 'fifo' | 'priority'
}

/** One task, as given to the builder. */
export interface TaskSpec {
  /** Index of the executor that runs it. */
  readonly executor: number
  /** Measured or predicted run time, seconds, finite and >= 0. */
  readonly durationS: number
  /** Idle time the executor spends after this task before it may start its next one, seconds (default 0). */
  readonly gapS?: number
  /** Earliest start, seconds from the simulation origin (default 0): pins orphans at their measured start. */
  readonly releaseS?: number
  /**
   * Position key in the executor's queue: tasks run in ascending `order`, ties by task index. Default: the task
   * index, i.e. insertion order.
   */
  readonly order?: number
  /** Free-form kind such as `kernel`, `runtime`, `memcpy`, `sync`, `comm` (default `task`). */
  readonly kind?: string
  readonly name?: string
  readonly layer?: string
  readonly phase?: string
  /**
   * Executors whose latest issued task this one waits for, resolved during simulation: when this task becomes
   * ready it also waits for the last task (in queue order) that had become ready on each listed executor by
   * then. Models stream/device synchronisation whose target changes when the graph is transformed.
   */
  readonly waitsOn?: readonly number[]
}

/** A static dependency `from -> to`. */
export interface DependencySpec {
  readonly from: number
  readonly to: number
  readonly kind?: DependencyKind
  /** Delay between the source event and the earliest start of `to`, seconds, finite and >= 0 (default 0). */
  readonly lagS?: number
  /** Measure from the start of `from` rather than its end (a launch whose kernel starts before the call ends). */
  readonly fromStart?: boolean
}

/** A whole task graph as plain data (JSON-serialisable). */
export interface TaskGraphSpec {
  readonly executors: readonly ExecutorSpec[]
  readonly tasks: readonly TaskSpec[]
  readonly dependencies: readonly DependencySpec[]
}

/**
 * A whole task graph as columns, for {@link compileTaskGraphColumns}: task `i` is slot `i` of every per-task
 * column and dependency `d` slot `d` of every per-dependency column. The compiled graph takes over the label
 * arrays without copying them, so the caller must not modify them afterwards.
 */
export interface TaskGraphColumns {
  /** The executors; the compiled graph keeps this array. */
  readonly executors: readonly ExecutorSpec[]
  /** Number of tasks; every per-task column has at least this many slots. */
  readonly taskCount: number
  /** Executor index of each task. */
  readonly executor: ArrayLike<number>
  /** Seconds, finite and >= 0. */
  readonly durationS: ArrayLike<number>
  /** Seconds, finite and >= 0. */
  readonly gapS: ArrayLike<number>
  /** Seconds, finite and >= 0. */
  readonly releaseS: ArrayLike<number>
  /** Position keys in each executor queue (see {@link TaskSpec.order}). */
  readonly order: ArrayLike<number>
  /** Per-task kind label (see {@link TaskSpec.kind}); kept by the compiled graph. */
  readonly kinds: readonly string[]
  /** Per-task name; kept by the compiled graph. */
  readonly names: readonly (string | undefined)[]
  /** Per-task layer; kept by the compiled graph. */
  readonly layers: readonly (string | undefined)[]
  /** Per-task phase; kept by the compiled graph. */
  readonly phases: readonly (string | undefined)[]
  /** Dynamic waits of task `i`: `waitExecutor[waitStart[i]] .. waitExecutor[waitStart[i + 1] - 1]`. */
  readonly waitStart: ArrayLike<number>
  /** Executor indices of the dynamic waits, see `waitStart`. */
  readonly waitExecutor: ArrayLike<number>
  /** Number of static dependencies; every per-dependency column has at least this many slots. */
  readonly dependencyCount: number
  /** Source task of each dependency. */
  readonly dependencyFrom: ArrayLike<number>
  /** Target task of each dependency. */
  readonly dependencyTo: ArrayLike<number>
  /** Seconds, finite and >= 0. */
  readonly dependencyLagS: ArrayLike<number>
  /** 1 = measured from the start of `from`. */
  readonly dependencyFromStart: ArrayLike<number>
  /** Index into {@link DEPENDENCY_KINDS}. */
  readonly dependencyKind: ArrayLike<number>
}

/**
 * Immutable, integer-indexed task graph for the engine. Layout:
 * - per task `i`: `executorOf[i]`, `durationS[i]`, `gapS[i]`, `releaseS[i]`, `queuePos[i]` (position in its
 *   executor queue);
 * - executor `e` runs `queue[queueStart[e]] .. queue[queueStart[e + 1] - 1]` in that order;
 * - static predecessors of `i`: `pred[predStart[i]] .. pred[predStart[i + 1] - 1]`, with the same slots in
 *   `predLagS`, `predFromStart` (1 = measured from the predecessor's start) and `predKind` (index into
 *   {@link DEPENDENCY_KINDS});
 * - successors of `i`: `succEdge[succStart[i]] ..` are slots into the predecessor arrays (so lag and kind are
 *   stored once), and `pred`'s owner of slot `s` is `predOwner[s]`;
 * - dynamic waits of `i`: executors `waitExecutor[waitStart[i]] .. waitExecutor[waitStart[i + 1] - 1]`;
 * - `topoOrder`: every task after its static predecessors and its executor predecessor.
 */
export interface CompiledTaskGraph {
  readonly taskCount: number
  readonly executors: readonly ExecutorSpec[]
  readonly executorOf: Uint32Array
  readonly durationS: Float64Array
  readonly gapS: Float64Array
  readonly releaseS: Float64Array
  readonly queueStart: Uint32Array // length executorCount + 1
  readonly queue: Uint32Array // length taskCount
  readonly queuePos: Uint32Array // length taskCount
  readonly predStart: Uint32Array // length taskCount + 1
  readonly pred: Uint32Array
  readonly predOwner: Uint32Array
  readonly predLagS: Float64Array
  readonly predFromStart: Uint8Array
  readonly predKind: Uint8Array
  readonly succStart: Uint32Array // length taskCount + 1
  readonly succEdge: Uint32Array
  readonly waitStart: Uint32Array // length taskCount + 1
  readonly waitExecutor: Uint32Array
  /** 1 for executors with the `priority` policy (their queue order is a priority, not a sequence). */
  readonly priorityExecutor: Uint8Array
  readonly topoOrder: Uint32Array
  /** Per-task labels; `undefined` where the spec gave none. */
  readonly kinds: readonly string[]
  readonly names: readonly (string | undefined)[]
  readonly layers: readonly (string | undefined)[]
  readonly phases: readonly (string | undefined)[]
}

/** Why a task started when it did, as recorded by the engine. */
export type BindingReason = 'release' | 'executor' | 'dependency' | 'wait'

/** Binding reasons in the order of their numeric codes in {@link TaskGraphSimulation.bindingReason}. */
export const BINDING_REASONS: readonly BindingReason[] = ['release', 'executor', 'dependency', 'wait']

/**
 * What the engine computed. Arrays are indexed by task (or executor for `executorBusyS`); times in seconds from
 * the simulation origin.
 */
export interface TaskGraphSimulation {
  readonly startS: Float64Array
  readonly endS: Float64Array
  /** Latest task end, seconds (0 for an empty graph). */
  readonly makespanS: number
  /** Sum of task durations per executor, seconds (executors never overlap tasks, so this is busy time). */
  readonly executorBusyS: Float64Array
  /** The task whose event fixed each task's start, or -1 when its release time (or 0) did. */
  readonly bindingTask: Int32Array
  /** Index into {@link BINDING_REASONS}. */
  readonly bindingReason: Uint8Array
  /** The static dependency slot that bound the start (for reason `dependency`), else -1. */
  readonly bindingEdge: Int32Array
  /**
   * Dynamic waits released because they would deadlock (the awaited task depended on the waiting one); 0 for
   * graphs built from real traces, where CUDA semantics exclude such cycles.
   */
  readonly brokenWaitCount: number
  /** Which engine ran: the topological max-plus pass or the event-driven one (dynamic waits). */
  readonly engine: 'static' | 'event'
}

/** Options of {@link simulateTaskGraph}. */
export interface SimulateTaskGraphOptions {
  /** Replacement durations (seconds, one per task) for what-if runs without recompiling. */
  readonly durationS?: Float64Array
  /** Run the event-driven engine even when the graph has no dynamic waits (default false; for testing). */
  readonly forceEventEngine?: boolean
}

/** One step of a critical path. */
export interface CriticalPathStep {
  readonly task: number
  readonly startS: number
  readonly endS: number
  /** What links this task to the previous step (the first step has `release`). */
  readonly via: BindingReason
  /** Dependency kind when `via` is `dependency`. */
  readonly dependencyKind?: DependencyKind
}

/** The chain of binding events that ends at the task finishing last. */
export interface CriticalPath {
  /** Recomputed from the chain as release + durations + gaps + lags; equals the makespan. Seconds. */
  readonly lengthS: number
  readonly steps: readonly CriticalPathStep[]
}
