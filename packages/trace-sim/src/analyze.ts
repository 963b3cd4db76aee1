import { criticalPath } from '@dnnperf/ir'
import { breakdown, kernelStats, measuredTimeline } from './breakdown.js'
import { buildDependencyGraph } from './build-graph.js'
import { loadTrace } from './load-trace.js'
import { simulateTrace } from './simulate-trace.js'
import { exportTimeline } from './timeline.js'
import type { ChromeTrace } from './timeline.js'
import type {
  CriticalPathSummary,
  DependencyGraph,
  LoadedTrace,
  TraceAnalysis,
  TraceSimulation,
  TraceWarning,
} from './types.js'
import type { WhatIfOptions } from './what-if.js'
import { whatIf as applyWhatIf } from './what-if.js'
import { presetOfDeviceName } from './what-if-device.js'

/** Options of {@link analyzeTrace}. */
export interface AnalyzeTraceOptions {
  /** `ProfilerStep#N` to analyse. Default: the last complete step (the one before the last) when there are two
   * or more, the only step when there is one, else the whole trace. */
  readonly iteration?: number
  /** What-if recipe (see `whatIf`), e.g. `amp`, `fused-adam`, `ddp:8`. */
  readonly whatIf?: string
  readonly whatIfOptions?: WhatIfOptions
  /** Also return the Chrome/Perfetto timeline (measured, replayed, and what-if side by side). */
  readonly timeline?: boolean
}

/** {@link TraceAnalysis} plus the optional timeline. */
export interface TraceAnalysisWithTimeline extends TraceAnalysis {
  readonly timeline?: ChromeTrace
}

/** Summary of the simulated critical path: time per task class and the heaviest tasks on it. O(path). */
export function summarizeCriticalPath(sim: TraceSimulation): CriticalPathSummary {
  const cp = criticalPath(sim.compiled, sim.result)
  const byClassS: Record<string, number> = {}
  const add = (k: string, v: number): void => {
    byClassS[k] = (byClassS[k] ?? 0) + v
  }
  let prevEnd = 0
  const top: { name: string; executor: string; durationS: number }[] = []
  for (const step of cp.steps) {
    const t = sim.graph.tasks[step.task]!
    const link = step.startS - prevEnd
    if (link !== 0)
      add(step.via === 'executor' ? 'gap' : step.via === 'dependency' ? 'launchLatency' : step.via, link)
    add(t.info.taskClass, step.endS - step.startS)
    prevEnd = step.endS
    top.push({
      name: t.info.name,
      executor: sim.graph.executors[t.executor]!.name,
      durationS: step.endS - step.startS,
    })
  }
  top.sort((a, b) => b.durationS - a.durationS)
  return { lengthS: cp.lengthS, taskCount: cp.steps.length, byClassS, topTasks: top.slice(0, 20) }
}

/** The default iteration of {@link analyzeTrace} for a loaded trace (undefined = whole trace). */
export function defaultIteration(trace: LoadedTrace): number | undefined {
  const numbers = [...new Set(trace.steps.map((s) => s.number))]
  if (numbers.length === 0) return undefined
  return numbers.length === 1 ? numbers[0] : numbers[numbers.length - 2]
}

/**
 * Loads a trace, replays the selected iteration unmodified, optionally applies a what-if recipe, and reports
 * measured vs simulated iteration time, the replay error, the breakdown, the critical path, kernel statistics
 * and every warning. This object is what `dnnperf simulate` prints.
 *
 * Heuristic where the recipes are (Daydream); the replay is exact for the model. O(E log E).
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) for an unusable file; NotFoundError (`NOT_FOUND`) for an unknown
 *   iteration or recipe; InvalidValueError (`INVALID_VALUE`) for bad recipe options.
 */
export function analyzeTrace(
  input: string | Uint8Array | LoadedTrace,
  options: AnalyzeTraceOptions = {},
): TraceAnalysisWithTimeline {
  const trace = isLoaded(input) ? input : loadTrace(input)
  const iteration = options.iteration ?? defaultIteration(trace)
  const graph = buildDependencyGraph(trace, iteration === undefined ? {} : { iteration })
  return analyzeGraph(
    {
      graph,
      source: trace.source,
      iteration: iteration ?? null,
      inputWarnings: trace.warnings,
      fromGpu: presetOfDeviceName(trace.metadata.deviceName),
      recorded: true,
    },
    options,
  )
}

