import type { Command } from 'commander'
import type { ModelSummary } from '@dnnperf/ir'
import { compileOpGraph, deriveTrainingGraph, summarizeModel } from '@dnnperf/ir'
import { buildModel } from '@dnnperf/models'
import { integer, si, table } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { renderSummary } from './models.js'

/** The demo's model and shape: GPT-2 XL at a typical fine-tuning microbatch. */
export const DEMO_MODEL = { name: 'gpt2-xl', batchSize: 8, seqLen: 1024 } as const

/** What `dnnperf demo --json` prints. */
export interface DemoResult {
  readonly model: ModelSummary
  readonly trainingGraph: {
    readonly ops: number
    readonly forwardOps: number
    readonly backwardOps: number
    readonly optimizerOps: number
    readonly flopPerIteration: number
  }
  readonly zoo: readonly ModelSummary[]
}

/** Build the demo model, its training graph, and summaries of a few zoo models. */
export function runDemo(): DemoResult {
  const graph = buildModel(DEMO_MODEL.name, { batchSize: DEMO_MODEL.batchSize, seqLen: DEMO_MODEL.seqLen })
  const model = summarizeModel(graph)
  const training = deriveTrainingGraph(graph)
  const compiled = compileOpGraph(training)
  let flopPerIteration = 0
  for (const f of compiled.flop) flopPerIteration += f
  const count = (phase: string) => training.nodes.filter((n) => n.phase === phase).length
  const zoo = ['resnet50', 'bert-large', 'llama2-7b', 'gpt3-175b'].map((name) =>
    summarizeModel(buildModel(name, { batchSize: 1 })),
  )
  return {
    model,
    trainingGraph: {
      ops: training.nodes.length,
      forwardOps: count('forward'),
      backwardOps: count('backward'),
      optimizerOps: count('optimizer'),
      flopPerIteration,
    },
    zoo,
  }
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      `the main job on built-in defaults: ${DEMO_MODEL.name} (batch ${DEMO_MODEL.batchSize}, sequence ${DEMO_MODEL.seqLen})`,
    )
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) => {
      const r = runDemo()
      emit(io, opts.json === true, r, () =>
        [
          renderSummary(r.model),
          '',
          `training graph: ${integer(r.trainingGraph.ops)} ops (${r.trainingGraph.forwardOps} forward, ${r.trainingGraph.backwardOps} backward, ${r.trainingGraph.optimizerOps} optimizer), ${si(r.trainingGraph.flopPerIteration, 'FLOP')} per iteration`,
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
        ].join('\n'),
      )
    })
}
