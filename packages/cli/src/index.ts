/** @dnnperf/cli: the `dnnperf` command, also callable in-process (for tests and embedding). */
export { runCli, createProgram, VERSION } from './program.js'
export type { CliIo } from './io.js'
export { runDemo, DEMO_DEFAULTS } from './commands/demo.js'
export type { DemoResult, DemoOptions } from './commands/demo.js'
export type { DemoPlan } from './commands/demo-plan.js'
export type { GraphValidation } from './commands/graph.js'
export type { PlanSimulationSummary } from './commands/plan.js'
