/** @dnnperf/placement: where each layer runs. What is not exported here is private. */

// Tarnawski et al. 2020: max-load placement over ideals, and the method dispatcher behind `dnnperf place`
export { placeMaxLoadDp } from './max-load-dp.js'
export { place } from './place.js'
export type { PlaceOptions } from './place.js'
export type {
  MaxLoadOptions,
  MaxLoadResult,
  PlacedDevice,
  DeviceKind,
  PlacementStatus,
  PlacementMethod,
} from './types.js'

// Tarnawski et al. 2020 integer programs (throughput contiguous / non-contiguous, latency) on @dnnperf/milp,
// and the async dispatcher covering every method
export { placeIp, placeIpNonContiguous } from './ip/throughput-ip.js'
export { placeLatencyIp } from './ip/latency-ip.js'
export { placeAsync } from './place.js'
export type { PlaceAsyncOptions } from './place.js'
export type { IpOptions, LatencyIpOptions } from './ip/types.js'
export { IpSolverError } from './ip/errors.js'

// PipeDream (SOSP 2019) planner: hierarchical DP with replication on a layer chain
export { planPipeDream } from './pipedream/pipedream-dp.js'
export { placePipeDream, pipeDreamLayers } from './pipedream/place-pipedream.js'
export type {
  PipeDreamLayer,
  PipeDreamLevel,
  PipeDreamOptions,
  PipeDreamStage,
  PipeDreamPlan,
} from './pipedream/types.js'

// baselines
export { placeSingleDevice, placeGreedy } from './baselines.js'

// evaluating a given split; the dnn-partitioning split format (dp.exe output, human-expert files)
export { evaluateSplit } from './evaluate-split.js'
export { importDnnPartitioningSplit } from './split-format.js'
export type { SplitSpec, SplitEvaluation, DeviceEvaluation, BottleneckReason } from './types.js'

// errors
export { BackwardToForwardEdgeError, InvalidSplitError, MethodUnavailableError } from './errors.js'

// 3D-parallel training plans (data × tensor × pipeline): validation, closed-form evaluation, schedules, search
export { resolvePlan, planFromJson, parseSchedule, formatSchedule, balancedStageLayers } from './plan/plan.js'
export { evaluatePlan, DEFAULT_PLAN_EFFICIENCY } from './plan/evaluate.js'
export { bubbleFraction, pipelineTimeS, inFlightMicrobatches, weightVersions } from './plan/schedule.js'
export { listPlanClusters, resolvePlanCluster } from './plan/clusters.js'
export { resolveTransformerShape, transformerShapeFromMetadata } from './plan/shape.js'
export type { ResolvedTransformerShape } from './plan/shape.js'
export { searchPlans } from './plan/search.js'
export type { PlanSearchOptions, PlanSearchResult } from './plan/search.js'
export { explainRunnersUp } from './plan/explain.js'
export type { RunnerUpComparison } from './plan/explain.js'
export { planPipeDream2bw } from './plan/pipedream-2bw.js'
export type { PipeDream2bwOptions } from './plan/pipedream-2bw.js'
// Piper / PHAZE downset DP over stage boundaries with per-stage data and tensor parallelism
export { planDownsetDp } from './plan/downset-dp.js'
export { layerGraphProblem } from './plan/layer-graph.js'
export type {
  DownsetDpOptions,
  DownsetDpResult,
  DownsetDpStage,
  LayerGraphProblemOptions,
} from './plan/types.js'
// PHAZE: its Llama-2 layer graphs (DOT) costed with our per-layer model, and the DP plan as PHAZE's solver output
export { costPhazeLayerGraph } from './plan/phaze-layer-graph.js'
export { exportDownsetDpResult } from './plan/phaze-result.js'
export type {
  PhazeLayerGraphOptions,
  PhazeMemoryModel,
  PhazeHeadPlacement,
  PhazeResultJson,
  PhazeResultStage,
  PhazeResultOptions,
} from './plan/types.js'
// lowering a plan to an execution task graph and simulating it (the IR's discrete-event engine)
export { lowerPlan, simulatePlan, lowerPipeline, simulateLoweredPipeline } from './plan/lower.js'
export type {
  PipelineTimings,
  LowerPlanOptions,
  LoweredPipeline,
  PlanTaskRole,
  PlanTimelineItem,
  PlanSimulation,
} from './plan/types.js'
export type {
  TransformerShape,
  PipelineScheduleKind,
  RecomputeMode,
  ZeroStage,
  PlanInput,
  ParallelPlan,
  PlanClusterInput,
  PlanCluster,
  PlanEfficiency,
  EvaluatePlanOptions,
  IterationBreakdown,
  DeviceMemoryBreakdown,
  PlanEvaluation,
} from './plan/types.js'
export { InvalidPlanError } from './plan/errors.js'
