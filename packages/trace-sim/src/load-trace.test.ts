import { gzipSync } from 'node:zlib'
import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { loadTrace } from './load-trace.js'
import { smallTrace } from './test-fixtures.js'

const bytes = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o))

function tarOf(name: string, body: Uint8Array): Uint8Array {
  const header = Buffer.alloc(512)
  header.write(name, 0, 'latin1')
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  header.write('0', 156, 'latin1')
  header.write('ustar\0', 257, 'latin1')
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512)
  return Buffer.concat([header, Buffer.from(body), pad, Buffer.alloc(1024)])
}

describe('loadTrace', () => {
  it('normalises a current-schema trace to integer ns from the origin', () => {
    const t = loadTrace(smallTrace())
    expect(t.originUs).toBe(1000)
    const gemm = t.events.find((e) => e.name === 'sm80_xmma_gemm_f32')!
    expect(gemm).toMatchObject({
      activity: 'kernel',
      startNs: 20_000,
      durNs: 40_000,
      correlation: 1,
      stream: 7,
    })
    const sync = t.events.find((e) => e.activity === 'sync')!
    expect(sync.stream).toBe(7) // from args.stream, not the tid + 1e6
    expect(t.steps).toEqual([{ number: 3, startNs: 0, endNs: 100_000, pid: '1', tid: '10' }])
    expect(t.metadata.flowEventCount).toBe(2)
    expect(t.metadata.hasSyncEvents).toBe(true)
  })

  it('maps 2021 legacy categories and lower-case external id', () => {
    const t = loadTrace({
      traceEvents: [
        {
          ph: 'X',
          cat: 'Operator',
          name: 'aten::mm',
          pid: 5,
          tid: '5',
          ts: 1623142623460111,
          dur: 25,
          args: { 'external id': 9 },
        },
        {
          ph: 'X',
          cat: 'Runtime',
          name: 'cudaLaunchKernel',
          pid: 5,
          tid: '5',
          ts: 1623142623460112,
          dur: 4,
          args: { correlation: 3 },
        },
        {
          ph: 'X',
          cat: 'Kernel',
          name: 'k',
          pid: 0,
          tid: 'stream 7',
          ts: 1623142623460120,
          dur: 2,
          args: { correlation: 3, stream: 7 },
        },
      ],
    })
    expect(t.events.map((e) => e.activity)).toEqual(['cpu_op', 'runtime', 'kernel'])
    expect(t.events[0]!.externalId).toBe(9)
    expect(t.events[2]!.startNs).toBe(9_000) // epoch µs made exact by subtracting the origin first
  })

  it('falls back to launch flows when correlation args are missing', () => {
    const t = loadTrace({
      traceEvents: [
        { ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid: 1, tid: 2, ts: 10, dur: 4 },
        { ph: 'X', cat: 'kernel', name: 'k', pid: 0, tid: 7, ts: 20, dur: 5, args: { stream: 7 } },
        { ph: 'f', cat: 'ac2g', name: 'ac2g', id: 42, pid: 0, tid: 7, ts: 20, bp: 'e' },
        { ph: 's', cat: 'ac2g', name: 'ac2g', id: 42, pid: 1, tid: 2, ts: 10 },
      ],
    })
    expect(t.events.map((e) => e.correlation)).toEqual([42, 42])
    expect(t.warnings.find((w) => w.code === 'CORRELATION_FROM_FLOW')?.count).toBe(2)
  })

  it('reads ns timestamps when told to', () => {
    const t = loadTrace(
      { traceEvents: [{ ph: 'X', cat: 'kernel', name: 'k', pid: 0, tid: 7, ts: 5500, dur: 250 }] },
      { timeUnit: 'ns' },
    )
    expect(t.events[0]).toMatchObject({ startNs: 500, durNs: 250 })
  })

  it('reads gzip and tar.gz inputs', () => {
    const gz = gzipSync(bytes(smallTrace()))
    expect(loadTrace(gz).events.length).toBe(9)
    const tgz = gzipSync(tarOf('trace/rank0.json', bytes(smallTrace())))
    expect(loadTrace(tgz).events.length).toBe(9)
  })

  it('warns on negative durations and events without timestamps instead of failing', () => {
    const t = loadTrace({
      traceEvents: [
        { ph: 'X', cat: 'kernel', name: 'a', pid: 0, tid: 7, ts: 10, dur: -3 },
        { ph: 'X', cat: 'kernel', name: 'b', pid: 0, tid: 7, dur: 3 },
        42,
      ],
    })
    expect(t.events).toHaveLength(1)
    expect(t.events[0]!.durNs).toBe(0)
    expect(t.warnings.map((w) => w.code).sort()).toEqual([
      'EVENT_MISSING_FIELD',
      'EVENT_NOT_OBJECT',
      'NEGATIVE_DURATION',
    ])
  })

  it('recovers a truncated file up to the last complete event', () => {
    const text = JSON.stringify(smallTrace())
    const cut = text.indexOf('"cudaStreamSynchronize"') + 10
    const t = loadTrace(new TextEncoder().encode(text.slice(0, cut)))
    expect(t.warnings.some((w) => w.code === 'TRUNCATED')).toBe(true)
    expect(t.events.map((e) => e.name)).toContain('vectorized_elementwise_relu')
    const gz = gzipSync(bytes(smallTrace()))
    const t2 = loadTrace(gz.subarray(0, Math.floor(gz.length * 0.8)))
    expect(t2.warnings.some((w) => w.code === 'TRUNCATED_GZIP')).toBe(true)
  })

  it('throws TRACE_MALFORMED with the line of a syntax error', () => {
    try {
      loadTrace(new TextEncoder().encode('{\n  "schemaVersion": 1,\n  "x": nope\n}'))
      expect.unreachable()
    } catch (e) {
      expect(isDnnperfError(e) && e.code).toBe('TRACE_MALFORMED')
      expect((e as { line: number }).line).toBe(3)
    }
  })

  it('throws TRACE_MALFORMED naming the field for non-traces', () => {
    expect(() => loadTrace({ schema: '1.0.1', nodes: [] })).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED', field: 'traceEvents' }),
    )
    expect(() => loadTrace({ traceEvents: [] })).toThrow(expect.objectContaining({ code: 'TRACE_MALFORMED' }))
    expect(() => loadTrace('/nonexistent/trace.json')).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED' }),
    )
  })
})
