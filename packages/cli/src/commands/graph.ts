import { basename } from 'node:path'
import type { Command } from 'commander'
import { detectPlacementFormat, parseOpGraph, readPlacementProblem } from '@dnnperf/ir'
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
    .description(
      'validate a graph file: dnnperf op-graph JSON, or a placement problem (dnn-partitioning, Piper, PHAZE, dnnperf); exits 1 with the error code when invalid',
    )
    .argument('<file>', 'the graph JSON file')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const doc = readJsonFile(file)
      let result: GraphValidation
      if (
        detectPlacementFormat(doc) !== undefined &&
        (doc as { format?: unknown }).format !== 'dnnperf.op-graph'
      ) {
        const { format, problem } = readPlacementProblem(doc as never)
        result = {
          valid: true,
          file,
          format,
          name: basename(file),
          nodes: problem.nodes.length,
          edges: problem.edges.length,
        }
      } else {
        const g = parseOpGraph(doc)
        result = {
          valid: true,
          file,
          format: 'dnnperf.op-graph',
          name: g.name,
          nodes: g.nodes.length,
          edges: g.edges.length + g.controlEdges.length,
        }
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
