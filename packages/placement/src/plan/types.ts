/**
 * Shapes of 3D-parallel training plans, clusters and plan evaluations. Plain JSON data, no logic. Units are SI:
 * seconds, bytes, bytes/s, FLOP/s. Notation follows Narayanan et al. SC21: t tensor-, p pipeline-, d data-parallel
 * degree, b microbatch size, m microbatches per pipeline per iteration, v model chunks per device.
 */

import type { AcceleratorSpec, OptimizerRegime } from '@dnnperf/cost-model'
import type { TaskGraphSpec } from '@dnnperf/ir'

/** A decoder-only transformer described by its configuration numbers (GPT/Llama style). */
export interface TransformerShape {
  /** Human-readable name, echoed in results. */
  readonly name?: string
  /** L: transformer layers. */
  readonly layers: number
  /** h: hidden size. */
  readonly hidden: number
  /** a: attention heads. */
  readonly heads: number
  /** s: sequence length in tokens. */
  readonly seq: number
  /** V: vocabulary size. */
  readonly vocab: number
  /** MLP inner size; default 4·h. */
  readonly ffnHidden?: number
  /** Key/value heads (grouped-query attention); default `heads`. */
  readonly kvHeads?: number
  /** Gated MLP (SwiGLU: three h×ffn matrices instead of two); default false. */
  readonly gatedMlp?: boolean
  /** Output projection shares the input embedding; default true (GPT, Megatron). */
  readonly tiedEmbeddings?: boolean
}

/** Pipeline schedules: GPipe (all forward, then all backward), 1F1B with flush, interleaved 1F1B, PipeDream-2BW. */
export type PipelineScheduleKind = 'gpipe' | '1f1b' | 'interleaved' | '2bw'

/** What the backward pass recomputes: nothing, the attention core (Korthikanti et al. selective), or each layer. */
export type RecomputeMode = 'none' | 'selective' | 'full'

/** ZeRO stage: 0 none, 1 optimizer state sharded (Megatron distributed optimizer), 2 + gradients, 3 + weights. */
export type ZeroStage = 0 | 1 | 2 | 3

/**
 * A plan as a user writes it: any field may be left out and is then derived or defaulted by `resolvePlan`.
 * Give either `dataParallel` or `gpus` (or both, consistently), and either `microbatches` or `globalBatch`.
 */
export interface PlanInput {
  /** Total devices n = t·p·d. */
  readonly gpus?: number
  /** t, default 1. */
  readonly tensorParallel?: number
  /** p, default 1. */
  readonly pipelineParallel?: number
  /** d, default gpus / (t·p). */
  readonly dataParallel?: number
  /** Megatron sequence parallelism over the t ranks, default false. */
  readonly sequenceParallel?: boolean
  /** Expert-parallel degree; only 1 is accepted (MoE is not modelled yet). Default 1. */
  readonly expertParallel?: number
  /** Default 0 (plain data parallelism). */
  readonly zeroStage?: ZeroStage
  /** b: sequences per microbatch, default 1. */
  readonly microbatchSize?: number
  /** m: microbatches per pipeline per iteration. */
  readonly microbatches?: number
  /** B = d·b·m sequences per iteration. */
  readonly globalBatch?: number
  /** Default `1f1b`. */
  readonly schedule?: PipelineScheduleKind
  /** v: model chunks per device; must be ≥ 2 for `interleaved` and 1 otherwise. Default 1 (2 for interleaved). */
  readonly chunksPerDevice?: number
  /** Default `none`. */
  readonly recompute?: RecomputeMode
  /** Layers of each pipeline stage, first to last (length p, sum L). Default: balanced. */
  readonly stageLayers?: readonly number[]
}

/** A fully specified, validated plan: what `resolvePlan` returns and what an evaluation echoes. */
export interface ParallelPlan {
  readonly gpus: number
  readonly tensorParallel: number
  readonly pipelineParallel: number
  readonly dataParallel: number
  readonly sequenceParallel: boolean
  readonly expertParallel: number
  readonly zeroStage: ZeroStage
  readonly microbatchSize: number
  readonly microbatches: number
  readonly globalBatch: number
  readonly schedule: PipelineScheduleKind
  readonly chunksPerDevice: number
  readonly recompute: RecomputeMode
  /** Layers per pipeline stage, first to last. */
  readonly stageLayers: readonly number[]
  /** True when `stageLayers` came from the balanced default rather than the user. */
  readonly balancedStages: boolean
}

/**
 * A cluster as JSON: a device preset (a `@dnnperf/cost-model` accelerator name such as `a100-80gb`, or an inline
 * accelerator description), how many devices share a node, and per-device, per-direction link bandwidths.
 */
