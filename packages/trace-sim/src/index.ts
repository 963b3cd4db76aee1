/** @dnnperf/trace-sim: Daydream-style what-if simulation from profiler traces. What is not exported is private. */

// one call: load, replay, what-if, breakdown, critical path
export { analyzeTrace, defaultIteration, summarizeCriticalPath } from './analyze.js'
export type { AnalyzeTraceOptions, TraceAnalysisWithTimeline } from './analyze.js'
export type { TraceAnalysis, Breakdown, KernelStat, CriticalPathSummary } from './types.js'

// ingestion
export { loadTrace } from './load-trace.js'
export { loadTraceFile, loadTraceStream } from './load-trace-file.js'
export type { LoadTraceFileOptions } from './load-trace-file.js'
export type {
  LoadedTrace,
  LoadTraceOptions,
  TraceEvent,
  TraceActivity,
  TraceWarning,
  ProfilerStep,
} from './types.js'

// execution traces (PyTorch host ET, Chakra ET) into the same dependency graph
export { loadExecutionTrace } from './load-execution-trace.js'
export type { LoadExecutionTraceOptions } from './load-execution-trace.js'
export { buildExecutionGraph, linkExecutionTrace } from './build-execution-graph.js'
export { analyzeExecutionTrace } from './analyze-execution.js'
export type { AnalyzeExecutionTraceOptions } from './analyze-execution.js'
export { detectTraceFormat } from './detect-format.js'
export type { TraceFileFormat } from './detect-format.js'
export type {
  ExecutionTrace,
  ExecutionTraceNode,
  ExecutionNodeKind,
  ExecutionGraphOptions,
} from './types.js'

// dependency graph and replay
export { buildDependencyGraph } from './build-graph.js'
export { simulateTrace, toTaskGraphSpec } from './simulate-trace.js'
export type {
  DependencyGraph,
  BuildGraphOptions,
  TaskInfo,
  TaskRole,
  TaskClass,
  Phase,
  TraceSimulation,
  GraphTask,
  GraphDependency,
} from './types.js'

// transformation primitives (Daydream §4.4) and what-if recipes (§5)
export {
  selectTasks,
  scaleTasks,
  removeGraphTasks,
  insertTask,
  addExecutor,
  rescheduleTask,
  cloneGraph,
  unrollIterations,
} from './primitives.js'
export type { InsertedTask } from './primitives.js'
export { whatIf, WHAT_IF_RECIPES } from './what-if.js'
export type { WhatIfOptions } from './what-if.js'
export { deviceScaling, presetOfDeviceName } from './what-if-device.js'
export type { DeviceScaling } from './what-if-device.js'
export { allReduceTimeS } from './all-reduce.js'
export type { AllReduceLink } from './all-reduce.js'

// analyses and export
export { breakdown, kernelStats, measuredTimeline } from './breakdown.js'
export type { Timeline } from './breakdown.js'
export { exportTimeline } from './timeline.js'
export type { TimelineRun, ChromeTrace } from './timeline.js'

// errors
export { TraceMalformedError, WhatIfUnsupportedError } from './errors.js'
