import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectPlacementFormat, readPlacementProblem } from './detect.js'
import { serialisePlacementProblem } from './json.js'

const dataDir = resolve(import.meta.dirname, '../../../../../shared/data/placement')

describe.skipIf(!existsSync(dataDir))(
  'placement format detection (public instances; skipped without ../shared/data)',
  () => {
    it('recognises every public instance and reads it', () => {
      const dp = join(dataDir, 'dnn-partitioning/throughput-inputs/LayerGraphs')
      for (const f of readdirSync(dp)) {
        const { format, problem } = readPlacementProblem(readFileSync(join(dp, f), 'utf8'))
        expect(format).toBe('dnn-partitioning')
        expect(problem.nodes.length).toBeGreaterThan(0)
        // our own JSON round-trips through detection too
        expect(readPlacementProblem(serialisePlacementProblem(problem)).format).toBe('dnnperf')
      }
      for (const f of ['bert32a100.json', 'gnmt.json', 'resnet.json']) {
        expect(readPlacementProblem(readFileSync(join(dataDir, 'piper', f), 'utf8')).format).toBe('piper')
      }
    })
  },
)

describe('placement format detection', () => {
  it('rejects documents of no known format with a typed error', () => {
    expect(detectPlacementFormat({ hello: 1 })).toBeUndefined()
    expect(detectPlacementFormat({ nodes: { 1: [] } })).toBe('phaze')
    expect(() => readPlacementProblem('{"hello": 1}')).toThrowError(
      expect.objectContaining({ code: 'FORMAT_INVALID' }),
    )
    expect(() => readPlacementProblem('{"hello": ')).toThrowError(
      expect.objectContaining({ code: 'FORMAT_INVALID' }),
    )
  })
})