export interface PlanClusterInput {
  readonly name?: string
  readonly source?: string
  readonly device: string | AcceleratorSpec
  readonly devicesPerNode: number
  /** Per-device, per-direction scale-up bandwidth inside a node (NVLink), bytes/s. */
  readonly intraNodeBandwidthBytesPerS: number
  /** Per-device, per-direction share of the scale-out network (one NIC per device), bytes/s. */
  readonly interNodeBandwidthBytesPerS: number
  /** Per-message latency inside a node, s; default 10 µs (Calculon's NVLink tier). */
  readonly intraNodeLatencyS?: number
  /** Per-message latency across nodes, s; default 20 µs (Calculon's InfiniBand tier). */
  readonly interNodeLatencyS?: number
  /** Nodes available; default unbounded (the preset describes a node type). */
  readonly nodes?: number
}

/** A validated cluster with its device resolved. */
export interface PlanCluster {
  readonly name: string
  readonly source?: string
  readonly device: AcceleratorSpec
  readonly devicesPerNode: number
  readonly intraNodeBandwidthBytesPerS: number
  readonly interNodeBandwidthBytesPerS: number
  readonly intraNodeLatencyS: number
  readonly interNodeLatencyS: number
  /** Nodes available, or null when unbounded. */
  readonly nodes: number | null
}

/** Achieved fractions of peak used by the evaluator, each in (0, 1], and the GEMM size scale. */
export interface PlanEfficiency {
  /** Matrix engine, on top of the cost model's tile and wave quantisation. */
  readonly matrix: number
  /**
   * GEMM size, FLOP, at which a GEMM reaches half of `matrix`: the efficiency of a GEMM of F FLOPs is
   * matrix·F/(F + matrixHalfFlops). 0 disables the size dependence.
   */
  readonly matrixHalfFlops: number
  /** Off-chip memory bandwidth for element-wise work and the optimizer step. */
  readonly memory: number
  /** Scale-up links (NVLink). Calculon: 0.65. */
  readonly intraNode: number
  /** Scale-out links (InfiniBand). Calculon: 0.9. */
  readonly interNode: number
}

/** Options of `evaluatePlan`. */
export interface EvaluatePlanOptions {
  /** Compute dtype (a key of the device's `peakFlopPerS`), default `bf16`. */
  readonly dtype?: string
  /** Bytes per parameter of weights, gradients and optimizer state; default `megatron-adam` (2/4/12). */
  readonly regime?: OptimizerRegime
  /** Default {@link DEFAULT_PLAN_EFFICIENCY}, fitted on SC21 Table 1 (see docs/validation.md). */
  readonly efficiency?: Partial<PlanEfficiency>
  /** FlashAttention-style kernels (no a·s² activations; derived, unverified). Default false. */
  readonly flashAttention?: boolean
  /**
   * Bytes per parameter of the data-parallel gradient reduction. Default: the compute dtype's size (Megatron-core
   * reduces in bf16 unless `--grad-reduce-in-fp32`; give 4 for fp32 reduction).
   */
  readonly gradientReduceBytesPerParam?: number
  /** Hide the data-parallel gradient reduction behind the last microbatch's backward. Default false. */
  readonly overlapGradReduce?: boolean
  /**
   * Hide each backward tensor-parallel all-reduce behind the weight-gradient GEMM that runs beside it (Megatron's
   * default since 2021; Korthikanti et al. §6.2). Default true.
   */
  readonly overlapTensorParallelBackward?: boolean
  /** Megatron scatter/gather of pipeline messages over the t ranks (SC21 §4.1). Default true. */
  readonly scatterGather?: boolean
  /** Bytes each device keeps for framework, cuBLAS and NCCL buffers. Default 0. */
  readonly reservedBytesPerDevice?: number
}

/** Where an iteration's time goes, s. The six parts sum to `iterationTimeS`. */
export interface IterationBreakdown {
  /** Steady-state compute of the critical device (m microbatches, recomputation included). */
  readonly compute: number
  /** Exposed tensor-parallel all-reduces (or all-gathers and reduce-scatters with SP) of the critical device. */
  readonly tensorParallelComm: number
  /** Exposed pipeline point-to-point sends of the critical device. */
  readonly pipelineComm: number
  /** Pipeline fill and drain. Zero for 2BW, which never flushes (steady state). */
  readonly bubble: number
  /** Exposed data-parallel gradient reduction and ZeRO gathers. */
  readonly dataParallelComm: number
  /** Optimizer step on the local (possibly sharded) state. */
  readonly optimizer: number
}

