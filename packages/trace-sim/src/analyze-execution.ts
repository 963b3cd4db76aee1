import { analyzeGraph } from './analyze.js'
import type { TraceAnalysisWithTimeline } from './analyze.js'
import { buildExecutionGraph } from './build-execution-graph.js'
import { WhatIfUnsupportedError } from './errors.js'
import { loadExecutionTrace } from './load-execution-trace.js'
import type { LoadExecutionTraceOptions } from './load-execution-trace.js'
import { loadTrace } from './load-trace.js'
import type { DependencyGraph, ExecutionTrace, LoadedTrace, TaskInfo } from './types.js'
import type { WhatIfOptions } from './what-if.js'
import { presetOfDeviceName } from './what-if-device.js'

/** Options of {@link analyzeExecutionTrace}. */
export interface AnalyzeExecutionTraceOptions extends LoadExecutionTraceOptions {
  /**
   * Kineto trace of the same run (loaded, or a path read with `loadTrace`): host-ET operators take the times of
   * their linked `cpu_op`s, and its device name is the source of the `gpu` what-if.
   */
  readonly kineto?: LoadedTrace | string
  /** What-if recipe (see `whatIf`); recipes needing information execution traces lack are rejected. */
  readonly whatIf?: string
  /** Parameters of the recipe (gradient bytes, bandwidth, factors, …). */
  readonly whatIfOptions?: WhatIfOptions
  /** Also return the Chrome/Perfetto timeline (recorded when there is one, replayed, and what-if). */
  readonly timeline?: boolean
  /** Converted ETs: keep every control dependency and fail on a cycle they close [false: drop those]. */
  readonly strictControlDependencies?: boolean
}

/**
 * `analyzeTrace` for an execution trace (PyTorch host ET, jsonized or protobuf Chakra ET; see
 * `loadExecutionTrace`): builds its dependency graph (`buildExecutionGraph`), replays it, optionally applies a
 * what-if, and returns the same {@link TraceAnalysis} object (`iteration` is null: an ET is one window).
 *
 * The measured iteration is the recorded span when the tasks carry times (host ET with `kineto`, a linked ET,
 * a Chakra ET with start times); otherwise it is the replay itself (`replayErrorFraction` 0) and the warnings
 * say so (`MEASURED_FROM_REPLAY`). Recipes that need what execution traces do not record are rejected before
 * they run: training phases (`fused-adam`, `no-optimizer`, `p3`, `vdnn`) and GPU kernels (`amp`,
 * `reconstructed-bn`, `gpu`, `scale-class`, `ddp`, `dgc` on a host ET). `ddp`/`dgc`/`p3` also need
 * `whatIfOptions.gradientBytes`.
 *
 * Heuristic where the recipes are; the replay is exact for the model. O(E log E).
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) for an unreadable file; GraphCycleError (`GRAPH_CYCLE`) for a
 *   cyclic ET; WhatIfUnsupportedError (`WHAT_IF_UNSUPPORTED`) for a recipe the ET cannot support; NotFoundError
 *   (`NOT_FOUND`) for an unknown recipe; InvalidValueError (`INVALID_VALUE`) for bad recipe options.
 */
export function analyzeExecutionTrace(
  input: string | Uint8Array | ExecutionTrace,
  options: AnalyzeExecutionTraceOptions = {},
): TraceAnalysisWithTimeline {
  const et = isExecutionTrace(input)
    ? input
    : loadExecutionTrace(input, {
        ...(options.source !== undefined ? { source: options.source } : {}),
        ...(options.member !== undefined ? { member: options.member } : {}),
      })
  const kineto = typeof options.kineto === 'string' ? loadTrace(options.kineto) : options.kineto
  const graph = buildExecutionGraph(et, {
    ...(kineto !== undefined ? { kineto } : {}),
    ...(options.strictControlDependencies !== undefined
      ? { strictControlDependencies: options.strictControlDependencies }
      : {}),
  })
  return analyzeGraph(
    {
      graph,
      source: et.source,
      iteration: null,
      inputWarnings: kineto?.warnings ?? [],
      fromGpu: presetOfDeviceName(kineto?.metadata.deviceName),
      recorded: graph.tasks.some((t) => t.info.measuredStartS !== undefined),
      checkWhatIf: (recipe, g) => checkWhatIf(recipe, g, et, options.whatIfOptions ?? {}),
    },
    options,
  )
}

function isExecutionTrace(x: unknown): x is ExecutionTrace {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof Uint8Array) &&
    'format' in x &&
    'nodes' in x &&
    Array.isArray((x as { nodes: unknown }).nodes)
  )
}

const gpuKernel = (i: TaskInfo): boolean => i.role === 'gpu' && i.taskClass === 'computation'

/** Rejects recipes whose inputs the graph lacks, naming what is missing (each part of `A+B`). */
function checkWhatIf(name: string, graph: DependencyGraph, et: ExecutionTrace, options: WhatIfOptions): void {
  const has = (p: (i: TaskInfo) => boolean): boolean => graph.tasks.some((t) => p(t.info))
  for (const part of name.split('+')) {
    const recipe = part.trim().split(':')[0]
    let needs: string | undefined
    switch (recipe) {
      case 'amp':
      case 'reconstructed-bn':
      case 'gpu':
        if (!has(gpuKernel)) needs = gpuKernelsNeeded(et)
        break
      case 'scale-class': {
        const cls = options.taskClass ?? 'computation'
        if (!has((i) => i.role === 'gpu' && i.taskClass === cls)) needs = `GPU tasks of class ${cls}`
        break
      }
      case 'ddp':
      case 'dgc':
        if (!has(gpuKernel)) needs = `${gpuKernelsNeeded(et)} to attach gradient buckets to`
        break
      case 'fused-adam':
        if (!has((i) => gpuKernel(i) && i.phase === 'optimizer'))
          needs =
            'optimizer-phase GPU kernels and their launch calls; execution traces label neither (use the Kineto trace)'
        break
      case 'no-optimizer':
        if (!has((i) => i.phase === 'optimizer'))
          needs =
            'optimizer-phase tasks; this execution trace labels no training phase (use the Kineto trace)'
        break
      case 'p3':
      case 'vdnn':
        if (
          !has((i) => gpuKernel(i) && i.phase === 'forward') ||
          !has((i) => gpuKernel(i) && i.phase === 'backward')
        )
          needs =
            'forward- and backward-phase GPU kernels; this execution trace does not label them (use the Kineto trace)'
        break
      default:
        break // unknown names: whatIf throws NOT_FOUND
    }
    if (needs !== undefined)
      throw new WhatIfUnsupportedError({ recipe: part.trim(), source: et.source, format: et.format, needs })
  }
}

function gpuKernelsNeeded(et: ExecutionTrace): string {
  return et.format === 'host-et'
    ? 'GPU kernels; a host ET records CPU operators only (convert it with Chakra, or analyse the Kineto trace)'
    : 'GPU compute kernels; this execution trace has none'
}
