/** Types of @dnnperf/trace-sim: normalised trace events, dependency graphs, what-ifs and analysis results. */
import type { CompiledTaskGraph, TaskGraphSimulation } from '@dnnperf/ir'

/** What a normalised trace event is, independent of the Kineto version that wrote it. */
export type TraceActivity =
  | 'cpu_op'
  | 'annotation'
  | 'python'
  | 'runtime'
  | 'kernel'
  | 'memcpy'
  | 'memset'
  | 'sync'
  | 'gpu_annotation'
  | 'other'

/** One complete (`ph: "X"`) event, normalised: integer nanoseconds from the trace origin, legacy names mapped. */
export interface TraceEvent {
  /** Position in the file's `traceEvents` array. */
  readonly index: number
  readonly activity: TraceActivity
  readonly cat: string
  readonly name: string
  /** Opaque keys: CPU pid/tid, or GPU device/stream track. */
  readonly pid: string
  readonly tid: string
  readonly startNs: number
  readonly durNs: number
  readonly correlation?: number
  readonly externalId?: number
  /** GPU ops: `args.stream` (falls back to the tid); sync events: the synchronised stream. */
  readonly stream?: number
  readonly device?: number
  /** `cuda_sync` events. */
  readonly syncKind?: string
  readonly waitOnStream?: number
  readonly waitOnRecordCorrelation?: number
  readonly bytes?: number
  /** `cpu_op` with recorded shapes: element count of the first input (a parameter, for optimizer ops). */
  readonly firstInputNumel?: number
}

/** A recoverable defect found while reading or modelling a trace. */
export interface TraceWarning {
  /** Stable code, e.g. `ORPHAN_GPU_OP`, `NEGATIVE_DURATION`, `STREAM_OVERLAP`, `TRUNCATED`. */
  readonly code: string
  readonly message: string
  /** How many events it concerns. */
  readonly count: number
  /** One offending event (its `traceEvents` index) or field, for a first look. */
  readonly example?: string
}

/** A `ProfilerStep#N` span on the CPU. */
export interface ProfilerStep {
  readonly number: number
  readonly startNs: number
  readonly endNs: number
  readonly pid: string
  readonly tid: string
}

/** A trace after ingestion. Times are integer ns from `originUs` (the floor of the earliest timestamp). */
export interface LoadedTrace {
  readonly source: string
  /** The trace's time origin in its own µs clock (relative to `baseTimeNanoseconds` when present). */
  readonly originUs: number
  readonly events: readonly TraceEvent[]
  readonly steps: readonly ProfilerStep[]
  readonly warnings: TraceWarning[]
  readonly metadata: {
    readonly schemaVersion: number | undefined
    readonly platform: 'cuda' | 'rocm' | 'unknown'
    readonly hasSyncEvents: boolean
    readonly flowEventCount: number
    readonly rank: number | undefined
    readonly worldSize: number | undefined
    /** `deviceProperties[0].name` (e.g. `NVIDIA A100-SXM4-80GB`), the default source device of the `gpu` what-if. */
    readonly deviceName: string | undefined
  }
}

/** Options of {@link loadTrace}. */
export interface LoadTraceOptions {
  /** Name used in errors and warnings when a buffer is given (default `buffer`, or the path). */
  readonly source?: string
  /** Unit of `ts`/`dur` in the file (default `us`, as every Kineto writer uses; `ns` for custom exporters). */
  readonly timeUnit?: 'us' | 'ns'
}

/** Role of a task in a dependency graph built from a trace. */
export type TaskRole = 'runtime' | 'blocking-call' | 'blocking-wait' | 'gpu' | 'marker' | 'inserted'

/** Coarse class of a task for breakdowns (HTA's kernel classes plus CPU). */
export type TaskClass = 'computation' | 'communication' | 'memory' | 'cpu' | 'sync'

