import fc from 'fast-check'
import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { analyzeTrace } from './analyze.js'
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
