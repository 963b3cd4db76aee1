import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { CostTotals, GraphMemory, LayerCost } from '@dnnperf/cost-model'
import { costOpGraph, getPreset } from '@dnnperf/cost-model'
import type { ModelSummary } from '@dnnperf/ir'
import { deriveTrainingGraph, summarizeModel } from '@dnnperf/ir'
import { buildModel } from '@dnnperf/models'
import { barChartSvg, htmlReport, stackedBarsSvg } from '@dnnperf/viz'
import { bytes, integer, keyValues, si, table } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { renderSummary } from './models.js'

/** The demo's defaults: GPT-2 XL at a typical fine-tuning microbatch, one training step on one A100 80 GB. */
export const DEMO_DEFAULTS = { model: 'gpt2-xl', batchSize: 8, seqLen: 1024, hardware: 'a100-80gb' } as const

/** What `dnnperf demo --json` prints. */
export interface DemoResult {
  readonly model: ModelSummary
  readonly hardware: string
  readonly trainingGraph: {
    readonly ops: number
    readonly forwardOps: number
    readonly backwardOps: number
    readonly optimizerOps: number
  }
  readonly step: {
    readonly total: CostTotals
    readonly phases: {
      readonly forward: CostTotals
      readonly backward: CostTotals
      readonly optimizer: CostTotals
    }
    readonly memory: GraphMemory
    readonly layers: readonly LayerCost[]
  }
  readonly zoo: readonly ModelSummary[]
  /** Absolute path of the HTML report, when one was written. */
  readonly reportPath: string | null
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly model?: string
  readonly hardware?: string
  readonly batchSize?: number
  readonly seqLen?: number
  /** Folder for `index.html`; null writes no report. Default `dnnperf-report`. */
  readonly outDir?: string | null
}

/** Build a model, derive and cost its training step, summarise a few zoo models, and write the HTML report. */
export function runDemo(options: DemoOptions = {}): DemoResult {
  const name = options.model ?? DEMO_DEFAULTS.model
  const batchSize = options.batchSize ?? DEMO_DEFAULTS.batchSize
  const seqLen = options.seqLen ?? DEMO_DEFAULTS.seqLen
  const hardwareName = options.hardware ?? DEMO_DEFAULTS.hardware
  const graph = buildModel(name, { batchSize, seqLen })
  const model = summarizeModel(graph)
  const training = deriveTrainingGraph(graph)
  const count = (phase: string) => training.nodes.filter((n) => n.phase === phase).length
  const cost = costOpGraph(training, getPreset(hardwareName))
  const zoo = ['resnet50', 'bert-large', 'llama2-7b', 'mixtral-8x7b', 'gpt3-175b'].map((z) =>
    summarizeModel(buildModel(z, { batchSize: 1 })),
  )
  const result: Omit<DemoResult, 'reportPath'> = {
    model,
    hardware: cost.hardware,
    trainingGraph: {
      ops: training.nodes.length,
      forwardOps: count('forward'),
      backwardOps: count('backward'),
      optimizerOps: count('optimizer'),
    },
    step: { total: cost.total, phases: cost.phases, memory: cost.memory, layers: cost.layers },
    zoo,
  }
  const outDir = options.outDir === undefined ? 'dnnperf-report' : options.outDir
  let reportPath: string | null = null
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true })
    reportPath = resolve(join(outDir, 'index.html'))
    writeFileSync(reportPath, renderReport(result))
  }
  return { ...result, reportPath }
}

