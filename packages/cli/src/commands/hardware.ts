import type { Command } from 'commander'
import { presetSummaries } from '@dnnperf/cost-model'
import { table } from '../format.js'
import { resolveHardware } from '../hardware.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'

/** Flatten a nested description into `a.b.c  value` lines for people. */
function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [[prefix, String(value)]]
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value)
  return entries.flatMap(([k, v]) => flatten(v, prefix === '' ? k : `${prefix}.${k}`))
}

export function registerHardware(program: Command, io: CliIo): void {
  const hardware = program
    .command('hardware')
    .description('hardware presets: accelerators, CPUs and clusters')
  hardware
    .command('list')
    .description('list the built-in hardware presets and their sources')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const list = presetSummaries()
      emit(io, opts.json === true, list, () =>
        table(
          ['name', 'kind', 'source'],
          list.map((p) => [p.name, p.kind, p.source]),
        ),
      )
    })
  hardware
    .command('show')
    .description('print a hardware description (a preset, or a JSON file after validation)')
    .argument('<preset|file>', 'preset name or JSON file')
    .option('--json', 'print the description as JSON')
    .action((name: string, opts: { json?: boolean }) => {
      const hw = resolveHardware(name)
      emit(io, opts.json === true, hw, () => table(['field', 'value'], flatten(hw)))
    })
}
