import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { analyzeExecutionTrace } from './analyze-execution.js'
import { detectTraceFormat } from './detect-format.js'
import { loadExecutionTrace } from './load-execution-trace.js'
import { loadTrace } from './load-trace.js'

const us = 1e-6
const tmp = mkdtempSync(join(tmpdir(), 'trace-sim-et-'))
const traceDir = resolve(import.meta.dirname, '../../../../shared/data/traces')

// A minimal protobuf writer for Chakra `.et` files (CH:schema/protobuf/et_def.proto), to build timed ETs.
const varint = (n: number): number[] => {
  const out: number[] = []
  while (n >= 128) {
    out.push((n % 128) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}
const vField = (f: number, v: number): number[] => [...varint(f * 8), ...varint(v)]
const bField = (f: number, b: readonly number[]): number[] => [
  ...varint(f * 8 + 2),
  ...varint(b.length),
  ...b,
]
const str = (s: string): number[] => [...new TextEncoder().encode(s)]
const packed = (f: number, xs: readonly number[]): number[] =>
  xs.length === 0 ? [] : bField(f, xs.flatMap(varint))
// AttributeProto: 1 name, then the oneof: 9 int64_val, 27 bool_val, 29 string_val.
const intAttr = (name: string, v: number, f = 9): number[] =>
  bField(10, [...bField(1, str(name)), ...vField(f, v)])
interface PbNode {
  id: number
  name: string
  type: number // 4 COMP, 7 COMM_COLL
  cpu: boolean
  tid: number
  startUs?: number
  durUs?: number
  data?: number[]
  ctrl?: number[]
}
function chakraProtobuf(nodes: readonly PbNode[], metaPad = 0): Uint8Array {
  const meta = [
    ...bField(2, [...bField(1, str('schema')), ...bField(29, str('1.0.2-chakra.0.0.4'))]),
    ...bField(2, [...bField(1, str('pad')), ...bField(29, str('x'.repeat(metaPad)))]),
  ]
  const messages = [
    meta,
    ...nodes.map((n) => [
      ...vField(1, n.id),
      ...bField(2, str(n.name)),
      ...vField(3, n.type),
      ...packed(4, n.ctrl ?? []),
      ...packed(5, n.data ?? []),
      ...(n.startUs !== undefined ? vField(6, n.startUs) : []),
      ...(n.durUs !== undefined ? vField(7, n.durUs) : []),
      ...intAttr('is_cpu_op', n.cpu ? 1 : 0, 27),
      ...intAttr('tid', n.tid),
    ]),
  ]
  return new Uint8Array(messages.flatMap((m) => [...varint(m.length), ...m]))
}

// A CPU thread (tid 1) and two GPU streams (7 compute, 9 communication); times in µs on an epoch-like clock.
//   A  cpu  0..10            B  cpu 15..20 (data A; 5 µs of CPU time after A)
//   K1 gpu7 4..34 (data A: launched while A runs)   K2 gpu7 40..60 (data K1, B; 6 µs after K1)
//   C  gpu9 36..46 (data K1; 2 µs after K1 ends)
const T0 = 1_700_000_000_000_000
const timedNodes: PbNode[] = [
  { id: 1, name: 'aten::linear', type: 4, cpu: true, tid: 1, startUs: T0, durUs: 10 },
  { id: 2, name: 'aten::relu', type: 4, cpu: true, tid: 1, startUs: T0 + 15, durUs: 5, data: [1] },
  { id: 3, name: 'sm80_xmma_gemm_f32', type: 4, cpu: false, tid: 7, startUs: T0 + 4, durUs: 30, data: [1] },
  {
    id: 4,
    name: 'vectorized_elementwise_relu',
    type: 4,
    cpu: false,
    tid: 7,
    startUs: T0 + 40,
    durUs: 20,
    data: [3, 2],
  },
  {
    id: 5,
    name: 'ncclKernel_AllReduce',
    type: 7,
    cpu: false,
    tid: 9,
    startUs: T0 + 36,
    durUs: 10,
    data: [3],
  },
]

describe('analyzeExecutionTrace: a converted Chakra ET with start times', () => {
  const file = join(tmp, 'timed.et')
  writeFileSync(file, chakraProtobuf(timedNodes))

  it('replays the recorded makespan exactly, every task at its recorded start', () => {
    expect(detectTraceFormat(file)).toBe('chakra-protobuf')
    const a = analyzeExecutionTrace(file)
    expect(a.iteration).toBeNull()
    expect(a.taskCount).toBe(5)
    expect(a.measuredIterationS / us).toBeCloseTo(60, 9)
    expect(a.simulatedIterationS / us).toBeCloseTo(60, 9)
    expect(Math.abs(a.replayErrorFraction)).toBeLessThan(1e-12)
    expect(a.replayStartErrorS.max).toBeLessThan(1e-12)
    const codes = a.warnings.map((w) => w.code)
    expect(codes).toContain('ET_DEPENDENCY_OVERLAP') // K1 started while A ran
    expect(codes).not.toContain('MEASURED_FROM_REPLAY')
    expect(a.breakdownS.byExecutor.map((e) => e.name).sort()).toEqual([
      'cpu thread 1',
      'gpu stream 7',
      'gpu stream 9',
    ])
    // GPU span 4..60; compute 4..34 and 40..60; the all-reduce 36..46 is exposed for 36..40.
    expect(a.breakdownS.gpuSpanS / us).toBeCloseTo(56, 9)
    expect(a.breakdownS.computeS / us).toBeCloseTo(50, 9)
    expect(a.breakdownS.communicationS / us).toBeCloseTo(4, 9)
    expect(a.breakdownS.idleS / us).toBeCloseTo(2, 9)
  })

  it('moves waiting work with what it waited for: halving compute gives a hand-computed 35 µs', () => {
    // K1 4..19; K2 waits for K1's end plus its recorded 6 µs: 25..35; C at K1's end + 2: 21..31.
    const a = analyzeExecutionTrace(file, { whatIf: 'scale-class:0.5' })
    expect(a.whatIf!.predictedIterationS / us).toBeCloseTo(35, 9)
    expect(a.whatIf!.speedup).toBeCloseTo(60 / 35, 9)
    const amp = analyzeExecutionTrace(file, { whatIf: 'amp' })
    // K1 (GEMM) ÷3 = 10 -> 4..14; K2 ÷2 = 10 -> 20..30.
    expect(amp.whatIf!.predictedIterationS / us).toBeCloseTo(30, 9)
  })

  it('reads start times past 2^53 ns without losing the microseconds', () => {
    const et = loadExecutionTrace(file)
    expect(et.originUs).toBe(T0)
    expect(et.nodes.map((n) => Math.round(n.startS! / us))).toEqual([0, 15, 4, 40, 36])
  })

  it('drops a dependency the recording contradicts, and replays durations when start times are partial', () => {
    const against = timedNodes.map((n) => (n.id === 2 ? { ...n, data: [1, 4] } : n)) // B after K2: impossible
    const a = analyzeExecutionTrace(chakraProtobuf(against))
    expect(a.warnings).toContainEqual(
      expect.objectContaining({ code: 'ET_DEPENDENCY_AGAINST_TIME', count: 1 }),
    )
    expect(a.simulatedIterationS / us).toBeCloseTo(60, 9)
    const partial = timedNodes.map((n) => {
      if (n.id !== 5) return n
      const { startUs: _, ...rest } = n
      return rest
    })
    const p = analyzeExecutionTrace(chakraProtobuf(partial))
    const codes = p.warnings.map((w) => w.code)
    expect(codes).toContain('ET_PARTIALLY_TIMED')
    expect(codes).toContain('MEASURED_FROM_REPLAY')
    expect(p.replayErrorFraction).toBe(0)
    expect(p.measuredIterationS).toBe(p.simulatedIterationS)
  })

  it('tells a protobuf whose first message is 123 bytes long (a `{` byte) from JSON', () => {
    // The metadata message length is the first byte: pad it to 123 = "{".
    let bytes = chakraProtobuf(timedNodes, 0)
    const pad = 123 - (bytes[0] ?? 0)
    bytes = chakraProtobuf(timedNodes, pad)
    expect(bytes[0]).toBe(0x7b)
    const f = join(tmp, 'brace.et')
    writeFileSync(f, bytes)
    expect(detectTraceFormat(f)).toBe('chakra-protobuf')
    expect(loadExecutionTrace(f).nodes.length).toBe(5)
  })
})

describe('analyzeExecutionTrace: host ETs', () => {
  const tensor = (id: number): unknown[] => [id, id, 0, 4, 4, 'cuda:0']
  // A linked ET (Chakra trace linker): operators with ts/inclusive_dur, GPU children with cat/stream.
  const linked = {
    schema: '1.0.3-chakra.0.0.4',
    nodes: [
      { id: 1, name: '[pytorch|profiler|execution_trace|process]', parent: 1, tid: 0 },
      { id: 2, name: '[pytorch|profiler|execution_trace|thread]', parent: 1, tid: 1 },
      {
        id: 10,
        name: 'aten::mm',
        parent: 2,
        tid: 1,
        ts: 1000,
        inclusive_dur: 10,
        exclusive_dur: 4,
        inputs: [tensor(100)],
        outputs: [tensor(101)],
      },
      { id: 11, name: 'sm80_gemm', ctrl_deps: 10, cat: 'kernel', ts: 1004, exclusive_dur: 30, stream: 7 },
      { id: 19, name: '## block ##', parent: 2, tid: 1, ts: 1012, inclusive_dur: 10 }, // a scope, not a task
      {
        id: 20,
        name: 'aten::relu',
        parent: 19,
        tid: 1,
        ts: 1015,
        inclusive_dur: 5,
        inputs: [tensor(101)],
        outputs: [tensor(102)],
      },
      { id: 21, name: 'relu_kernel', ctrl_deps: 20, cat: 'kernel', ts: 1036, exclusive_dur: 10, stream: 7 },
      { id: 30, name: 'Optimizer.step#SGD.step', parent: 2, tid: 1, ts: 1050, inclusive_dur: 20 },
    ],
  }

  it('a linked ET replays its recorded span; operators, scopes, GPU children and phases', () => {
    const et = loadExecutionTrace(linked)
    expect(et.nodes.find((n) => n.id === 11)).toMatchObject({ kind: 'gpu', stream: 7, durationS: 30 * us })
    const a = analyzeExecutionTrace(et, { timeline: true })
    // mm, relu, Optimizer.step on the thread; two kernels on stream 7. Span 1000..1070.
    expect(a.taskCount).toBe(5)
    expect(a.measuredIterationS / us).toBeCloseTo(70, 9)
    expect(a.simulatedIterationS / us).toBeCloseTo(70, 9)
    expect(a.replayStartErrorS.max).toBeLessThan(1e-12)
    expect(a.kernelStats.map((k) => k.name)).toEqual(['sm80_gemm', 'relu_kernel'])
    expect(a.breakdownS.byPhaseS.forward! / us).toBeCloseTo(40, 9)
    const labels = a.timeline!.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args)
    expect(labels).toContainEqual({ name: 'measured CPU' })
    // Without the optimizer step: relu ends at 20, its kernel at 46.
    const no = analyzeExecutionTrace(et, { whatIf: 'no-optimizer' })
    expect(no.whatIf!.predictedIterationS / us).toBeCloseTo(46, 9)
    // AMP: the GEMM ÷3 = 10 (4..14); relu_kernel ÷2 = 5 after the GEMM and the stream's recorded 2 µs: 16..21.
    const amp = analyzeExecutionTrace(et, { whatIf: 'amp+no-optimizer' })
    expect(amp.whatIf!.predictedIterationS / us).toBeCloseTo(21, 9)
  })

  it('a plain host ET has no times: the replay stands in, and GPU recipes are rejected with a typed error', () => {
    const plain = {
      schema: '1.0.1',
      nodes: linked.nodes
        .filter((n) => n.cat === undefined)
        .map(({ ts: _t, inclusive_dur: _d, exclusive_dur: _e, ...n }) => n),
    }
    const a = analyzeExecutionTrace(loadExecutionTrace(plain))
    expect(a.measuredIterationS).toBe(0)
    expect(a.warnings.map((w) => w.code)).toEqual(['ET_UNTIMED', 'MEASURED_FROM_REPLAY'])
    for (const recipe of ['amp', 'fused-adam', 'p3:4', 'scale-class:0.5', 'ddp:8']) {
      expect(() => analyzeExecutionTrace(loadExecutionTrace(plain), { whatIf: recipe })).toThrow(
        expect.objectContaining({ code: 'WHAT_IF_UNSUPPORTED', recipe, format: 'host-et' }),
      )
    }
    expect(() => analyzeExecutionTrace(loadExecutionTrace(plain), { whatIf: 'nope' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    )
  })

  it('never crashes on junk: typed errors for unreadable input', () => {
    expect(() => analyzeExecutionTrace(new Uint8Array([0x08, 0x96]))).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED' }),
    )
    expect(() => analyzeExecutionTrace(join(tmp, 'missing.et'))).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED' }),
    )
    expect(() => detectTraceFormat(join(tmp, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED' }),
    )
    const gz = join(tmp, 'et.json.gz')
    writeFileSync(gz, gzipSync(JSON.stringify(linked)))
    expect(detectTraceFormat(gz)).toBe('host-et')
    const kineto = join(tmp, 'k.json')
    writeFileSync(kineto, JSON.stringify({ schemaVersion: 1, traceEvents: [], nodes: [] }))
    expect(detectTraceFormat(kineto)).toBe('kineto')
    writeFileSync(kineto, '[{"ph":"X"}]')
    expect(detectTraceFormat(kineto)).toBe('kineto')
  })
})

describe.skipIf(!existsSync(traceDir))('analyzeExecutionTrace on public ETs (needs ../shared/data)', () => {
  const file = (name: string): string => join(traceDir, name)

  it('detects every public trace format', () => {
    expect(
      [
        'chakra/json_trace.tar.gz',
        'chakra/feeder_tests_trace.tar.gz',
        'chakra/1.0.2-chakra.0.0.4.tgz',
        'param/linear_et.json.gz',
        'param/linear_kineto.json.gz',
        'hta/execution_trace/benchmark_simple_add_et.json.gz',
        'hta/execution_trace/benchmark_simple_add_trace.json.gz',
        'kineto-2021/worker0.1623143089861.pt.trace.json.gz',
      ].map((f) => detectTraceFormat(file(f))),
    ).toEqual([
      'chakra-json',
      'chakra-protobuf',
      'host-et',
      'host-et',
      'kineto',
      'host-et',
      'kineto',
      'kineto',
    ])
  })

  it.each([['chakra/json_trace.tar.gz'], ['chakra/feeder_tests_trace.tar.gz']])(
    '%s (durations only): the replay is the measurement, bound by the GPU, and what-ifs that remove work never lengthen it',
    (name) => {
      const et = loadExecutionTrace(file(name))
      const a = analyzeExecutionTrace(et)
      expect(a.warnings.map((w) => w.code)).toContain('MEASURED_FROM_REPLAY')
      expect(a.replayErrorFraction).toBe(0)
      expect(a.measuredIterationS).toBe(a.simulatedIterationS)
      // 1,209 compute kernels recorded 292.828 ms (summed from the file); the replay cannot be shorter than the
      // stream that runs them and is within 5 % of it (the GPU is the bottleneck of this ResNet step).
      const gpuUs = et.nodes.filter((n) => n.kind === 'gpu').reduce((s, n) => s + (n.durationS ?? 0) / us, 0)
      expect(gpuUs).toBeCloseTo(292_828, 3)
      expect(a.simulatedIterationS).toBeGreaterThanOrEqual(gpuUs * us * (1 - 1e-12))
      expect(a.simulatedIterationS).toBeLessThan(gpuUs * us * 1.05)
      expect(a.criticalPath.lengthS).toBeCloseTo(a.simulatedIterationS, 12)
      for (const recipe of ['scale-class:0.5', 'amp', 'reconstructed-bn', 'amp+reconstructed-bn']) {
        const w = analyzeExecutionTrace(et, { whatIf: recipe }).whatIf!
        expect(w.predictedIterationS).toBeLessThanOrEqual(a.simulatedIterationS)
        expect(w.speedup).toBeGreaterThan(1)
      }
      const comm = analyzeExecutionTrace(et, {
        whatIf: 'scale-class',
        whatIfOptions: { taskClass: 'communication', factor: 0.5 },
      })
      expect(comm.whatIf!.predictedIterationS).toBeLessThanOrEqual(a.simulatedIterationS)
      const ddp = analyzeExecutionTrace(et, { whatIf: 'ddp:8', whatIfOptions: { gradientBytes: 100e6 } })
      expect(ddp.whatIf!.predictedIterationS).toBeGreaterThanOrEqual(a.simulatedIterationS) // adds work
      for (const recipe of ['fused-adam', 'no-optimizer', 'p3:8', 'vdnn'])
        expect(() => analyzeExecutionTrace(et, { whatIf: recipe })).toThrow(
          expect.objectContaining({ code: 'WHAT_IF_UNSUPPORTED', recipe }),
        )
    },
  )

  it('PARAM linear host ET timed by its Kineto trace replays the recorded span exactly', () => {
    const kineto = loadTrace(file('param/linear_kineto.json.gz'))
    const a = analyzeExecutionTrace(file('param/linear_et.json.gz'), { kineto })
    // First to last linked top-level operator in the Kineto trace: 1,014,385 µs.
    expect(a.measuredIterationS).toBeCloseTo(1.014385, 9)
    expect(Math.abs(a.replayErrorFraction)).toBeLessThan(1e-9)
    expect(a.replayStartErrorS.max).toBeLessThan(1e-9)
    // Only 47 of the 155 top-level operators find their cpu_op (rf_id = External id with the same name).
    expect(a.warnings).toContainEqual(expect.objectContaining({ code: 'ET_UNTIMED', count: 108 }))
    // Forward, backward (autograd thread) and optimizer phases come from the operator names.
    const phases = analyzeExecutionTrace(file('param/linear_et.json.gz'), { kineto, whatIf: 'no-optimizer' })
    expect(phases.whatIf!.predictedIterationS).toBeLessThanOrEqual(a.simulatedIterationS)
  })

  it('HTA simple_add: record-function scopes are transparent and every operator links', () => {
    const a = analyzeExecutionTrace(file('hta/execution_trace/benchmark_simple_add_et.json.gz'), {
      kineto: file('hta/execution_trace/benchmark_simple_add_trace.json.gz'),
    })
    // rand, rand, then zeros/to/mul and add per [param|...] block: 10 operators, none untimed.
    expect(a.taskCount).toBe(10)
    expect(a.warnings).toEqual([])
    expect(a.measuredIterationS).toBeCloseTo(19.691071, 9)
    expect(Math.abs(a.replayErrorFraction)).toBeLessThan(1e-12)
  })

  it('a host ET without GPU kernels rejects GPU what-ifs with a typed error', () => {
    expect(() => analyzeExecutionTrace(file('chakra/1.0.2-chakra.0.0.4.tgz'), { whatIf: 'amp' })).toThrow(
      expect.objectContaining({ code: 'WHAT_IF_UNSUPPORTED', format: 'host-et', recipe: 'amp' }),
    )
  })
})