/** What the graph builder knows about each task beyond the engine's arrays. */
export interface TaskInfo {
  readonly role: TaskRole
  readonly name: string
  readonly taskClass: TaskClass
  /** `kernel`, `memcpy`, `memset`, `runtime`, `sync`, `marker`, `comm` or a recipe's own kind. */
  readonly kind: string
  /** Index of the trace event, or -1 for synthetic / inserted tasks. */
  readonly eventIndex: number
  readonly correlation?: number
  readonly measuredStartS?: number
  readonly measuredDurationS?: number
  readonly layer?: string
  readonly phase?: Phase
  /** Multiplicative scale applied by what-ifs (1 for untouched tasks). */
  readonly scale?: number
  /** Which copy of the iteration the task belongs to after `unrollIterations` (0 = the measured one). */
  readonly copy?: number
}

/** Training phase of a task. */
export type Phase = 'forward' | 'backward' | 'optimizer' | 'data' | 'other'

/** A Daydream dependency graph: an IR task-graph spec plus per-task trace information. Mutable by primitives. */
export interface DependencyGraph {
  readonly executors: { name: string; kind: 'cpu' | 'gpu' | 'link'; policy?: 'fifo' | 'priority' }[]
  readonly tasks: {
    executor: number
    durationS: number
    gapS: number
    releaseS: number
    order: number
    waitsOn?: number[]
    info: TaskInfo
  }[]
  readonly dependencies: {
    from: number
    to: number
    kind: 'launch' | 'sync' | 'communication' | 'data' | 'stream' | 'program'
    lagS: number
    fromStart: boolean
  }[]
  /** Measured length of the selected window, seconds (of all copies when unrolled). */
  readonly measuredIterationS: number
  /** Iterations the graph holds (1, or more after `unrollIterations`); iteration time = makespan / count. */
  readonly iterationCount: number
  /** Window start in trace ns (time 0 of the simulation). */
  readonly windowStartNs: number
  readonly iteration: number | undefined
  readonly warnings: TraceWarning[]
  /**
   * Gradient bytes estimated from the optimizer's per-parameter ops (fp32: 4 bytes per element of their first
   * input, the smallest total among the frequent ops under `Optimizer.step`); undefined without recorded shapes.
   */
  readonly gradientBytesEstimate: number | undefined
}

/** One task of a {@link DependencyGraph}. */
export type GraphTask = DependencyGraph['tasks'][number]

/** One dependency of a {@link DependencyGraph}. */
export type GraphDependency = DependencyGraph['dependencies'][number]

/** Options of {@link buildDependencyGraph}. */
export interface BuildGraphOptions {
  /** `ProfilerStep#N` to select; default: the whole trace. */
  readonly iteration?: number
  /** Explicit window in seconds from the trace origin (overrides `iteration`). */
  readonly window?: { readonly startS: number; readonly endS: number }
}

/** A simulated dependency graph. */
export interface TraceSimulation {
  readonly graph: DependencyGraph
  readonly compiled: CompiledTaskGraph
  readonly result: TaskGraphSimulation
  /** Simulated iteration: makespan of the graph, seconds. */
  readonly iterationS: number
}

/** HTA-style temporal breakdown of one timeline over its GPU span, seconds. */
export interface Breakdown {
  /** First GPU op start to last GPU op end (HTA `kernel_time`). */
  readonly gpuSpanS: number
  /** Union of computation kernels (communication or copies hidden under them count as compute, as in HTA). */
  readonly computeS: number
  /** Union of communication kernels not overlapped by computation. */
  readonly communicationS: number
  /** Union of memcpy/memset not overlapped by computation or communication. */
  readonly memoryS: number
  /** GPU span minus the union of all GPU ops. */
  readonly idleS: number
  /** Union of GPU op time per phase (phases may overlap across streams). */
  readonly byPhaseS: Readonly<Record<string, number>>
  /** Busy time per executor. */
  readonly byExecutor: readonly { readonly name: string; readonly kind: string; readonly busyS: number }[]
  /** Summed GPU time of the ten heaviest layers. */
  readonly topLayersS: readonly { readonly layer: string; readonly gpuS: number }[]
}

/** Per-kernel-name statistics. */
export interface KernelStat {
  readonly name: string
  readonly taskClass: TaskClass
  readonly count: number
  readonly totalS: number
  readonly meanS: number
  readonly minS: number
  readonly maxS: number
}

