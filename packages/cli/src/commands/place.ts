import type { Command } from 'commander'
import { InvalidValueError, readPlacementProblem } from '@dnnperf/ir'
import type { MaxLoadResult, PlaceAsyncOptions } from '@dnnperf/placement'
import { placeAsync } from '@dnnperf/placement'
import { readJsonFile } from '../files.js'
import { parseBytes } from '../hardware.js'
import { keyValues, table } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { nonNegativeInt, positiveInt, positiveNumber } from '../options.js'

interface PlaceFlags {
  objective: string
  method: string
  timeLimit?: string
  idealLimit?: string
  accelerators?: string
  cpus?: string
  memory?: string
  solver: string
  contractLayers?: boolean
  json?: boolean
}

const METHODS = ['dp', 'ip', 'ip-noncontiguous', 'pipedream', 'greedy', 'single-device'] as const

function render(r: MaxLoadResult, file: string, format: string): string {
  const num = (x: number | null) => (x === null ? '-' : Number(x.toPrecision(6)).toString())
  return [
    keyValues([
      ['instance', `${file} (${format})`],
      ['method', `${r.method}: ${r.status}`],
      ['max load', num(r.objective)],
      ['lower bound', `${num(r.bestBound)} (gap ${r.gap === null ? '-' : `${(100 * r.gap).toFixed(2)} %`})`],
      ['time', `${r.timeS.toFixed(3)} s${r.idealCount !== undefined ? `, ${r.idealCount} ideals` : ''}`],
    ]),
    '',
    table(
      ['device', 'kind', 'nodes', 'load'],
      r.devices.map((d, i) => [String(i), d.kind, String(d.nodes.length), num(d.load)]),
    ),
  ].join('\n')
}

export function registerPlace(program: Command, io: CliIo): void {
  program
    .command('place')
    .description(
      'optimal device placement of a DNN graph (Tarnawski et al. 2020): dnn-partitioning, Piper, PHAZE or dnnperf JSON',
    )
    .argument('<instance.json>', 'placement problem file (format detected from its keys)')
    .option('--objective <o>', 'throughput (minimise the maximum device load) | latency', 'throughput')
    .option('--method <m>', METHODS.join(' | '), 'dp')
    .option('--time-limit <s>', 'wall-clock limit in seconds (returns the incumbent and its bound)')
    .option('--ideal-limit <n>', 'refuse graphs with more ideals than this (default 1,000,000)')
    .option('--accelerators <n>', 'accelerators (default: from the instance)')
    .option('--cpus <n>', 'CPU cores (default: from the instance)')
    .option('--memory <bytes>', 'memory per accelerator (default: from the instance)')
    .option('--solver <s>', 'MILP back-end of the integer programs: highs | glpk', 'highs')
    .option('--contract-layers', 'keep every layer (nodes sharing a layerId) on one device')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: PlaceFlags) => {
      if (!(METHODS as readonly string[]).includes(o.method)) {
        throw new InvalidValueError({
          at: 'command line',
          field: '--method',
          value: o.method,
          expected: METHODS.join(', '),
        })
      }
      if (o.objective !== 'throughput' && o.objective !== 'latency') {
        throw new InvalidValueError({
          at: 'command line',
          field: '--objective',
          value: o.objective,
          expected: 'throughput or latency',
        })
      }
      if (o.solver !== 'highs' && o.solver !== 'glpk') {
        throw new InvalidValueError({
          at: 'command line',
          field: '--solver',
          value: o.solver,
          expected: 'highs or glpk',
        })
      }
      const { format, problem } = readPlacementProblem(readJsonFile(file) as never)
      const timeLimitS = positiveNumber('--time-limit', o.timeLimit)
      const idealLimit = positiveInt('--ideal-limit', o.idealLimit)
      const acceleratorCount = nonNegativeInt('--accelerators', o.accelerators)
      const cpuCount = nonNegativeInt('--cpus', o.cpus)
      const acceleratorMemoryBytes = parseBytes('--memory', o.memory)
      const options: PlaceAsyncOptions = {
        method: o.method as PlaceAsyncOptions['method'] & string,
        objective: o.objective,
        solver: o.solver,
        ...(o.contractLayers === true ? { contractLayers: true } : {}),
        ...(timeLimitS !== undefined ? { timeLimitS } : {}),
        ...(idealLimit !== undefined ? { idealLimit } : {}),
        ...(acceleratorCount !== undefined ? { acceleratorCount } : {}),
        ...(cpuCount !== undefined ? { cpuCount } : {}),
        ...(acceleratorMemoryBytes !== undefined ? { acceleratorMemoryBytes } : {}),
      }
      const r = await placeAsync(problem, options)
      emit(io, o.json === true, r, () => render(r, file, format))
    })
}
