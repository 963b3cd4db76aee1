import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { loadTraceFile, loadTraceStream } from './load-trace-file.js'
import { loadTrace } from './load-trace.js'
import { smallTrace } from './test-fixtures.js'

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const traceDir = join(dataDir, 'traces')
const tmp = mkdtempSync(join(tmpdir(), 'trace-sim-stream-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Bytes cut into chunks of `size` so every token boundary case is met. */
const chunked = (bytes: Uint8Array, size: number): Readable => {
  const parts: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) parts.push(Buffer.from(bytes.subarray(i, i + size)))
  return Readable.from(parts)
}
const text = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o, null, 1))

describe('loadTraceStream', () => {
  it('gives the same trace as loadTrace for every chunk size, plain and gzip', async () => {
    const doc = {
      ...smallTrace(),
      deviceProperties: [{ id: 0, name: 'x "quoted" \\ }' }],
      distributedInfo: { rank: 3 },
    }
    const bytes = text(doc)
    const expected = loadTrace(bytes, { source: 's' })
    expect(expected.metadata.rank).toBe(3)
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
      expect(await loadTraceStream(chunked(bytes, size), { source: 's' })).toEqual(expected)
      expect(await loadTraceStream(chunked(gzipSync(bytes), size), { source: 's' })).toEqual(expected)
    }
  })

  it('reads a bare array and escaped strings', async () => {
    const events = [
      { ph: 'X', cat: 'kernel', name: 'k\\"}]{[', pid: 0, tid: 7, ts: 5, dur: 2, args: { correlation: 1 } },
      { ph: 'X', cat: 'cpu_op', name: 'caf\u00e9 \ud83d\ude00', pid: 1, tid: 1, ts: 3, dur: 9 },
    ]
    const t = await loadTraceStream(chunked(text(events), 3))
    expect(t.originUs).toBe(3)
    expect(t.events.map((e) => [e.name, e.startNs])).toEqual([
      ['k\\"}]{[', 2000],
      ['caf\u00e9 \ud83d\ude00', 0],
    ])
  })

  it('keeps the events before a cut and warns', async () => {
    const bytes = text(smallTrace())
    const full = loadTrace(bytes)
    const cut = Buffer.from(bytes).toString('utf8').lastIndexOf('"ph"') // inside the last event
    const t = await loadTraceStream(chunked(bytes.subarray(0, cut), 5))
    expect(t.events.length).toBe(
      full.events.length - (full.events.at(-1)!.index === smallTrace().traceEvents.length - 1 ? 1 : 0),
    )
    expect(t.warnings[0]!.code).toBe('TRUNCATED')
    const gz = gzipSync(bytes)
    const g = await loadTraceStream(chunked(gz.subarray(0, Math.floor(gz.length * 0.8)), 100))
    expect(g.warnings.map((w) => w.code)).toContain('TRUNCATED_GZIP')
    expect(g.events.length).toBeGreaterThan(0)
    expect(g.events.length).toBeLessThan(full.events.length)
  })

  it('names line and column of a syntax error before any event', async () => {
    const bad = new TextEncoder().encode('{\n  "schemaVersion": 1,\n  "traceEvents" [')
    await expect(loadTraceStream(chunked(bad, 4))).rejects.toMatchObject({
      code: 'TRACE_MALFORMED',
      line: 3,
      column: 17,
    })
  })

  it('rejects an execution trace, a non-array traceEvents and an empty input with TRACE_MALFORMED', async () => {
    for (const doc of [{ nodes: [] }, { traceEvents: { a: 1 } }, 'true', '']) {
      const bytes = typeof doc === 'string' ? new TextEncoder().encode(doc) : text(doc)
      await expect(loadTraceStream(chunked(bytes, 2))).rejects.toMatchObject({ code: 'TRACE_MALFORMED' })
    }
    await expect(loadTraceStream(chunked(text({ nodes: [1] }), 2))).rejects.toThrow(/execution trace/)
  })

  it('bounds one event by maxValueBytes', async () => {
    await expect(
      loadTraceStream(chunked(text(smallTrace()), 50), { maxValueBytes: 64 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
  })
})

describe('loadTraceFile', () => {
  it('reads plain and gzip files and reports a missing one', async () => {
    const bytes = text(smallTrace())
    writeFileSync(join(tmp, 'a.json'), bytes)
    writeFileSync(join(tmp, 'a.json.gz'), gzipSync(bytes))
    const expected = loadTrace(bytes, { source: 'x' })
    expect(await loadTraceFile(join(tmp, 'a.json'), { source: 'x' })).toEqual(expected)
    expect(await loadTraceFile(join(tmp, 'a.json.gz'), { source: 'x' })).toEqual(expected)
    await expect(loadTraceFile(join(tmp, 'missing.json'))).rejects.toMatchObject({ code: 'TRACE_MALFORMED' })
  })
})

function kinetoTraces(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...kinetoTraces(p))
    // The small traces (every schema, CUDA and ROCm) plus one 2021 trace keep this under a few seconds;
    // tools/bench/trace-sim-fuzz.mjs compares the readers on 10,000 generated inputs.
    else if (
      name.endsWith('.json.gz') &&
      !name.includes('_et.') &&
      !p.includes('chakra') &&
      (statSync(p).size < 200_000 || name === 'worker0.1623143089861.pt.trace.json.gz')
    )
      out.push(p)
  }
  return out.sort()
}

describe.skipIf(!existsSync(traceDir))(
  'streaming equals whole-document reading on public traces (needs ../shared/data)',
  () => {
    const files = existsSync(traceDir) ? kinetoTraces(traceDir) : []
    it.each(files.map((f) => relative(traceDir, f)))('%s', async (name) => {
      const p = join(traceDir, name)
      expect(await loadTraceFile(p)).toEqual(loadTrace(p))
    })
  },
)