/** Peak bytes per device, taken on the most loaded pipeline stage. */
export interface DeviceMemoryBreakdown {
  readonly weights: number
  readonly gradients: number
  readonly optimizerState: number
  readonly activations: number
  /** Transient buffers (the layer being recomputed, fp32 logits on the last stage) plus the reserved bytes. */
  readonly workspace: number
  readonly total: number
}

/** Result of evaluating one plan. Plain JSON. */
export interface PlanEvaluation {
  readonly iterationTimeS: number
  readonly breakdownS: IterationBreakdown
  readonly throughputSamplesPerS: number
  readonly throughputTokensPerS: number
  /** Model FLOPs (no recomputation) per second over n · peak. */
  readonly mfu: number
  /** Hardware FLOPs (recomputation included) per second over n · peak. */
  readonly hfu: number
  /** Model FLOP/s achieved per device. */
  readonly modelFlopPerSPerDevice: number
  readonly memoryPerDeviceBytes: DeviceMemoryBreakdown
  readonly deviceMemoryBytes: number
  readonly fits: boolean
  /** Pipeline stage with the largest memory footprint (0-based). */
  readonly peakMemoryStage: number
  /** Bubble time over the whole pipeline time (fill and drain share of the total, not SC21's bubble/ideal). */
  readonly bubbleFraction: number
  /** Weight versions each stage keeps: 2 for PipeDream-2BW, otherwise 1. */
  readonly weightVersions: number
  /** Microbatches in flight on the peak-memory stage (in units of whole stages). */
  readonly inFlightMicrobatches: number
  readonly parameters: number
  readonly modelFlopsPerIteration: number
  readonly hardwareFlopsPerIteration: number
  readonly plan: ParallelPlan
  readonly model: string
  readonly cluster: string
  /** Closed-form, heuristic model (Narayanan et al. SC21; Korthikanti et al. 2022). */
  readonly method: 'closed-form'
}

/**
 * Per-stage timings of a pipeline, the input of `lowerPipeline`. Arrays are indexed [device][chunk] (chunk 0 is the
 * device's first model chunk; v = 1 except for interleaving). Every time is per microbatch, s.
 */
export interface PipelineTimings {
  readonly schedule: PipelineScheduleKind
  /** m: microbatches per iteration. */
  readonly microbatches: number
  /** Forward compute of each (device, chunk). p = outer length, v = inner length (equal for every device). */
  readonly forwardS: readonly (readonly number[])[]
  /** Backward compute (recomputation included) of each (device, chunk). */
  readonly backwardS: readonly (readonly number[])[]
  /** Exposed tensor-parallel collectives of each forward (serial after it, on the critical path); default 0. */
  readonly tensorParallelForwardS?: readonly (readonly number[])[]
  /** Exposed tensor-parallel collectives of each backward; default 0. */
  readonly tensorParallelBackwardS?: readonly (readonly number[])[]
  /** One point-to-point message between adjacent stages (activation or gradient); default 0. */
  readonly p2pS?: number
  /** Data-parallel gradient reduction per device; default 0. */
  readonly dataParallelS?: readonly number[]
  /** Data-parallel time that cannot overlap the last backward (ZeRO-3 gathers) per device; default 0. */
  readonly dataParallelExposedS?: readonly number[]
  /** Start the reduction with the last backward instead of after it; default false. */
  readonly overlapGradReduce?: boolean
  /** Optimizer step per device; default 0. */
  readonly optimizerS?: readonly number[]
  /** All-reduce of the tied embedding between the first and last device after their reductions; default 0. */
  readonly tiedEmbeddingS?: number
  /**
   * Iterations lowered back to back without a flush for 2BW (the steady-state iteration time is measured between
   * the last two); default 4. Ignored by the flushing schedules, which lower one iteration.
   */
  readonly iterations?: number
}

/** Options of `lowerPlan` and `simulatePlan`: the evaluation options plus the lowering's own. */
export interface LowerPlanOptions extends EvaluatePlanOptions {
  /** Iterations lowered back to back for 2BW (see {@link PipelineTimings.iterations}); default 4. */
  readonly iterations?: number
}

/** What a task of a lowered plan stands for. */
export type PlanTaskRole =
  | 'forward'
  | 'backward'
  | 'tp-forward'
  | 'tp-backward'
  | 'p2p'
  | 'dp'
  | 'tied'
  | 'optimizer'

