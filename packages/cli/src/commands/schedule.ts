import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { deriveTrainingGraph, InvalidValueError, NotFoundError } from '@dnnperf/ir'
import type { LayerScheduleResult } from '@dnnperf/ilp-scheduler'
import {
  acceleratorCores,
  acceleratorOpLatency,
  layerSchedulingProblem,
  listLayers,
  renderGantt,
  scheduleLayer,
} from '@dnnperf/ilp-scheduler'
import { ganttSvg } from '@dnnperf/viz'
import { keyValues, si } from '../format.js'
import { resolveAccelerator } from '../hardware.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { positiveInt, positiveNumber } from '../options.js'
import { loadModel } from './cost.js'

interface ScheduleFlags {
  model: string
  layer: string
  hardware: string
  phase: string
  batch?: string
  seq?: string
  solver: string
  timeLimit: string
  svg?: string
  json?: boolean
}

/** `--layer`: an index into the model's layer list (0-based, as `--list-layers` prints) or a layer label. */
function pickLayer(layers: readonly string[], raw: string): string {
  if (layers.includes(raw)) return raw
  const i = Number(raw)
  if (Number.isInteger(i) && i >= 0 && i < layers.length) return layers[i]!
  throw new NotFoundError({
    what: 'layer',
    key: raw,
    known: layers.length > 12 ? [...layers.slice(0, 6), '…', ...layers.slice(-3)] : layers,
  })
}

function render(r: LayerScheduleResult, title: string): string {
  return [
    keyValues([
      ['layer', title],
      [
        'status',
        `${r.status} (${r.algorithm}, solver ${r.solver}, ${r.milpSolves} MILP solve${r.milpSolves === 1 ? '' : 's'})`,
      ],
      ['makespan', si(r.makespanS, 's')],
      ['lower bound', `${si(r.bestBoundS, 's')} (gap ${(100 * r.gap).toFixed(3)} %)`],
      ['list schedule', si(r.heuristicMakespanS, 's')],
      ['time', `${r.timeS.toFixed(2)} s`],
      ...(r.note !== undefined ? ([['note', r.note]] as [string, string][]) : []),
    ]),
    '',
    renderGantt(r.schedule),
  ].join('\n')
}

export function registerSchedule(program: Command, io: CliIo): void {
  const schedule = program
    .command('schedule')
    .description("operator scheduling on an accelerator's tensor and vector cores (PHAZE ILP)")
  schedule
    .command('layer')
    .description('minimum-makespan schedule of one layer, proven optimal or with its bound and gap')
    .requiredOption('--model <name>', 'zoo model or Hugging Face config.json')
    .requiredOption('--layer <i>', "layer index (0-based, in the model's layer order) or label such as h.0")
    .requiredOption('--hardware <preset|file>', 'accelerator preset (e.g. tpuv4-like) or JSON file')
    .option('--phase <p>', 'forward | backward', 'forward')
    .option('--batch <n>', 'microbatch size')
    .option('--seq <n>', 'sequence length')
    .option('--solver <s>', 'glpk | highs', 'glpk')
    .option('--time-limit <s>', 'wall-clock limit in seconds', '60')
    .option('--svg <file>', 'also write the Gantt chart as SVG')
    .option('--json', 'print the result as JSON')
    .action(async (o: ScheduleFlags) => {
      if (o.solver !== 'glpk' && o.solver !== 'highs')
        throw new InvalidValueError({
          at: 'command line',
          field: '--solver',
          value: o.solver,
          expected: 'glpk or highs',
        })
      if (o.phase !== 'forward' && o.phase !== 'backward')
        throw new InvalidValueError({
          at: 'command line',
          field: '--phase',
          value: o.phase,
          expected: 'forward or backward',
        })
      const batchSize = positiveInt('--batch', o.batch)
      const seqLen = positiveInt('--seq', o.seq)
      const timeLimitS = positiveNumber('--time-limit', o.timeLimit) ?? 60
      const hw = resolveAccelerator(o.hardware)
      const forward = loadModel(o.model, {
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(seqLen !== undefined ? { seqLen } : {}),
      })
      const graph = o.phase === 'backward' ? deriveTrainingGraph(forward, { optimizer: 'none' }) : forward
      const layer = pickLayer(listLayers(graph), o.layer)
      const problem = layerSchedulingProblem(graph, {
        layer,
        phase: o.phase,
        cores: acceleratorCores(hw),
        latency: acceleratorOpLatency(hw),
      })
      const r = await scheduleLayer(problem, { solver: o.solver, timeLimitS })
      const title = `${o.model} ${layer} ${o.phase} on ${hw.name}`
      if (o.svg !== undefined) {
        writeFileSync(
          o.svg,
          ganttSvg({
            title: `${title}: ${si(r.makespanS, 's')} (${r.status})`,
            items: r.schedule.map((s) => ({
              lane: s.cores === 'all' ? `${s.engine} (all cores)` : `${s.engine} ${s.cores}`,
              startS: s.startS,
              endS: s.endS,
              label: s.opId.slice(s.opId.lastIndexOf('/') + 1),
              category: s.engine,
            })),
          }),
        )
      }
      emit(io, o.json === true, r, () => render(r, title))
    })
}
