import type { Command } from 'commander'
import type { ModelSummary, OpGraph } from '@dnnperf/ir'
import { summarizeModel } from '@dnnperf/ir'
import { buildModel, fromHuggingFaceConfig, listModels } from '@dnnperf/models'
import { readJsonFile } from '../files.js'
import { bytes, integer, keyValues, si, table } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { positiveInt } from '../options.js'

/** Human rendering of a model summary. */
export function renderSummary(s: ModelSummary): string {
  return keyValues([
    ['model', s.name],
    ['parameters', `${integer(s.parameters)} (${si(s.parameters)})`],
    ['forward FLOP/sample', si(s.forwardFlopsPerSample, 'FLOP')],
    ['layers', String(s.layers)],
    ['weights', bytes(s.weightBytes)],
    ['activations/sample', bytes(s.activationBytesPerSample)],
    ['batch', String(s.batchSize)],
    ['sequence', s.seqLen === null ? '-' : String(s.seqLen)],
    ['ops (forward)', String(s.ops)],
  ])
}

export function registerModels(program: Command, io: CliIo): void {
  const models = program.command('models').description('the model zoo: list models and summarise one')
  models
    .command('list')
    .description('list the built-in models')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const list = listModels()
      emit(io, opts.json === true, list, () =>
        table(
          ['name', 'family', 'description'],
          list.map((m) => [m.name, m.family, m.description]),
        ),
      )
    })
  models
    .command('show')
    .description('summarise a model: parameters, FLOPs per sample, layers, weight and activation bytes')
    .argument('[name]', 'a model name from `dnnperf models list`')
    .option('--hf-config <file>', 'build from a Hugging Face config.json instead of a name')
    .option('--batch <n>', 'microbatch size')
    .option('--seq <n>', 'sequence length (transformers and RNNs)')
    .option('--json', 'print the summary as JSON')
    .action(
      (
        name: string | undefined,
        opts: { hfConfig?: string; batch?: string; seq?: string; json?: boolean },
      ) => {
        const batchSize = positiveInt('--batch', opts.batch)
        const seqLen = positiveInt('--seq', opts.seq)
        const buildOptions = {
          ...(batchSize !== undefined ? { batchSize } : {}),
          ...(seqLen !== undefined ? { seqLen } : {}),
        }
        let graph: OpGraph
        if (opts.hfConfig !== undefined) {
          graph = fromHuggingFaceConfig(readJsonFile(opts.hfConfig), buildOptions)
        } else if (name !== undefined) {
          graph = buildModel(name, buildOptions)
        } else {
          throw new Error('give a model name or --hf-config <file>')
        }
        const summary = summarizeModel(graph)
        emit(io, opts.json === true, summary, () => renderSummary(summary))
      },
    )
}