/** A lowered pipeline: the task graph and, per task, what it stands for. Plain JSON. */
export interface LoweredPipeline {
  readonly graph: TaskGraphSpec
  /** Per task (same index as `graph.tasks`). */
  readonly tasks: readonly {
    readonly role: PlanTaskRole
    readonly device: number
    readonly chunk: number
    readonly microbatch: number
    readonly iteration: number
  }[]
  /** Devices p, chunks v, microbatches m, iterations lowered. */
  readonly devices: number
  readonly chunks: number
  readonly microbatches: number
  readonly iterations: number
  readonly schedule: PipelineScheduleKind
}

/** One bar of a simulated timeline. */
export interface PlanTimelineItem {
  readonly executor: string
  readonly name: string
  readonly role: PlanTaskRole
  readonly device: number
  readonly chunk: number
  readonly microbatch: number
  readonly iteration: number
  readonly startS: number
  readonly endS: number
}

/** Result of simulating a lowered plan. Plain JSON. */
export interface PlanSimulation {
  /**
   * Iteration time, s: the makespan for flushing schedules; for 2BW the steady-state period, measured between the
   * optimizer steps of the last two lowered iterations on the device that finishes last.
   */
  readonly iterationTimeS: number
  /** Latest task end of the whole lowered graph, s. */
  readonly makespanS: number
  /** Busy time per device compute stream over the lowered graph, s. */
  readonly deviceBusyS: readonly number[]
  /** Critical-path tasks as timeline items, first to last. */
  readonly criticalPath: readonly PlanTimelineItem[]
  readonly timeline: readonly PlanTimelineItem[]
  readonly taskCount: number
  /** The closed-form evaluation of the same plan (absent when simulating bare timings). */
  readonly closedFormIterationTimeS?: number
  readonly method: 'task-graph-simulation'
}

/** Options of `planDownsetDp`. */
export interface DownsetDpOptions {
  /** Fail above this many downsets (Piper: 40,000). */
  readonly maxDownsets?: number
  /** Tensor-parallel widths tried; default every width some node has configurations for. */
  readonly tensorWidths?: readonly number[]
}

/** One pipeline stage of a downset-DP plan, first stage first. */
export interface DownsetDpStage {
  /** Node ids of the stage, in the problem's node order. */
  readonly nodes: readonly string[]
  readonly dataParallel: number
  readonly tensorParallel: number
  /** Chosen configuration id per node (same order as `nodes`); `#i` when a configuration has no id. */
  readonly configIds: readonly string[]
  /** Stage time per sample, s (Piper's TPS; per microbatch for PHAZE inputs and `costPhazeLayerGraph`). */
  readonly timePerSampleS: number
  /** Memory per device of the stage at its in-flight count, bytes. */
  readonly memoryBytes: number
  /** Microbatches in flight on the stage: ⌈(Σ d of this and later stages)/d⌉. */
  readonly inFlightMicrobatches: number
}

/** Result of `planDownsetDp`. Plain JSON. */
export interface DownsetDpResult {
  /** `optimal`: the DP's optimum under its stage-cost model; `infeasible`: no plan fits memory. */
  readonly status: 'optimal' | 'infeasible'
  /**
   * Bottleneck time per sample max_i TPS(S_i), s (null when infeasible). The "sample" is the problem's unit: one
   * microbatch for PHAZE inputs and `costPhazeLayerGraph` problems.
   */
  readonly objectiveS: number | null
  /**
   * Lower bound on the objective, s: equal to it (the DP is exhaustive over contiguous splits, widths and degrees);
   * the per-stage configuration choice among several per width is Piper's knapsack heuristic.
   */
  readonly boundS: number | null
  readonly stages: readonly DownsetDpStage[]
  /**
   * The optimum with at most k devices, for k = 1 … K (null where nothing fits): what fewer devices would cost, and
   * the smallest budget reaching the best. Non-increasing in k; its last entry is `objectiveS`.
   */
  readonly optimumByDeviceBudget: readonly { readonly devices: number; readonly objectiveS: number | null }[]
  /** Σ t·d over stages. */
  readonly devicesUsed: number
  /** Σ d over stages. */
  readonly dataParallelSum: number
  readonly downsets: number
  /** (downset, sub-downset) pairs examined. */
  readonly pairs: number
  readonly timeS: number
  readonly method: 'piper-downset-dp'
}

/** Options of `layerGraphProblem`. */
export interface LayerGraphProblemOptions {
  /** Devices K. */
  readonly gpus: number
  /** Sequences per iteration; the problem's microbatches N = globalBatch / microbatchSize. */
  readonly globalBatch: number
  /** b, default 1. */
  readonly microbatchSize?: number
  /** Widths t offered to the DP; default every divisor of the devices per node (≤ K) dividing heads, kv heads and MLP width. */
  readonly tensorWidths?: readonly number[]
  /** Configurations per width; default none (`vanilla`) and full (`activation recomp`), as Piper's BERT file. */
  readonly recompute?: readonly RecomputeMode[]
  /** Stage-boundary bandwidth B, bytes/s; default the scale-out share when K exceeds a node, else scale-up. */
  readonly bandwidthBytesPerS?: number
  /** Passed to the per-layer model (dtype, regime, efficiency, flash attention). */
  readonly evaluate?: EvaluatePlanOptions
}

