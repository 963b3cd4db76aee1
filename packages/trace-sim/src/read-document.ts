import { constants as bufferConstants } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { constants, gunzipSync } from 'node:zlib'
import { LimitExceededError } from '@dnnperf/ir'
import { TraceMalformedError } from './errors.js'
import type { TraceWarning } from './types.js'

/**
 * Bytes → parsed JSON document, tolerant of gzip, tar(.gz) archives holding one trace, and truncation.
 * @throws LimitExceededError (`LIMIT_EXCEEDED`) beyond Node's maximum string length (~512 MiB of text); such files
 * go through `loadTraceFile`, which streams them into the same normaliser one event at a time.
 */
export function readTraceDocument(
  input: string | Uint8Array,
  source: string,
  warnings: TraceWarning[],
): unknown {
  let bytes: Uint8Array
  if (typeof input === 'string') {
    try {
      bytes = readFileSync(input)
    } catch (e) {
      throw new TraceMalformedError({ source, detail: `cannot read file: ${(e as Error).message}` })
    }
  } else bytes = input
  bytes = maybeGunzip(bytes, source, warnings)
  if (isTar(bytes)) bytes = maybeGunzip(extractTraceFromTar(bytes, source), source, warnings)
  // Node cannot hold more text than this in one string; such traces need the streaming `loadTraceFile`.
  if (bytes.length > bufferConstants.MAX_STRING_LENGTH) {
    throw new LimitExceededError({
      what: `trace text of ${bytes.length} bytes (whole-document parse; stream it with loadTraceFile)`,
      limit: bufferConstants.MAX_STRING_LENGTH,
    })
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  return parseJsonText(text, source, warnings)
}

function maybeGunzip(bytes: Uint8Array, source: string, warnings: TraceWarning[]): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes
  try {
    return gunzipSync(bytes)
  } catch {
    // A cut-off download: keep what decompresses, then let the JSON repair decide whether it is usable.
    try {
      const partial = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH })
      warnings.push({
        code: 'TRUNCATED_GZIP',
        message: 'gzip stream ends early; using the part that decompresses',
        count: 1,
      })
      return partial
    } catch (e) {
      throw new TraceMalformedError({ source, detail: `not a readable gzip stream: ${(e as Error).message}` })
    }
  }
}

function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar'
}

/** The first regular file of a tar archive whose name ends in .json or .json.gz and that mentions traceEvents. */
function extractTraceFromTar(bytes: Uint8Array, source: string): Uint8Array {
  const names: string[] = []
  let off = 0
  while (off + 512 <= bytes.length) {
    const header = Buffer.from(bytes.subarray(off, off + 512))
    if (header.every((b) => b === 0)) break
    const name = header.toString('latin1', 0, 100).replace(/\0.*$/s, '')
    const size = Number.parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8)
    const type = header.toString('latin1', 156, 157)
    const start = off + 512
    if (!Number.isFinite(size) || size < 0) break
    const base = name.split('/').pop() ?? name
    if (
      (type === '0' || type === '\0' || type === '') &&
      /\.json(\.gz)?$/.test(name) &&
      !base.startsWith('._')
    ) {
      names.push(name)
      const body = bytes.subarray(start, Math.min(bytes.length, start + size))
      const head = Buffer.from(body.subarray(0, 4096)).toString('latin1')
      if (body[0] === 0x1f || head.includes('traceEvents')) return body
    }
    off = start + Math.ceil(size / 512) * 512
  }
  throw new TraceMalformedError({
    source,
    field: 'traceEvents',
    detail: `tar archive holds no Kineto trace (JSON files seen: ${names.join(', ') || 'none'})`,
  })
}

/** JSON.parse with a bounded repair of truncated traces (cut back to the last complete event, close arrays). */
function parseJsonText(text: string, source: string, warnings: TraceWarning[]): unknown {
  try {
    return JSON.parse(text)
  } catch (first) {
    const events = text.indexOf('"traceEvents"')
    if (events >= 0) {
      let cut = text.length
      for (let attempt = 0; attempt < 64; attempt++) {
        cut = text.lastIndexOf('}', cut - 1)
        if (cut <= events) break
        try {
          const doc = JSON.parse(`${text.slice(0, cut + 1)}]}`)
          warnings.push({
            code: 'TRUNCATED',
            message: `trace text ends early; kept events up to character ${cut + 1} of ${text.length}`,
            count: 1,
          })
          return doc
        } catch {
          // keep cutting back
        }
      }
    }
    const { line, column } = locate(text, (first as Error).message)
    throw new TraceMalformedError({
      source,
      detail: `not valid JSON: ${(first as Error).message}`,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
    })
  }
}

function locate(text: string, message: string): { line?: number; column?: number } {
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) }
  const pos = /position (\d+)/.exec(message)
  const p = pos ? Number(pos[1]) : errorOffset(text)
  if (p === undefined) return {}
  let line = 1
  let lineStart = 0
  for (let i = 0; i < p && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: p - lineStart + 1 }
}

/**
 * Offset of the first syntax error when the engine's message gives none (Node 20): the shortest prefix whose
 * parse fails for a reason other than ending early, by binary search. Only for texts up to 64 MB.
 */
function errorOffset(text: string): number | undefined {
  if (text.length > 64 * 2 ** 20) return undefined
  const failsInside = (len: number): boolean => {
    try {
      JSON.parse(text.slice(0, len))
      return false
    } catch (e) {
      const m = (e as Error).message
      if (/end of JSON input/i.test(m)) return false
      const at = /position (\d+)/.exec(m)
      return !(at !== null && Number(at[1]) >= len)
    }
  }
  let lo = 1
  let hi = text.length
  if (!failsInside(hi)) return undefined
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (failsInside(mid)) hi = mid
    else lo = mid + 1
  }
  return lo - 1
}
