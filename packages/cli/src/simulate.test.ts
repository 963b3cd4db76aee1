import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.js'

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const trace = join(dataDir, 'traces/kineto-2021/worker0.1623143089861.pt.trace.json.gz')
const dir = mkdtempSync(join(tmpdir(), 'dnnperf-sim-'))

describe.skipIf(!existsSync(trace))('dnnperf simulate (public trace; skipped without ../shared/data)', () => {
  it('replays a real trace and predicts AMP, with the contract fields and a Perfetto timeline', async () => {
    const timeline = join(dir, 'timeline.json')
    const r = await cli('simulate', trace, '--what-if', 'amp', '--timeline', timeline, '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const a = JSON.parse(r.out)
    for (const f of [
      'measuredIterationS',
      'simulatedIterationS',
      'replayErrorFraction',
      'whatIf',
      'breakdownS',
      'criticalPath',
      'warnings',
    ]) {
      expect(a).toHaveProperty(f)
    }
    expect(Math.abs(a.replayErrorFraction)).toBeLessThan(0.005)
    expect(a.whatIf).toMatchObject({ name: 'amp' })
    expect(a.whatIf.predictedIterationS).toBeLessThan(a.simulatedIterationS)
    expect(a.whatIf.speedup).toBeCloseTo(a.simulatedIterationS / a.whatIf.predictedIterationS, 6)
    const events = JSON.parse(readFileSync(timeline, 'utf8'))
    expect(Array.isArray(events.traceEvents ?? events)).toBe(true)
  })
})

describe('dnnperf simulate errors', () => {
  it('gives a typed one-line error for a missing or malformed trace', async () => {
    const missing = await cli('simulate', join(dir, 'nope.json'))
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^dnnperf: error NOT_FOUND: /)
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"traceEvents": [{"ph": "X", "ts": 1,')
    const malformed = await cli('simulate', bad)
    expect(malformed.code).toBe(1)
    expect(malformed.err).toMatch(/error TRACE_MALFORMED/)
  })
})
