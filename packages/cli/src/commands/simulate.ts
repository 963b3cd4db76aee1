import { existsSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { analyzeTrace, loadTraceFile } from '@dnnperf/trace-sim'
import type { TraceAnalysis, WhatIfOptions } from '@dnnperf/trace-sim'
import { NotFoundError } from '@dnnperf/ir'
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
  json?: boolean
}

function render(a: TraceAnalysis, timelinePath: string | undefined): string {
  const b = a.breakdownS
  const pct = (x: number) => `${((100 * x) / Math.max(b.gpuSpanS, 1e-30)).toFixed(1)} %`
  return [
    keyValues([
      ['trace', a.source],
      ['iteration', a.iteration === null ? 'whole trace' : `ProfilerStep#${a.iteration}`],
      ['tasks', String(a.taskCount)],
      ['measured', si(a.measuredIterationS, 's')],
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

export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description(
      'replay a PyTorch profiler (Kineto) trace and predict a what-if: amp, fused-adam, ddp:N, dgc:N, p3:N, vdnn, …',
    )
    .argument('<trace>', 'trace.json or trace.json.gz (also a tar.gz holding one)')
    .option('--iteration <n>', 'ProfilerStep number (default: the last complete step)')
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
    .option('--json', 'print the analysis as JSON')
    .action(async (trace: string, o: SimulateFlags) => {
      if (!existsSync(trace)) throw new NotFoundError({ what: 'trace file', key: trace })
      const iteration = nonNegativeInt('--iteration', o.iteration)
      const gradientBytes = parseBytes('--gradient-bytes', o.gradientBytes)
      const activationBytes = parseBytes('--activation-bytes', o.activationBytes)
      const bandwidth = positiveNumber('--bandwidth', o.bandwidth)
      const whatIfOptions: WhatIfOptions = {
        ...(gradientBytes !== undefined ? { gradientBytes } : {}),
        ...(activationBytes !== undefined ? { activationBytes } : {}),
        ...(bandwidth !== undefined ? { bandwidthBytesPerS: bandwidth } : {}),
      }
      // streamed: a large trace is parsed in bounded memory, keeping only what the graph needs
      const loaded = await loadTraceFile(trace)
      const { timeline, ...analysis } = analyzeTrace(loaded, {
        ...(iteration !== undefined ? { iteration } : {}),
        ...(o.whatIf !== undefined ? { whatIf: o.whatIf, whatIfOptions } : {}),
        timeline: o.timeline !== undefined,
      })
      if (o.timeline !== undefined && timeline !== undefined)
        writeFileSync(o.timeline, JSON.stringify(timeline))
      emit(io, o.json === true, analysis, () => render(analysis, o.timeline))
    })
}