function renderReport(r: Omit<DemoResult, 'reportPath'>): string {
  const m = r.step.memory
  const p = r.step.phases
  return htmlReport({
    title: `${r.model.name} training step on ${r.hardware}`,
    subtitle: `batch ${r.model.batchSize}, sequence ${r.model.seqLen ?? '-'}; dnnperf analytic cost model (one device, ops in sequence)`,
    sections: [
      {
        heading: 'Model',
        table: {
          header: ['', ''],
          rows: [
            ['parameters', integer(r.model.parameters)],
            ['forward FLOP per sample', si(r.model.forwardFlopsPerSample, 'FLOP')],
            ['layers', String(r.model.layers)],
            ['weights', bytes(r.model.weightBytes)],
            ['activations per sample', bytes(r.model.activationBytesPerSample)],
            ['training graph', `${integer(r.trainingGraph.ops)} ops`],
          ],
        },
      },
      {
        heading: 'Where the time goes',
        paragraphs: [
          `One training step takes ${si(r.step.total.latencyS, 's')} (forward ${si(p.forward.latencyS, 's')}, backward ${si(p.backward.latencyS, 's')}, optimizer ${si(p.optimizer.latencyS, 's')}) at ${(100 * r.step.total.utilisation).toFixed(1)} % of peak FLOP/s.`,
        ],
        figures: [
          barChartSvg({
            title: 'Time by bound (what limits each op)',
            unit: 's',
            bars: Object.entries(r.step.total.timeByBoundS).map(([bound, s]) => ({
              label: bound,
              value: s,
              category: bound,
            })),
          }),
          barChartSvg({
            title: 'Time per layer (forward + backward + optimizer)',
            unit: 's',
            bars: r.step.layers
              .filter((l) => l.latencyS > 0)
              .map((l) => ({ label: l.layer, value: l.latencyS })),
          }),
        ],
      },
      {
        heading: 'Memory on the device',
        paragraphs: [
          `${bytes(m.totalBytes)} of ${bytes(m.capacityBytes)}: ${m.fits ? 'fits' : 'does not fit'} (no recomputation, no sharding).`,
        ],
        figures: [
          stackedBarsSvg({
            title: 'Memory per device',
            unit: 'B',
            categories: ['weights', 'gradients', 'optimizer state', 'activations', 'workspace'],
            bars: [
              {
                label: r.hardware,
                values: [
                  m.weightsBytes,
                  m.gradientsBytes,
                  m.optimizerBytes,
                  m.activationBytes,
                  m.workspaceBytes,
                ],
              },
            ],
            limit: { value: m.capacityBytes, label: 'capacity' },
          }),
        ],
      },
      {
        heading: 'Other models in the zoo (batch 1)',
        table: {
          header: ['model', 'parameters', 'forward FLOP/sample', 'layers', 'weights'],
          rows: r.zoo.map((s) => [
            s.name,
            si(s.parameters),
            si(s.forwardFlopsPerSample, 'FLOP'),
            String(s.layers),
            bytes(s.weightBytes),
          ]),
        },
      },
    ],
  })
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      `the main job on built-in defaults: ${DEMO_DEFAULTS.model} (batch ${DEMO_DEFAULTS.batchSize}, sequence ${DEMO_DEFAULTS.seqLen}), one training step on ${DEMO_DEFAULTS.hardware}, with an HTML report`,
    )
    .option('--model <name>', 'zoo model', DEMO_DEFAULTS.model)
    .option('--hardware <preset>', 'hardware preset', DEMO_DEFAULTS.hardware)
    .option('--out <dir>', 'folder for the HTML report', 'dnnperf-report')
    .option('--no-report', 'do not write the HTML report')
    .option('--json', 'print the result as JSON')
    .action((opts: { model: string; hardware: string; out: string; report: boolean; json?: boolean }) => {
      const r = runDemo({ model: opts.model, hardware: opts.hardware, outDir: opts.report ? opts.out : null })
      const p = r.step.phases
      emit(io, opts.json === true, r, () =>
        [
          renderSummary(r.model),
          '',
          keyValues([
            [
              'training graph',
              `${integer(r.trainingGraph.ops)} ops (${r.trainingGraph.forwardOps} forward, ${r.trainingGraph.backwardOps} backward, ${r.trainingGraph.optimizerOps} optimizer)`,
            ],
            [
              `step on ${r.hardware}`,
              `${si(r.step.total.latencyS, 's')} (forward ${si(p.forward.latencyS, 's')}, backward ${si(p.backward.latencyS, 's')}, optimizer ${si(p.optimizer.latencyS, 's')})`,
            ],
            ['utilisation', `${(100 * r.step.total.utilisation).toFixed(1)} % of peak FLOP/s`],
            [
              'memory',
              `${bytes(r.step.memory.totalBytes)} of ${bytes(r.step.memory.capacityBytes)} (${r.step.memory.fits ? 'fits' : 'does not fit'})`,
            ],
          ]),
          '',
          table(
            ['model (batch 1)', 'parameters', 'forward FLOP/sample', 'layers'],
            r.zoo.map((s) => [
              s.name,
              si(s.parameters),
              si(s.forwardFlopsPerSample, 'FLOP'),
              String(s.layers),
            ]),
          ),
          ...(r.reportPath !== null ? ['', `report: ${r.reportPath}`] : []),
        ].join('\n'),
      )
    })
}
