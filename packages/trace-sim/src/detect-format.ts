import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { constants, gunzipSync } from 'node:zlib'
import { TraceMalformedError } from './errors.js'
import { isTarArchive, tarEntries } from './tar.js'
import type { ExecutionTrace } from './types.js'

/** What a trace file holds: a Kineto profiler trace or one of the execution-trace forms. */
export type TraceFileFormat = 'kineto' | ExecutionTrace['format']

const HEAD_BYTES = 1 << 20
const GZIP_HEAD_BYTES = 1 << 14 // inflates to at most ~16 MiB

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/**
 * Whether bytes start a JSON document rather than a length-delimited protobuf stream. A protobuf message whose
 * length is 123 or 91 starts with the byte of `{` or `[`, so the next significant byte decides: JSON continues
 * with a key, a value or a close.
 */
export function looksLikeJson(b: Uint8Array): boolean {
  let i = 0
  while (i < b.length && isSpace(b[i])) i++
  const first = b[i]
  if (first !== 0x7b && first !== 0x5b) return false
  i++
  while (i < b.length && isSpace(b[i])) i++
  if (i >= b.length) return true
  const next = b[i]!
  // `"` key/string, `}` / `]` close, `{` `[` nested, digits, `-`, and the letters of true/false/null.
  return (
    next === 0x22 ||
    next === 0x7d ||
    next === 0x5d ||
    next === 0x7b ||
    next === 0x5b ||
    next === 0x2d ||
    (next >= 0x30 && next <= 0x39) ||
    next === 0x74 ||
    next === 0x66 ||
    next === 0x6e
  )
}

/** The format of decompressed document bytes (only the head is needed). */
function sniff(bytes: Uint8Array): TraceFileFormat {
  let i = 0
  while (i < bytes.length && isSpace(bytes[i])) i++
  if (i >= bytes.length) return 'kineto' // empty: the Kineto reader reports it
  if (!looksLikeJson(bytes)) return 'chakra-protobuf'
  if (bytes[i] === 0x5b) return 'kineto' // a bare array of trace events
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEAD_BYTES)).toString(
    'latin1',
  )
  const m = /"(traceEvents|nodes|workload_graph)"\s*:/.exec(text)
  return m?.[1] === 'nodes' ? 'host-et' : m?.[1] === 'workload_graph' ? 'chakra-json' : 'kineto'
}

function inflateHead(head: Uint8Array): Uint8Array {
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return head
  try {
    return gunzipSync(head.subarray(0, GZIP_HEAD_BYTES), { finishFlush: constants.Z_SYNC_FLUSH })
  } catch {
    return new Uint8Array(0) // corrupt gzip: the Kineto reader reports it
  }
}

/**
 * Tells a Kineto profiler trace (`traceEvents`, or a bare event array) from an execution trace: a PyTorch host
 * ET (`nodes`), a jsonized Chakra ET (`workload_graph`) or a Chakra protobuf `.et` (binary), reading only the
 * head of the file (plain or gzip); a tar archive is opened and its first trace member examined. A document it
 * cannot place is called `kineto`, whose reader gives the precise error. Heuristic; O(head).
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) when the file cannot be read.
 */
export function detectTraceFormat(path: string): TraceFileFormat {
  let head: Uint8Array
  try {
    const fd = openSync(path, 'r')
    try {
      const buf = Buffer.alloc(HEAD_BYTES)
      head = buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0))
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    throw new TraceMalformedError({ source: path, detail: `cannot read file: ${(e as Error).message}` })
  }
  const inflated = inflateHead(head)
  if (!isTarArchive(inflated)) return sniff(inflated)
  // Archives are small (both readers load them whole): open it and look at the member the readers would pick.
  let whole: Uint8Array
  try {
    whole = readFileSync(path)
    if (whole[0] === 0x1f && whole[1] === 0x8b) whole = gunzipSync(whole)
  } catch {
    return 'kineto'
  }
  const member = tarEntries(whole).find((e) => {
    const base = e.name.split('/').pop() ?? e.name
    return !base.startsWith('._') && /\.(json|json\.gz|et)$/.test(e.name)
  })
  if (member === undefined) return 'kineto'
  if (member.name.endsWith('.et')) return 'chakra-protobuf'
  return sniff(inflateHead(member.body))
}
