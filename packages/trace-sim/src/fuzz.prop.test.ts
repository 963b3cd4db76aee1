import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { analyzeTrace } from './analyze.js'
import { loadTraceStream } from './load-trace-file.js'
import { loadTrace } from './load-trace.js'
import { smallTrace } from './test-fixtures.js'

/** Mutations of a valid trace: wrong types, missing or negative fields, junk values, truncation, shuffles. */
export const arbMalformedTrace = (): fc.Arbitrary<Uint8Array> =>
  fc
    .record({
      edits: fc.array(
        fc.record({
          event: fc.nat(),
          field: fc.constantFrom(
            'ts',
            'dur',
            'pid',
            'tid',
            'cat',
            'name',
            'ph',
            'args',
            'correlation',
            'stream',
          ),
          value: fc.oneof(
            fc.constant(undefined),
            fc.constant(null),
            fc.integer({ min: -1e6, max: 1e6 }),
            fc.double(),
            fc.string({ maxLength: 4 }),
            fc.constantFrom(
              'X',
              'kernel',
              'cuda_runtime',
              'cuda_sync',
              'cudaStreamSynchronize',
              'ProfilerStep#3',
            ),
            fc.array(fc.integer(), { maxLength: 2 }),
          ),
        }),
        { maxLength: 8 },
      ),
      duplicate: fc.array(fc.nat(), { maxLength: 4 }),
      shuffle: fc.boolean(),
      cutFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    })
    .map(({ edits, duplicate, shuffle, cutFraction }) => {
      const t = smallTrace()
      const events = t.traceEvents
      for (const e of edits) {
        const ev = events[e.event % events.length]!
        if (e.field === 'correlation' || e.field === 'stream') {
          ev.args = { ...((ev.args as object | undefined) ?? {}), [e.field]: e.value }
        } else if (e.value === undefined) delete ev[e.field]
        else ev[e.field] = e.value
      }
      for (const d of duplicate) events.push({ ...events[d % events.length]! })
      if (shuffle) events.reverse()
      const text = JSON.stringify(t)
      const cut = cutFraction === undefined ? text.length : Math.floor(text.length * cutFraction)
      return new TextEncoder().encode(text.slice(0, cut))
    })

describe('malformed traces', () => {
  it('give a typed error or a result with warnings, never a crash', () => {
    fc.assert(
      fc.property(
        arbMalformedTrace(),
        fc.constantFrom(undefined, 'amp', 'fused-adam', 'scale-class:0.5'),
        (bytes, recipe) => {
          try {
            const a = analyzeTrace(bytes, recipe === undefined ? {} : { whatIf: recipe })
            expect(Number.isFinite(a.simulatedIterationS)).toBe(true)
            expect(Number.isFinite(a.measuredIterationS)).toBe(true)
          } catch (e) {
            if (!isDnnperfError(e)) throw e
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

const chunked = (bytes: Uint8Array, size: number): Readable => {
  const parts: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) parts.push(Buffer.from(bytes.subarray(i, i + size)))
  return Readable.from(parts)
}

/** JSON text of arbitrary shape (any JSON value, pretty or compact) holding Chrome-trace-like events. */
const arbDocument = fc
  .record({
    events: fc.array(
      fc.record({
        ph: fc.constantFrom('X', 'X', 'i', 's'),
        cat: fc.constantFrom('kernel', 'cpu_op', 'cuda_runtime', 'x"y\\z'),
        name: fc.string({ maxLength: 12 }),
        pid: fc.oneof(fc.nat(5), fc.string({ maxLength: 3 })),
        tid: fc.nat(9),
        ts: fc.double({ min: 0, max: 1e9, noNaN: true }),
        dur: fc.double({ min: -5, max: 1e4, noNaN: true }),
        args: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    extra: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    bare: fc.boolean(),
    indent: fc.constantFrom(0, 1, 2),
  })
  .map(({ events, extra, bare, indent }) => {
    const { traceEvents: _drop, ...rest } = extra as Record<string, unknown>
    return JSON.stringify(bare ? events : { ...rest, traceEvents: events }, null, indent)
  })

describe('streaming reader', () => {
  it('equals the whole-document reader on any complete document, for any chunking, plain or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(arbDocument, fc.integer({ min: 1, max: 64 }), fc.boolean(), async (text, size, gz) => {
        const bytes = new TextEncoder().encode(text)
        let expected: unknown
        try {
          expected = loadTrace(bytes, { source: 's' })
        } catch (e) {
          expect(isDnnperfError(e)).toBe(true)
          await expect(loadTraceStream(chunked(bytes, size), { source: 's' })).rejects.toMatchObject({
            code: (e as { code: string }).code,
          })
          return
        }
        const input = gz ? gzipSync(bytes) : bytes
        expect(await loadTraceStream(chunked(input, size), { source: 's' })).toEqual(expected)
      }),
      { numRuns: 200 },
    )
  })

  it('never crashes on malformed or truncated input', async () => {
    await fc.assert(
      fc.asyncProperty(arbMalformedTrace(), fc.integer({ min: 1, max: 300 }), async (bytes, size) => {
        try {
          const t = await loadTraceStream(chunked(bytes, size))
          expect(t.events.length).toBeGreaterThan(0)
        } catch (e) {
          if (!isDnnperfError(e)) throw e
        }
      }),
      { numRuns: 200 },
    )
  })
})
