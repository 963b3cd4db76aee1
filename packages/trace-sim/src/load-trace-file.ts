import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { isDnnperfError } from '@dnnperf/ir'
import { TraceMalformedError } from './errors.js'
import { TraceEventScanner } from './json-event-stream.js'
import { loadTrace, TOP_LEVEL_KEYS, TraceNormalizer } from './load-trace.js'
import type { LoadedTrace, LoadTraceOptions, TraceWarning } from './types.js'

/** Options of {@link loadTraceFile} and {@link loadTraceStream}. */
export interface LoadTraceFileOptions extends LoadTraceOptions {
  /** Largest single JSON value (one event, or a kept top-level value) in bytes [256 MiB]. */
  readonly maxValueBytes?: number
}

/**
 * Streams a Kineto Chrome-trace file (plain or gzip; `{"traceEvents": [...]}` or a bare array) into the same
 * {@link LoadedTrace} as `loadTrace`, without holding the document: bytes flow through `node:zlib` into an
 * incremental scanner that hands each event to the normaliser, which keeps only what the graph needs. Memory is
 * O(kept events), not O(file). A file that ends early (or whose gzip stream does) keeps the events read so far
 * with a `TRUNCATED` / `TRUNCATED_GZIP` warning. Tar archives are read whole by `loadTrace` (they are small).
 *
 * Exact; O(bytes).
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) for an unreadable file, a syntax error before the first event
 *   (with line/column), no `traceEvents` array, or no usable event.
 * @throws LimitExceededError (`LIMIT_EXCEEDED`) for one event larger than `maxValueBytes`.
 */
export async function loadTraceFile(path: string, options: LoadTraceFileOptions = {}): Promise<LoadedTrace> {
  const source = options.source ?? path
  let head: Buffer
  try {
    const fh = await open(path, 'r')
    try {
      head = Buffer.alloc(512)
      const { bytesRead } = await fh.read(head, 0, 512, 0)
      head = head.subarray(0, bytesRead)
    } finally {
      await fh.close()
    }
  } catch (e) {
    throw new TraceMalformedError({ source, detail: `cannot read file: ${(e as Error).message}` })
  }
  if (isTarHeader(head)) return loadTrace(path, { ...options, source })
  return loadTraceStream(createReadStream(path, { highWaterMark: 1 << 20 }), { ...options, source })
}

/**
 * Like {@link loadTraceFile} for any byte stream (a file, a socket, stdin); gzip is recognised by its magic bytes.
 * Exact; O(bytes). @throws like {@link loadTraceFile}.
 */
export async function loadTraceStream(
  input: Readable | AsyncIterable<Uint8Array>,
  options: LoadTraceFileOptions = {},
): Promise<LoadedTrace> {
  const source = options.source ?? 'stream'
  const warnings: TraceWarning[] = []
  const normalizer = new TraceNormalizer(source, options, warnings)
  let traceEventsNotArray = false
  const scanner = new TraceEventScanner(
    {
      event: (value, index) => normalizer.event(value, index),
      top: (key, value) => {
        if (key === 'traceEvents') traceEventsNotArray = true
        normalizer.top(key, value)
      },
    },
    TOP_LEVEL_KEYS,
    options.maxValueBytes,
  )
  let gzipCut: Error | undefined
  const bytes = decompressed(input)
  try {
    for await (const chunk of bytes) if (!scanner.push(chunk)) break
  } catch (e) {
    if (isDnnperfError(e)) throw e
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('Z_')) gzipCut = e as Error
    else throw new TraceMalformedError({ source, detail: `cannot read: ${(e as Error).message}` })
  } finally {
    await bytes.return(undefined)
    // Stop reading a file that the scanner gave up on early (syntax error, document complete).
    const stream = input as { destroy?: unknown }
    if (typeof stream.destroy === 'function') (stream.destroy as () => void).call(input)
  }
  if (gzipCut !== undefined && scanner.eventCount === 0 && scanner.bytesRead === 0) {
    throw new TraceMalformedError({ source, detail: `not a readable gzip stream: ${gzipCut.message}` })
  }
  if (gzipCut !== undefined) {
    warnings.push({
      code: 'TRUNCATED_GZIP',
      message: 'gzip stream ends early or is corrupt; using the part that decompresses',
      count: 1,
    })
  }
  if (traceEventsNotArray || !scanner.sawEvents) {
    const err = scanner.error
    if (err !== undefined && !traceEventsNotArray) {
      throw new TraceMalformedError({ source, detail: err.detail, line: err.line, column: err.column })
    }
    throw new TraceMalformedError({
      source,
      field: 'traceEvents',
      detail:
        normalizer.hasTopKey('nodes') || normalizer.hasTopKey('workload_graph')
          ? 'this is an execution trace (ET), not a Kineto profiler trace'
          : 'expected an array of events',
    })
  }
  if (!scanner.complete) {
    const err = scanner.error
    warnings.unshift({
      code: 'TRUNCATED',
      message:
        err !== undefined
          ? `unreadable JSON at line ${err.line} column ${err.column} (${err.detail}); kept the ${scanner.eventCount} events before it`
          : `trace text ends early; kept the ${scanner.eventCount} events up to byte ${scanner.lastEventEnd} of ${scanner.bytesRead}`,
      count: 1,
    })
  }
  return normalizer.finish()
}

/** The input's bytes as Buffers, through gunzip when the first bytes are the gzip magic. */
async function* decompressed(
  input: Readable | AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer, void, undefined> {
  const it = (input as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
  const toBuffer = (x: Uint8Array | string): Buffer =>
    typeof x === 'string'
      ? Buffer.from(x, 'utf8')
      : Buffer.isBuffer(x)
        ? x
        : Buffer.from(x.buffer, x.byteOffset, x.byteLength)
  // Enough bytes to see the gzip magic, even from a stream of one-byte chunks.
  let head = Buffer.alloc(0)
  let ended = false
  while (head.length < 2) {
    const r = await it.next()
    if (r.done === true) {
      ended = true
      break
    }
    head = Buffer.concat([head, toBuffer(r.value)])
  }
  if (head.length === 0) return
  async function* all(): AsyncGenerator<Buffer> {
    yield head
    if (ended) return
    for (;;) {
      const r = await it.next()
      if (r.done === true) return
      yield toBuffer(r.value)
    }
  }
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield* all()
    return
  }
  const raw = Readable.from(all(), { objectMode: false })
  const gunzip = createGunzip()
  raw.on('error', (e) => gunzip.destroy(e))
  raw.pipe(gunzip)
  try {
    for await (const part of gunzip) yield part as Buffer
  } finally {
    raw.destroy()
    gunzip.destroy()
  }
}

function isTarHeader(head: Buffer): boolean {
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true
  return false
}
