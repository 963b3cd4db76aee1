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

describe('dnnperf simulate on execution traces', () => {
  // A jsonized Chakra ET (durations in µs, no start times): a CPU op, two kernels after it, one after both.
  const et = join(dir, 'small_chakra.json')
  writeFileSync(
    et,
    JSON.stringify({
      workload_graph: [
        { Id: 1, Name: 'aten::linear', NodeType: 4, data_deps: [], runtime: 10, is_cpu_op: true },
        { Id: 2, Name: 'sm80_xmma_gemm', NodeType: 4, data_deps: [1], runtime: 30, is_cpu_op: false },
        { Id: 3, Name: 'ncclKernel_AllReduce', NodeType: 7, data_deps: [1], runtime: 50, is_cpu_op: false },
        { Id: 4, Name: 'elementwise_add', NodeType: 4, data_deps: [2, 3], runtime: 6, is_cpu_op: false },
      ],
    }),
  )

  it('detects a Chakra ET, replays it and predicts AMP with the same JSON fields', async () => {
    const r = await cli('simulate', et, '--what-if', 'amp', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const a = JSON.parse(r.out)
    // linear 10 µs, then the all-reduce (50) beside the GEMM (30), then the add (6): 66 µs.
    expect(a.simulatedIterationS).toBeCloseTo(66e-6, 12)
    expect(a.measuredIterationS).toBe(a.simulatedIterationS)
    expect(a.replayErrorFraction).toBe(0)
    expect(a.iteration).toBeNull()
    // AMP: the GEMM ÷3 = 10, the add ÷2 = 3; the all-reduce still binds: 10 + 50 + 3 = 63 µs.
    expect(a.whatIf).toMatchObject({ name: 'amp' })
    expect(a.whatIf.predictedIterationS).toBeCloseTo(63e-6, 12)
    expect(a.warnings.map((w: { code: string }) => w.code)).toContain('MEASURED_FROM_REPLAY')
    const human = await cli('simulate', et)
    expect(human.out).toMatch(/execution trace, chakra-json/)
    expect(human.out).toMatch(/not recorded/)
  })

  it('rejects what ET inputs cannot do with typed errors', async () => {
    const fused = await cli('simulate', et, '--what-if', 'fused-adam')
    expect(fused.code).toBe(1)
    expect(fused.err).toMatch(/^dnnperf: error WHAT_IF_UNSUPPORTED: .*optimizer-phase/)
    const iter = await cli('simulate', et, '--iteration', '3')
    expect(iter.err).toMatch(/error INVALID_VALUE: .*--iteration/)
    const fmt = await cli('simulate', et, '--format', 'xml')
    expect(fmt.err).toMatch(/error INVALID_VALUE: .*--format/)
    const forced = await cli('simulate', et, '--format', 'kineto')
    expect(forced.err).toMatch(/error TRACE_MALFORMED: .*execution trace/)
    const missing = await cli('simulate', et, '--kineto', join(dir, 'nope.json'))
    expect(missing.err).toMatch(/error NOT_FOUND: /)
    const kinetoTrace = join(dir, 'kineto.json')
    writeFileSync(kinetoTrace, JSON.stringify({ traceEvents: [] }))
    const both = await cli('simulate', kinetoTrace, '--kineto', kinetoTrace, '--json')
    expect(JSON.parse(both.err).error).toMatchObject({ code: 'INVALID_VALUE', field: '--kineto' })
    const asEt = await cli('simulate', kinetoTrace, '--format', 'et')
    expect(asEt.err).toMatch(/error TRACE_MALFORMED: .*Kineto profiler trace/)
  })
})

const traces = join(dataDir, 'traces')
describe.skipIf(!existsSync(traces))(
  'dnnperf simulate on public execution traces (needs ../shared/data)',
  () => {
    it('a Chakra protobuf .et: AMP and halved compute never lengthen the replay', async () => {
      const pb = join(traces, 'chakra/feeder_tests_trace.tar.gz')
      const base = JSON.parse((await cli('simulate', pb, '--json')).out)
      expect(base.taskCount).toBe(3664)
      for (const recipe of ['amp', 'scale-class:0.5']) {
        const r = await cli('simulate', pb, '--what-if', recipe, '--json')
        expect(r.code).toBe(0)
        const a = JSON.parse(r.out)
        expect(a.simulatedIterationS).toBe(base.simulatedIterationS)
        expect(a.whatIf.predictedIterationS).toBeLessThan(a.simulatedIterationS)
      }
    })

    it('a host ET timed by its Kineto trace (--kineto) replays the recorded span, with a timeline', async () => {
      const timeline = join(dir, 'et-timeline.json')
      const r = await cli(
        'simulate',
        join(traces, 'param/linear_et.json.gz'),
        '--kineto',
        join(traces, 'param/linear_kineto.json.gz'),
        '--timeline',
        timeline,
        '--json',
      )
      expect(r.err).toBe('')
      const a = JSON.parse(r.out)
      expect(a.measuredIterationS).toBeCloseTo(1.014385, 9)
      expect(Math.abs(a.replayErrorFraction)).toBeLessThan(1e-9)
      const names = JSON.parse(readFileSync(timeline, 'utf8'))
        .traceEvents.filter((e: { name: string }) => e.name === 'process_name')
        .map((e: { args: { name: string } }) => e.args.name)
      expect(names).toEqual(['measured CPU', 'replay CPU'])
    })
  },
)
