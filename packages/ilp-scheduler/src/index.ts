/** @dnnperf/ilp-scheduler: PHAZE per-layer operator scheduling. What is not exported here is private. */

// Problem and result types
export type {
  CoreCounts,
  CoreEngine,
  LayerScheduleResult,
  LayerSchedulingProblem,
  MakespanLowerBounds,
  MilpSolverName,
  ScheduleAlgorithm,
  ScheduleCheck,
  ScheduledOp,
  ScheduleLayerOptions,
  ScheduleStatus,
  ScheduleViolation,
  SchedulingOp,
} from './types.js'

// Exact ILP, heuristic, bounds, oracle
export { scheduleLayer } from './schedule-layer.js'
export { listScheduleLayer } from './list-schedule.js'
export { layerLowerBounds } from './lower-bounds.js'
export { scheduleLayers, problemSignature } from './schedule-layers.js'
export type { LayerBatchResult } from './schedule-layers.js'
export { exhaustiveSchedule } from './exhaustive.js'
export type { ExhaustiveOptions } from './exhaustive.js'

// From the IR and the cost model
export { layerSchedulingProblem, listLayers } from './from-graph.js'
export type { LayerProblemOptions, OpLatencyFn } from './from-graph.js'
export { acceleratorCores, acceleratorOpLatency, singleCoreAccelerator } from './accelerator-latency.js'
export type { AcceleratorLatencyOptions } from './accelerator-latency.js'

// Rendering
export { renderGantt, formatSeconds } from './gantt.js'
export type { GanttOptions } from './gantt.js'

// Checking
export { checkSchedule } from './checker.js'
export type { CheckScheduleOptions } from './checker.js'

// Errors
export { ScheduleInfeasibleError, SchedulerSolverError } from './errors.js'