/**
 * Memory of a costed PHAZE layer graph. `dnnperf`: model states from the evaluator's optimizer regime (default
 * Megatron mixed-precision Adam, 16 B per parameter) and the DOT activation sizes scaled per width and
 * recomputation mode by Korthikanti's ratios, as Piper configurations. `phaze`: PHAZE's own rule (phaze reference
 * §6.4: 2P + [Adam]·P + activations), written as PHAZE per-width records only, so the problem survives
 * `exportPhaze`/`importPhaze` unchanged.
 */
export type PhazeMemoryModel = 'dnnperf' | 'phaze'

/**
 * Where the final norm, output layer and loss go. PHAZE's layer labelling puts them in the last traced layer, and
 * PHAZE v1.0 then copies that layer to every replica (phaze reference §10 item 20). `own-node` (default): split
 * them off the last traced layer into a node after the last layer; `phaze-v1`: keep PHAZE's labelling, copies
 * included.
 */
export type PhazeHeadPlacement = 'own-node' | 'phaze-v1'

/** Options of `costPhazeLayerGraph`. */
export interface PhazeLayerGraphOptions {
  /** Devices K. */
  readonly gpus: number
  /** Sequences per iteration; the problem's microbatches N = globalBatch / microbatchSize. */
  readonly globalBatch: number
  /**
   * b, sequences per microbatch; default read from the embedding → layer 0 edge (b·s·h elements). A value that
   * disagrees with that edge is rejected.
   */
  readonly microbatchSize?: number
  /** Widths t; default every divisor of the devices per node (≤ K) dividing heads, kv heads and MLP width. */
  readonly tensorWidths?: readonly number[]
  /**
   * Recomputation modes; default none and full. `dnnperf` memory: one configuration per mode. `phaze` memory:
   * `full` sets PHAZE's `activationRecomputation` (`selective` has no PHAZE counterpart and is rejected).
   */
  readonly recompute?: readonly RecomputeMode[]
  /** Stage-boundary bandwidth B, bytes/s; default the scale-out share when K exceeds a node, else scale-up. */
  readonly bandwidthBytesPerS?: number
  /** Passed to the per-layer model (dtype, regime, efficiency, flash attention). */
  readonly evaluate?: EvaluatePlanOptions
  /** Default `dnnperf`. */
  readonly memoryModel?: PhazeMemoryModel
  /** Default `own-node`. */
  readonly headPlacement?: PhazeHeadPlacement
}

/** One stage of PHAZE's solver output (phaze reference §6.8), with dnnperf's per-stage degrees added. */
export interface PhazeResultStage {
  /** Node ids (PHAZE integer ids), in the problem's node order. */
  readonly nodes: readonly number[]
  /** PHAZE's `a`: devices of one data-parallel replica of the stage, the stage's tensor-parallel width t. */
  readonly devicesForStage: number
  /** dnnperf extension (PHAZE has one d for all stages): this stage's data-parallel degree d. */
  readonly dataParallelDegree: number
  /** dnnperf extension (PHAZE has one t for all stages): this stage's tensor-parallel width t. */
  readonly tensorParallelDegree: number
}

/** PHAZE's device-placement solver output (phaze reference §6.8), as `exportDownsetDpResult` writes it. */
export interface PhazeResultJson {
  /** First stage first; empty when infeasible. */
  readonly stages: readonly PhazeResultStage[]
  /** d when every stage has the same; otherwise the largest (each stage has its own). 0 when infeasible. */
  readonly dataParallelDegree: number
  /** t when every stage has the same; otherwise the largest. 0 when infeasible. */
  readonly tensorParallelDegree: number
  /** Time per batch, s; 1e30 when infeasible (PHAZE's sentinel). */
  readonly finalTimePerBatch: number
  /** The fixed (p, t, d) baseline's time per batch, s, when the caller supplied it. */
  readonly fixedStrategyTimePerBatch?: number
}

/** Options of `exportDownsetDpResult`. */
export interface PhazeResultOptions {
  /** Written as `fixedStrategyTimePerBatch` (PHAZE scores a fixed baseline; the DP does not). */
  readonly fixedStrategyTimePerBatchS?: number
}