/** Summary of a critical path. */
export interface CriticalPathSummary {
  readonly lengthS: number
  readonly taskCount: number
  /** Time on the path per task class, plus `gap` (CPU gaps and GPU launch gaps) and `lag` (launch latency). */
  readonly byClassS: Readonly<Record<string, number>>
  /** The heaviest tasks on the path (at most 20). */
  readonly topTasks: readonly {
    readonly name: string
    readonly executor: string
    readonly durationS: number
  }[]
}

/** The object `dnnperf simulate` prints. Field names are a contract with the CLI. */
export interface TraceAnalysis {
  readonly source: string
  readonly iteration: number | null
  readonly taskCount: number
  readonly measuredIterationS: number
  readonly simulatedIterationS: number
  /** `(simulated - measured) / measured` of the unmodified replay. */
  readonly replayErrorFraction: number
  /**
   * Per-task agreement of the replay: quantiles of |simulated start − measured start| over traced tasks, seconds
   * (reference 6.1: a large value names a missing or spurious dependency even when the makespan agrees).
   */
  readonly replayStartErrorS: { readonly p50: number; readonly p99: number; readonly max: number }
  readonly whatIf: {
    readonly name: string
    readonly predictedIterationS: number
    readonly speedup: number
  } | null
  readonly breakdownS: Breakdown
  readonly whatIfBreakdownS: Breakdown | null
  readonly criticalPath: CriticalPathSummary
  readonly kernelStats: readonly KernelStat[]
  readonly warnings: readonly TraceWarning[]
}

/** Where an execution-trace node runs. */
export type ExecutionNodeKind = 'cpu' | 'gpu' | 'comm' | 'memory' | 'metadata'

/** One node of an execution trace (PyTorch host ET or Chakra ET), normalised across formats. */
export interface ExecutionTraceNode {
  readonly id: number
  readonly name: string
  readonly kind: ExecutionNodeKind
  /** Host ET: the calling node in the call tree (`parent`, or `ctrl_deps` in 1.0.2 nested form). */
  readonly parent?: number
  /** Converted Chakra ET: explicit control and data dependencies (node ids). */
  readonly ctrlDeps: readonly number[]
  readonly dataDeps: readonly number[]
  /**
   * Seconds. Converted Chakra ET: `duration_micros` / `runtime`; linked host ET (Chakra's trace linker):
   * `inclusive_dur` (else `dur`, `exclusive_dur`). Plain host ETs carry no times.
   */
  readonly durationS?: number
  /** Seconds on the recording clock: Chakra `start_time_micros`, linked host ET `ts`. */
  readonly startS?: number
  /** Record-function id (host ET `rf_id`): joins Kineto `cpu_op` and `user_annotation` events. */
  readonly rfId?: number
  /** CPU thread, or for GPU nodes of a converted Chakra ET the stream Kineto recorded as their tid. */
  readonly tid?: number
  /** GPU children of a linked host ET: the CUDA stream. */
  readonly stream?: number
  /** Host ET: tensor ids read and written (first element of each tensor tuple), for data dependencies. */
  readonly inputTensors: readonly number[]
  readonly outputTensors: readonly number[]
}

/** An execution trace after reading. */
export interface ExecutionTrace {
  readonly source: string
  /** `host-et` (PyTorch ExecutionTraceObserver JSON, flat 1.0.1 or nested 1.0.2+), `chakra-json` (jsonized
   * `workload_graph`) or `chakra-protobuf` (`.et`). */
  readonly format: 'host-et' | 'chakra-json' | 'chakra-protobuf'
  readonly schema: string | undefined
  readonly nodes: readonly ExecutionTraceNode[]
  readonly warnings: TraceWarning[]
  /** The floor of the earliest recorded node time in µs on the recording clock; node `startS` count from it. */
  readonly originUs?: number
}

/** Options of {@link buildExecutionGraph}. */
export interface ExecutionGraphOptions {
  /** Kineto trace of the same run: host-ET operators take their durations from the matching `cpu_op`. */
  readonly kineto?: LoadedTrace
  /** Converted ETs: keep every control dependency and fail on a cycle they close [false: drop those]. */
  readonly strictControlDependencies?: boolean
}
