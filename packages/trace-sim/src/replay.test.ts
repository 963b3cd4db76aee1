import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultIteration } from './analyze.js'
import { buildDependencyGraph } from './build-graph.js'
import { loadTrace } from './load-trace.js'
import { simulateTrace } from './simulate-trace.js'

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const traceDir = join(dataDir, 'traces')

/** Every Kineto trace in the public data (execution traces, memory timelines and Chakra archives excluded). */
function kinetoTraces(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...kinetoTraces(p))
    else if (name.endsWith('.json.gz') && !name.includes('_et.') && !p.includes('chakra')) out.push(p)
  }
  return out.sort()
}

describe.skipIf(!existsSync(traceDir))('replay of every public Kineto trace (needs ../shared/data)', () => {
  const files = existsSync(traceDir) ? kinetoTraces(traceDir) : []
  it('finds the traces', () => {
    expect(files.length).toBeGreaterThanOrEqual(17)
  })
  it.each(files.map((f) => relative(traceDir, f)))(
    '%s replays within 0.5%% (whole trace and one step)',
    (name) => {
      const trace = loadTrace(join(traceDir, name))
      const iteration = defaultIteration(trace)
      for (const options of iteration === undefined ? [{}] : [{}, { iteration }]) {
        const graph = buildDependencyGraph(trace, options)
        const sim = simulateTrace(graph)
        expect(graph.measuredIterationS).toBeGreaterThan(0)
        const error = (sim.iterationS - graph.measuredIterationS) / graph.measuredIterationS
        expect(Math.abs(error)).toBeLessThanOrEqual(0.005)
      }
    },
  )
})

describe.skipIf(!existsSync(traceDir))(
  'non-Kineto files in the public data give TRACE_MALFORMED (needs ../shared/data)',
  () => {
    it.each([
      'chakra/json_trace.tar.gz',
      'chakra/1.0.2-chakra.0.0.4.tgz',
      'param/linear_et.json.gz',
      'hta/memory_analysis/memory_timeline.raw.gz',
    ])('%s', (name) => {
      expect(() => loadTrace(join(traceDir, name))).toThrow(
        expect.objectContaining({ code: 'TRACE_MALFORMED' }),
      )
    })
  },
)
