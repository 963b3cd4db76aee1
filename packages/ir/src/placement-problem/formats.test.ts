import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FormatError, GraphCycleError } from '../errors.js'
import { exportDnnPartitioning, importDnnPartitioning } from './dnn-partitioning.js'
import { parsePlacementProblem, serialisePlacementProblem } from './json.js'
import { exportPhaze, importPhaze } from './phaze.js'
import { importPhazeLayerGraphDot } from './phaze-dot.js'
import { exportPiper, importPiper } from './piper.js'

const dataDir = resolve(import.meta.dirname, '../../../../../shared/data')
const placementDir = join(dataDir, 'placement')

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  )
}

/** Parse-and-compare equivalence: number spelling (17185374208.0 vs 17185374208) and key order do not matter. */
const reparse = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe.skipIf(!existsSync(placementDir))(
  'public placement instances (needs ../shared/data; skipped without it)',
  () => {
    const tarnawski = existsSync(placementDir)
      ? jsonFiles(join(placementDir, 'dnn-partitioning')).filter((f) => !f.includes('human-experts'))
      : []
    it('finds the 24 dnn-partitioning instances', () => {
      expect(tarnawski).toHaveLength(24)
    })
    it.each(tarnawski.map((f) => [f.slice(placementDir.length + 1), f]))('%s round-trips', (_name, file) => {
      const text = readFileSync(file, 'utf8')
      const problem = importDnnPartitioning(text)
      const original = JSON.parse(text) as { nodes: unknown[]; edges: unknown[] }
      expect(problem.nodes).toHaveLength(original.nodes.length)
      expect(problem.edges).toHaveLength(original.edges.length)
      expect(reparse(exportDnnPartitioning(problem))).toStrictEqual(original)
      // and through dnnperf's own JSON
      const again = parsePlacementProblem(serialisePlacementProblem(problem))
      expect(reparse(exportDnnPartitioning(again))).toStrictEqual(original)
    })

    const piper = existsSync(placementDir) ? jsonFiles(join(placementDir, 'piper')) : []
    it.each(piper.map((f) => [f.slice(placementDir.length + 1), f]))('%s round-trips', (_name, file) => {
      const text = readFileSync(file, 'utf8')
      const problem = importPiper(text)
      expect(reparse(exportPiper(problem))).toStrictEqual(JSON.parse(text))
    })

    it('reads the GNMT training layer graph fields', () => {
      const p = importDnnPartitioning(
        readFileSync(
          join(placementDir, 'dnn-partitioning/throughput-inputs/LayerGraphs/gnmt_training.json'),
          'utf8',
        ),
      )
      expect(p.resources).toEqual({ acceleratorMemoryBytes: 17185374208, acceleratorCount: 6, cpuCount: 1 })
      const n4 = p.nodes.find((n) => n.id === '4')!
      expect(n4).toMatchObject({
        name: 'node4',
        role: 'forward',
        timeByDevice: { accelerator: 0.14, cpu: 1.4000000000000001 },
        memoryBytes: 145489920,
        colorClass: '4',
      })
      expect(p.nodes.find((n) => n.id === '98')!.role).toBe('backward')
      expect(p.nodes.filter((n) => n.role === 'backward')).toHaveLength(96)
    })

    it('reads Piper TMPCs per tensor width', () => {
      const p = importPiper(readFileSync(join(placementDir, 'piper/bert32a100.json'), 'utf8'))
      expect(p.resources).toEqual({
        acceleratorCount: 10,
        acceleratorMemoryBytes: 80e9,
        bandwidthBytesPerS: 25e9,
        microbatchCount: 1920,
      })
      const emb = p.nodes.find((n) => n.id === '1')!
      expect(Object.keys(emb.tensorParallel!)).toEqual(['1', '2', '4', '8'])
      expect(emb.tensorParallel!['2']![0]).toMatchObject({
        id: 'vanilla',
        timePerSampleS: 0.0032779999999999997,
        parameterBytes: 104348160,
        syncBytesIn: { '0': 8192, '2': 8192 },
        syncBytesOut: { '3': 31457280 },
      })
    })
  },
)

const dotDir = join(dataDir, 'hardware/phaze-llama2-layer-graphs')
describe.skipIf(!existsSync(dotDir))(
  'PHAZE Llama-2 DOT layer graphs (needs ../shared/data; skipped without it)',
  () => {
    it('imports the mbs=1 graph: two layers, one edge, sizes in bytes', () => {
      const p = importPhazeLayerGraphDot(
        readFileSync(join(dotDir, 'llama2_mbs_1_sl_4096_layer_graph.dot'), 'utf8'),
      )
      expect(p.nodes.map((n) => n.id)).toEqual(['0', '-1'])
      expect(p.nodes[0]!.tensorParallel!['1']![0]).toEqual({
        parameterBytes: 333459456 * 2,
        activationBytes: 4537225238 * 2,
        tensorParallelized: false,
      })
      expect(p.edges).toEqual([{ from: '-1', to: '0', bytes: 16777216 * 2 }])
    })
    it.each(['1', '2', '4', '8'])('imports mbs=%s', (mbs) => {
      const p = importPhazeLayerGraphDot(
        readFileSync(join(dotDir, `llama2_mbs_${mbs}_sl_4096_layer_graph.dot`), 'utf8'),
        { bytesPerElement: 1 },
      )
      expect(p.edges[0]!.bytes).toBe(16777216 * Number(mbs))
    })
  },
)

