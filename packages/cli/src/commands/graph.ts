import type { Command } from 'commander'
import { parseOpGraph } from '@dnnperf/ir'
import { readJsonFile } from '../files.js'
import { keyValues } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'

/** What `graph validate` reports for a valid file. */
export interface GraphValidation {
  readonly valid: true
  readonly file: string
  readonly format: string
  readonly name: string
  readonly nodes: number
  readonly edges: number
}

export function registerGraph(program: Command, io: CliIo): void {
  const graph = program.command('graph').description('operator graphs: validate files')
  graph
    .command('validate')
    .description('validate a graph file (dnnperf op-graph JSON); exits 1 with the error code when invalid')
    .argument('<file>', 'the graph JSON file')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const g = parseOpGraph(readJsonFile(file))
      const result: GraphValidation = {
        valid: true,
        file,
        format: 'dnnperf.op-graph',
        name: g.name,
        nodes: g.nodes.length,
        edges: g.edges.length + g.controlEdges.length,
      }
      emit(io, opts.json === true, result, () =>
        keyValues([
          ['valid', `yes (${result.format})`],
          ['graph', result.name],
          ['nodes', String(result.nodes)],
          ['edges', String(result.edges)],
        ]),
      )
    })
}
