import type { Command } from 'commander'
import { costOpGraph, gemmCost, phazeArea } from '@dnnperf/cost-model'
import type { OpGraph } from '@dnnperf/ir'
import { deriveTrainingGraph, InvalidValueError, isDType } from '@dnnperf/ir'
import { buildModel, fromHuggingFaceConfig } from '@dnnperf/models'
import { readJsonFile } from '../files.js'
import { bytes, keyValues, si, table } from '../format.js'
import { parseBytes, resolveAccelerator, resolveHardware } from '../hardware.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { positiveInt } from '../options.js'

function required<T>(flag: string, value: T | undefined): T {
  if (value === undefined)
    throw new InvalidValueError({ at: 'command line', field: flag, value: undefined, expected: 'a value' })
  return value
}

/** `--model`/positional: a zoo name or a Hugging Face config.json. */
export function loadModel(nameOrFile: string, options: { batchSize?: number; seqLen?: number }): OpGraph {
  return nameOrFile.endsWith('.json')
    ? fromHuggingFaceConfig(readJsonFile(nameOrFile), options)
    : buildModel(nameOrFile, options)
}

export function registerCost(program: Command, io: CliIo): void {
  const cost = program.command('cost').description('operator and model costs on hardware; accelerator area')

  cost
    .command('gemm')
    .description('latency of one (batched) GEMM C[m,n] = A[m,k]·B[k,n] on an accelerator')
    .requiredOption('--hardware <preset|file>', 'accelerator or cluster preset, or a JSON file')
    .requiredOption('--m <m>', 'rows of A and C')
    .requiredOption('--n <n>', 'columns of B and C')
    .requiredOption('--k <k>', 'inner dimension')
    .option('--dtype <dtype>', 'element type', 'bf16')
    .option('--batch <n>', 'independent GEMMs of this shape', '1')
    .option('--json', 'print the result as JSON')
    .action(
      (opts: {
        hardware: string
        m: string
        n: string
        k: string
        dtype: string
        batch: string
        json?: boolean
      }) => {
        if (!isDType(opts.dtype))
          throw new InvalidValueError({
            at: 'command line',
            field: '--dtype',
            value: opts.dtype,
            expected: 'a dtype such as bf16, fp16, fp32, fp8e4m3',
          })
        const hw = resolveAccelerator(opts.hardware)
        const shape = {
          m: required('--m', positiveInt('--m', opts.m)),
          n: required('--n', positiveInt('--n', opts.n)),
          k: required('--k', positiveInt('--k', opts.k)),
          dtype: opts.dtype,
          batch: required('--batch', positiveInt('--batch', opts.batch)),
        }
        const r = gemmCost(hw, shape)
        emit(io, opts.json === true, r, () =>
          keyValues([
            ['hardware', hw.name],
            ['gemm', `${shape.batch} × [${shape.m} × ${shape.k}] · [${shape.k} × ${shape.n}] ${shape.dtype}`],
            ['latency', si(r.latencyS, 's')],
            ['FLOP', si(r.flops, 'FLOP')],
            [
              'achieved',
              `${si(r.achievedFlopsPerS, 'FLOP/s')} (${(100 * r.utilisation).toFixed(1)} % of peak)`,
            ],
            ['bound', r.bound + (r.limitingLevel !== undefined ? ` (${r.limitingLevel})` : '')],
            ['model', r.model],
          ]),
        )
      },
    )

  cost
    .command('model')
    .description('per-layer and total time, memory and utilisation of a model on one device')
    .argument('<model>', 'a zoo model name or a Hugging Face config.json')
    .requiredOption('--hardware <preset|file>', 'hardware preset or JSON file')
    .option('--batch <n>', 'microbatch size')
    .option('--seq <n>', 'sequence length')
    .option('--training', 'cost a training step (forward, backward, optimizer) instead of a forward pass')
    .option('--top <n>', 'layers to list, slowest first', '12')
    .option('--json', 'print the result as JSON')
    .action(
      (
        model: string,
        opts: {
          hardware: string
          batch?: string
          seq?: string
          training?: boolean
          top: string
          json?: boolean
        },
      ) => {
        const batchSize = positiveInt('--batch', opts.batch)
        const seqLen = positiveInt('--seq', opts.seq)
        const forward = loadModel(model, {
          ...(batchSize !== undefined ? { batchSize } : {}),
          ...(seqLen !== undefined ? { seqLen } : {}),
        })
        const graph = opts.training === true ? deriveTrainingGraph(forward) : forward
        const hw = resolveHardware(opts.hardware)
        const r = costOpGraph(graph, hw)
        const top = positiveInt('--top', opts.top) ?? 12
        emit(io, opts.json === true, r, () => {
          const layers = [...r.layers].sort((a, b) => b.latencyS - a.latencyS).slice(0, top)
          const m = r.memory
          return [
            keyValues([
              ['model', r.graph],
              ['hardware', r.hardware],
              ['step', opts.training === true ? 'training (forward + backward + optimizer)' : 'forward'],
              ['time', si(r.total.latencyS, 's')],
              [
                'forward / backward / optimizer',
                [r.phases.forward, r.phases.backward, r.phases.optimizer]
                  .map((p) => si(p.latencyS, 's'))
                  .join(' / '),
              ],
              ['utilisation', `${(100 * r.total.utilisation).toFixed(1)} % of peak (time-weighted)`],
              [
                'memory',
                `${bytes(m.totalBytes)} of ${bytes(m.capacityBytes)}: ${m.fits ? 'fits' : 'does NOT fit'}`,
              ],
              [
                '  weights / gradients / optimizer',
                `${bytes(m.weightsBytes)} / ${bytes(m.gradientsBytes)} / ${bytes(m.optimizerBytes)}`,
              ],
              ['  activations / workspace', `${bytes(m.activationBytes)} / ${bytes(m.workspaceBytes)}`],
            ]),
            '',
            table(
              ['layer', 'time', 'forward', 'backward', 'utilisation', 'mostly'],
              layers.map((l) => {
                const mostly = Object.entries(l.timeByBoundS).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '-'
                return [
                  l.layer,
                  si(l.latencyS, 's'),
                  si(l.forwardS, 's'),
                  si(l.backwardS, 's'),
                  `${(100 * l.utilisation).toFixed(1)} %`,
                  mostly,
                ]
              }),
            ),
          ].join('\n')
        })
      },
    )

  cost
    .command('area')
    .description('area of a PHAZE-style accelerator design (tensor cores, vector cores, global buffer)')
    .requiredOption('--tensor-units <n>', 'tensor cores')
    .requiredOption('--tensor-dims <RxC>', 'tensor-core PE array, rows x columns, e.g. 128x128')
    .requiredOption('--vector-units <n>', 'vector cores')
    .requiredOption('--vector-lanes <n>', 'lanes per vector core')
    .requiredOption('--glb-bytes <bytes>', 'global buffer size, e.g. 33554432 or 32MiB')
    .option('--json', 'print the result as JSON')
    .action(
      (opts: {
        tensorUnits: string
        tensorDims: string
        vectorUnits: string
        vectorLanes: string
        glbBytes: string
        json?: boolean
      }) => {
        const dims = /^(\d+)[xX×](\d+)$/.exec(opts.tensorDims.trim())
        if (dims === null)
          throw new InvalidValueError({
            at: 'command line',
            field: '--tensor-dims',
            value: opts.tensorDims,
            expected: 'RxC, e.g. 128x128',
          })
        const r = phazeArea({
          numTensorCores: required('--tensor-units', positiveInt('--tensor-units', opts.tensorUnits)),
          numVectorCores: required('--vector-units', positiveInt('--vector-units', opts.vectorUnits)),
          depth: required('--tensor-dims', positiveInt('--tensor-dims', dims[1])),
          width: required('--tensor-dims', positiveInt('--tensor-dims', dims[2])),
          vectorWidth: required('--vector-lanes', positiveInt('--vector-lanes', opts.vectorLanes)),
          glbBytes: required('--glb-bytes', parseBytes('--glb-bytes', opts.glbBytes)),
        })
        emit(io, opts.json === true, r, () =>
          keyValues([
            ['area', `${r.areaMm2.toFixed(3)} mm²`],
            ['tensor PEs', `${(r.tensorPeUm2 / 1e6).toFixed(3)} mm²`],
            ['tensor-core SRAM', `${(r.tensorSramUm2 / 1e6).toFixed(3)} mm²`],
            ['vector lanes', `${(r.vectorLaneUm2 / 1e6).toFixed(3)} mm²`],
            ['vector-core SRAM', `${(r.vectorSramUm2 / 1e6).toFixed(3)} mm²`],
            ['global buffer', `${(r.glbUm2 / 1e6).toFixed(3)} mm²`],
            ['exact table', r.exactTable ? 'yes' : 'no (an SRAM size was interpolated)'],
          ]),
        )
      },
    )
}