/** What {@link analyzeGraph} needs besides the options. */
export interface GraphAnalysisInput {
  readonly graph: DependencyGraph
  readonly source: string
  readonly iteration: number | null
  /** Warnings of the input files, reported first. */
  readonly inputWarnings: readonly TraceWarning[]
  /** Accelerator preset the input was recorded on (source device of the `gpu` what-if). */
  readonly fromGpu: string | undefined
  /** Whether the graph's tasks carry recorded times; if not, the replay stands in for the measurement. */
  readonly recorded: boolean
  /** Called with the what-if recipe before it is applied (to reject recipes the input cannot support). */
  readonly checkWhatIf?: (recipe: string, graph: DependencyGraph) => void
}

/** Replay, what-if, breakdowns, critical path and warnings of a built graph: the body of the analyse calls. */
export function analyzeGraph(
  input: GraphAnalysisInput,
  options: AnalyzeTraceOptions,
): TraceAnalysisWithTimeline {
  const { graph } = input
  const replay = simulateTrace(graph)
  const simulated = replay.iterationS
  const measured = input.recorded ? graph.measuredIterationS : simulated
  let whatIfResult: TraceAnalysis['whatIf'] = null
  let whatIfBreakdown: TraceAnalysis['whatIfBreakdownS'] = null
  let whatIfSim: TraceSimulation | undefined
  if (options.whatIf !== undefined) {
    input.checkWhatIf?.(options.whatIf, graph)
    const transformed = applyWhatIf(options.whatIf, graph, {
      ...(input.fromGpu !== undefined ? { fromGpu: input.fromGpu } : {}),
      ...options.whatIfOptions,
    })
    whatIfSim = simulateTrace(transformed)
    whatIfResult = {
      name: options.whatIf,
      predictedIterationS: whatIfSim.iterationS,
      speedup: whatIfSim.iterationS > 0 ? simulated / whatIfSim.iterationS : 1,
    }
    whatIfBreakdown = breakdown(transformed, { startS: whatIfSim.result.startS, endS: whatIfSim.result.endS })
  }
  const simTimeline = { startS: replay.result.startS, endS: replay.result.endS }
  const warnings = [...input.inputWarnings, ...(whatIfSim?.graph.warnings ?? graph.warnings)]
  for (const [label, sim] of [
    ['replay', replay],
    ['what-if', whatIfSim],
  ] as const) {
    if (sim !== undefined && sim.result.brokenWaitCount > 0) {
      warnings.push({
        code: 'WAIT_DEADLOCK_BROKEN',
        message: `${label}: synchronisation waits released because the awaited work depended on the waiting call`,
        count: sim.result.brokenWaitCount,
      })
    }
  }
  if (!input.recorded) {
    warnings.push({
      code: 'MEASURED_FROM_REPLAY',
      message:
        'the input records durations but no start times: the measured iteration is the replay of its dependency graph',
      count: 1,
    })
  }
  const recordedTimeline = input.recorded ? measuredTimeline(graph) : simTimeline
  const result: TraceAnalysisWithTimeline = {
    source: input.source,
    iteration: input.iteration,
    taskCount: graph.tasks.length,
    measuredIterationS: measured,
    simulatedIterationS: simulated,
    replayErrorFraction: measured > 0 ? (simulated - measured) / measured : 0,
    replayStartErrorS: startErrors(replay),
    whatIf: whatIfResult,
    breakdownS: breakdown(graph, simTimeline),
    whatIfBreakdownS: whatIfBreakdown,
    criticalPath: summarizeCriticalPath(whatIfSim ?? replay),
    kernelStats: kernelStats(graph, recordedTimeline),
    warnings,
  }
  if (options.timeline !== true) return result
  const runs = [
    ...(input.recorded ? [{ label: 'measured', graph, timeline: recordedTimeline }] : []),
    { label: 'replay', graph, timeline: simTimeline },
  ]
  if (whatIfSim !== undefined) {
    runs.push({
      label: `what-if ${options.whatIf}`,
      graph: whatIfSim.graph,
      timeline: { startS: whatIfSim.result.startS, endS: whatIfSim.result.endS },
    })
  }
  return { ...result, timeline: exportTimeline(runs) }
}

/** Quantiles of |simulated − measured| start over tasks that have a measured start (wait tasks excluded). */
function startErrors(sim: TraceSimulation): TraceAnalysis['replayStartErrorS'] {
  const errors: number[] = []
  sim.graph.tasks.forEach((t, i) => {
    if (t.info.measuredStartS === undefined || t.info.role === 'blocking-wait') return
    errors.push(Math.abs(sim.result.startS[i]! - t.info.measuredStartS))
  })
  if (errors.length === 0) return { p50: 0, p99: 0, max: 0 }
  errors.sort((a, b) => a - b)
  const q = (f: number): number => errors[Math.min(errors.length - 1, Math.floor(f * errors.length))]!
  return { p50: q(0.5), p99: q(0.99), max: errors[errors.length - 1]! }
}

function isLoaded(x: unknown): x is LoadedTrace {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && 'events' in x && 'steps' in x
}
