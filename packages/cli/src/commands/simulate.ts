import { existsSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { analyzeExecutionTrace, analyzeTrace, detectTraceFormat, loadTraceFile } from '@dnnperf/trace-sim'
import type { TraceAnalysis, TraceFileFormat, WhatIfOptions } from '@dnnperf/trace-sim'
import { InvalidValueError, NotFoundError } from '@dnnperf/ir'
import { keyValues, si, table } from '../format.js'
import { parseBytes } from '../hardware.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { nonNegativeInt, positiveNumber } from '../options.js'

interface SimulateFlags {
  iteration?: string
  whatIf?: string
  timeline?: string
  gradientBytes?: string
  activationBytes?: string
  bandwidth?: string
  format?: string
  kineto?: string
  json?: boolean
}

function render(a: TraceAnalysis, timelinePath: string | undefined, format: TraceFileFormat): string {
  const b = a.breakdownS
  const pct = (x: number) => `${((100 * x) / Math.max(b.gpuSpanS, 1e-30)).toFixed(1)} %`
  const fromReplay = a.warnings.some((w) => w.code === 'MEASURED_FROM_REPLAY')
  return [
    keyValues([
      ['trace', format === 'kineto' ? a.source : `${a.source} (execution trace, ${format})`],
      ['iteration', a.iteration === null ? 'whole trace' : `ProfilerStep#${a.iteration}`],
      ['tasks', String(a.taskCount)],
      [
        'measured',
        fromReplay ? 'not recorded (durations only): the replay stands in' : si(a.measuredIterationS, 's'),
      ],
      ['replayed', `${si(a.simulatedIterationS, 's')} (error ${(100 * a.replayErrorFraction).toFixed(4)} %)`],
      ...(a.whatIf !== null
        ? ([
            [
              `what-if ${a.whatIf.name}`,
              `${si(a.whatIf.predictedIterationS, 's')} (speedup ${a.whatIf.speedup.toFixed(3)}×)`,
            ],
          ] as [string, string][])
        : []),
      [
        'GPU busy',
        `compute ${pct(b.computeS)}, communication ${pct(b.communicationS)}, memory ${pct(b.memoryS)}, idle ${pct(b.idleS)}`,
      ],
      ['critical path', `${si(a.criticalPath.lengthS, 's')} over ${a.criticalPath.taskCount} tasks`],
      ['warnings', a.warnings.length === 0 ? 'none' : [...new Set(a.warnings.map((w) => w.code))].join(', ')],
      ...(timelinePath !== undefined
        ? ([['timeline', `${timelinePath} (open in ui.perfetto.dev)`]] as [string, string][])
        : []),
    ]),
    '',
    table(
      ['top kernels', 'count', 'total', 'mean'],
      a.kernelStats
        .slice(0, 10)
        .map((k) => [
          k.name.length > 60 ? `${k.name.slice(0, 57)}...` : k.name,
          String(k.count),
          si(k.totalS, 's'),
          si(k.meanS, 's'),
        ]),
    ),
  ].join('\n')
}

/** `--format`: what `<trace>` is; undefined = detect from the content. */
function formatFlag(raw: string | undefined): 'kineto' | 'et' | undefined {
  if (raw === undefined) return undefined
  if (raw === 'kineto' || raw === 'et') return raw
  throw new InvalidValueError({ at: 'command line', field: '--format', value: raw, expected: 'kineto or et' })
}

export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description(
      'replay a PyTorch profiler (Kineto) trace or an execution trace (Chakra ET, PyTorch host ET) and predict a what-if: amp, fused-adam, ddp:N, dgc:N, p3:N, vdnn, …',
    )
    .argument(
      '<trace>',
      'trace.json or trace.json.gz (also a tar.gz holding one), or an execution trace: Chakra .et / jsonized, PyTorch host ET JSON',
    )
    .option('--iteration <n>', 'ProfilerStep number (default: the last complete step; Kineto traces only)')
    .option(
      '--what-if <recipe>',
      'amp | fused-adam | reconstructed-bn | ddp:N | dgc:N | p3:N | vdnn | gpu:<preset> | scale-class | no-optimizer',
    )
    .option(
      '--timeline <out.json>',
      'write the measured, replayed and what-if timelines as a Chrome/Perfetto trace',
    )
    .option('--gradient-bytes <bytes>', 'gradient size for ddp/dgc/p3 (default: estimated from the trace)')
    .option('--activation-bytes <bytes>', 'activation size for vdnn')
    .option('--bandwidth <bytes-per-s>', 'link bandwidth for ddp/dgc/p3 (default 12.5e9)')
    .option('--format <kind>', 'kineto | et: what <trace> is (default: detected from its content)')
    .option(
      '--kineto <trace>',
      'with an execution trace: the Kineto trace of the same run, whose cpu_ops time the host-ET operators',
    )
    .option('--json', 'print the analysis as JSON')
    .action(async (trace: string, o: SimulateFlags) => {
      if (!existsSync(trace)) throw new NotFoundError({ what: 'trace file', key: trace })
      const iteration = nonNegativeInt('--iteration', o.iteration)
      const gradientBytes = parseBytes('--gradient-bytes', o.gradientBytes)
      const activationBytes = parseBytes('--activation-bytes', o.activationBytes)
      const bandwidth = positiveNumber('--bandwidth', o.bandwidth)
      const forced = formatFlag(o.format)
      if (o.kineto !== undefined && !existsSync(o.kineto))
        throw new NotFoundError({ what: 'Kineto trace file', key: o.kineto })
      const whatIfOptions: WhatIfOptions = {
        ...(gradientBytes !== undefined ? { gradientBytes } : {}),
        ...(activationBytes !== undefined ? { activationBytes } : {}),
        ...(bandwidth !== undefined ? { bandwidthBytesPerS: bandwidth } : {}),
      }
      const whatIf = o.whatIf !== undefined ? { whatIf: o.whatIf, whatIfOptions } : {}
      // Detected from the head of the file (a tar archive is opened); --format overrides, and the reader of the
      // forced format names the mismatch if it is wrong.
      const detected = forced === 'kineto' ? 'kineto' : detectTraceFormat(trace)
      const format: TraceFileFormat = forced === 'et' && detected === 'kineto' ? 'host-et' : detected
      if (format === 'kineto') {
        if (o.kineto !== undefined) {
          throw new InvalidValueError({
            at: 'command line',
            field: '--kineto',
            value: o.kineto,
            expected: 'no --kineto: it times an execution trace, and <trace> is a Kineto trace',
          })
        }
        // streamed: a large trace is parsed in bounded memory, keeping only what the graph needs
        const loaded = await loadTraceFile(trace)
        const { timeline, ...analysis } = analyzeTrace(loaded, {
          ...(iteration !== undefined ? { iteration } : {}),
          ...whatIf,
          timeline: o.timeline !== undefined,
        })
        if (o.timeline !== undefined && timeline !== undefined)
          writeFileSync(o.timeline, JSON.stringify(timeline))
        emit(io, o.json === true, analysis, () => render(analysis, o.timeline, format))
        return
      }
      if (iteration !== undefined) {
        throw new InvalidValueError({
          at: 'command line',
          field: '--iteration',
          value: o.iteration,
          expected: 'no --iteration: an execution trace is one window',
        })
      }
      const kineto = o.kineto !== undefined ? await loadTraceFile(o.kineto) : undefined
      const { timeline, ...analysis } = analyzeExecutionTrace(trace, {
        ...(kineto !== undefined ? { kineto } : {}),
        ...whatIf,
        timeline: o.timeline !== undefined,
      })
      if (o.timeline !== undefined && timeline !== undefined)
        writeFileSync(o.timeline, JSON.stringify(timeline))
      emit(io, o.json === true, analysis, () => render(analysis, o.timeline, format))
    })
}
