import { Command, CommanderError } from 'commander'
import { registerCost } from './commands/cost.js'
import { registerDemo } from './commands/demo.js'
import { registerGraph } from './commands/graph.js'
import { registerHardware } from './commands/hardware.js'
import { registerModels } from './commands/models.js'
import { registerPlace } from './commands/place.js'
import { registerPlan } from './commands/plan.js'
import { registerSchedule } from './commands/schedule.js'
import { registerSimulate } from './commands/simulate.js'
import type { CliIo } from './io.js'
import { EXIT_OK, EXIT_USAGE, reportError } from './io.js'

declare const __DNNPERF_VERSION__: string | undefined
/** The CLI's version (set at build time; `0.0.0-dev` when run from source). */
export const VERSION: string = typeof __DNNPERF_VERSION__ === 'string' ? __DNNPERF_VERSION__ : '0.0.0-dev'

/** The `dnnperf` command tree, writing to `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('dnnperf')
    .description('deep-learning performance modelling: models, costs, schedules, placements, plans, traces')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
  registerDemo(program, io)
  registerModels(program, io)
  registerGraph(program, io)
  registerHardware(program, io)
  registerCost(program, io)
  registerPlace(program, io)
  registerPlan(program, io)
  registerSchedule(program, io)
  registerSimulate(program, io)
  for (const cmd of program.commands) {
    cmd.exitOverride()
    for (const sub of cmd.commands) sub.exitOverride()
  }
  return program
}

/**
 * Run the CLI on `argv` (without node and script) and resolve to the exit code: 0 success, 1 bad input
 * (one line naming the error code), 2 usage error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json')
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' })
    return EXIT_OK
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    return reportError(io, err, json)
  }
}