describe('Piper importer', () => {
  const doc = {
    maxDevices: 2,
    maxMemoryPerDevice: 100,
    bandwidth: 1,
    mbsInBatch: 2,
    nodes: [10, 11].map((id) => ({
      id,
      name: `n${id}`,
      TMPCs: {
        '1': [
          {
            id: 'vanilla',
            timePerSample: id === 10 ? 4 : 2,
            parameterSize: 2,
            memoryUsageA: 1,
            memoryUsageB: 0,
            syncTimeFw: id === 11 ? { '10': 0 } : {},
            syncTimeBw: id === 10 ? { '11': 0 } : {},
          },
        ],
      },
    })),
    edges: [{ sourceId: 10, destId: 11, communicationCost: 0.5 }],
  }
  it('reads the placement.md §2.4 oracle instance', () => {
    const p = importPiper(doc)
    expect(p.edges).toEqual([{ from: '10', to: '11', bytes: 0.5 }])
    expect(p.nodes[0]!.tensorParallel!['1']![0]).toMatchObject({
      timePerSampleS: 4,
      memoryBytesPerMicrobatch: 1,
    })
    expect(reparse(exportPiper(p))).toStrictEqual(reparse(doc))
  })
  it('rejects sync keys that are not exactly the neighbours', () => {
    const bad = structuredClone(doc) as {
      nodes: Array<{ TMPCs: Record<string, Array<Record<string, unknown>>> }>
    }
    bad.nodes[1]!.TMPCs['1']![0]!.syncTimeFw = { '12': 0 }
    expect(() => importPiper(bad as never)).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID', path: '$.nodes[1].TMPCs.1[0].syncTimeFw' }),
    )
  })
})

describe('PHAZE DOT importer', () => {
  it('creates nodes named only by an edge and reads comments and attributes', () => {
    const p = importPhazeLayerGraphDot(
      '// c\nstrict digraph g { rankdir = LR; a [label="x"]; a -> b [tensorsize=3]; }',
      {
        bytesPerElement: 4,
      },
    )
    expect(p.nodes.map((n) => n.id)).toEqual(['a', 'b'])
    expect(p.edges).toEqual([{ from: 'a', to: 'b', bytes: 12 }])
  })
  it('reads edges written without spaces, with numeral ids', () => {
    const p = importPhazeLayerGraphDot('digraph{-1->0;0->x_1}')
    expect(p.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['-1>0', '0>x_1'])
  })
  it('names the line of a malformed statement', () => {
    expect(() => importPhazeLayerGraphDot('digraph {\n a -> \n')).toThrow(FormatError)
  })
  it('rejects a cycle', () => {
    expect(() => importPhazeLayerGraphDot('digraph { a -> b; b -> a }')).toThrow(GraphCycleError)
  })
})

/** The chain of phaze.md §6.9 written as a PHAZE solver input with two widths. */
const phazeDoc = {
  maxMemoryPerDevice: 16e9,
  maxDevices: 4,
  bandwidth: 1e9,
  mbsInBatch: 8,
  nodes: Object.fromEntries(
    ['1', '2'].map((t) => [
      t,
      [0, 1, 2, 3].map((id) => ({
        id,
        parameterSize: [1e9, 2e9, 2e9, 1e9][id]! / Number(t),
        activationSize: 1e9,
        optimalLatencyFw: [0.01, 0.02, 0.02, 0.01][id]!,
        optimalLatencyBw: [0.02, 0.04, 0.04, 0.02][id]!,
        isTensorParallelized: t !== '1',
      })),
    ]),
  ),
  edges: Object.fromEntries(
    ['1', '2'].map((t) => [
      t,
      [0, 1, 2].map((id) => ({ sourceId: id, destId: id + 1, communicationCost: 1e6 })),
    ]),
  ),
  activationRecomputation: false,
  optimizerAlgorithm: 'SGD',
  fixedPP: 4,
  fixedTMPC: 1,
  fixedDP: 1,
  numTransformerLayers: 2,
  somethingNew: { kept: true },
}

describe('PHAZE solver JSON', () => {
  it('round-trips, keeping unknown fields', () => {
    const p = importPhaze(JSON.stringify(phazeDoc))
    expect(p.nodes).toHaveLength(4)
    expect(p.nodes[1]!.tensorParallel!['2']![0]).toMatchObject({ parameterBytes: 1e9, forwardS: 0.02 })
    expect(p.edges[0]!.bytesByTensorWidth).toEqual({ '1': 1e6, '2': 1e6 })
    expect(p.training).toMatchObject({
      activationRecomputation: false,
      optimizer: 'SGD',
      fixedPipelineStages: 4,
    })
    expect(reparse(exportPhaze(p))).toStrictEqual(reparse(phazeDoc))
  })
  it('rejects widths with different node sets', () => {
    const bad = structuredClone(phazeDoc) as { nodes: Record<string, Array<{ id: number }>> }
    bad.nodes['2']![3]!.id = 7
    expect(() => importPhaze(bad as never)).toThrow(FormatError)
  })
})
