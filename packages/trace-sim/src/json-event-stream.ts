import { LimitExceededError } from '@dnnperf/ir'

/** A JSON syntax error met while scanning, with its 1-based position. */
export interface ScanError {
  readonly line: number
  readonly column: number
  readonly byteOffset: number
  readonly detail: string
}

/** What the scanner hands out: one event, one top-level key with its value, or the end. */
export interface EventSink {
  event(value: unknown, index: number): void
  /** Top-level key of an object document; `value` is parsed only for keys in `keepTopKeys`. */
  top(key: string, value: unknown): void
}

enum S {
  Start,
  ObjectKey,
  Colon,
  TopValue,
  AfterTopValue,
  Array,
  AfterEvent,
  Done,
  Failed,
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NEWLINE = 0x0a

/**
 * Incremental reader of a Chrome-trace document (`{"traceEvents": [...], ...}` or a bare array) fed byte chunks.
 * Only the structure is tracked byte by byte (depth, strings, escapes); each element of `traceEvents` is cut out
 * and handed to `JSON.parse` alone, so memory holds one event at a time plus whatever the sink keeps. Top-level
 * values whose key is not in `keepTopKeys` are skipped without being stored.
 *
 * Exact. O(bytes). A value longer than `maxValueBytes` throws LimitExceededError (`LIMIT_EXCEEDED`).
 */
export class TraceEventScanner {
  private state: S = S.Start
  private bare = false
  private key = ''
  // Value being read: depth of brackets, string/escape state, whether bytes are kept, the kept parts.
  private inValue = false
  private depth = 0
  private inString = false
  private escape = false
  private primitive = false
  private keep = false
  private parts: Buffer[] = []
  private partBytes = 0
  private valueStart = 0
  private valueLine = 1
  private valueColumn = 1
  // Key being read (top-level object keys only; short).
  private inKey = false
  private keyParts: Buffer[] = []
  private keyStart = 0
  private offset = 0
  private line = 1
  private lineStartOffset = 0
  /** Elements of the events array read so far (including non-objects). */
  eventCount = 0
  /** Byte offset just after the last complete event. */
  lastEventEnd = 0
  /** Whether the events array (bare, or the value of `traceEvents`) was entered. */
  sawEvents = false
  /** Set when the scanner stopped on a syntax error (the sink keeps what it had). */
  error: ScanError | undefined

  constructor(
    private readonly sink: EventSink,
    private readonly keepTopKeys: ReadonlySet<string>,
    private readonly maxValueBytes = 256 * 2 ** 20,
  ) {}

  /** Feeds the next bytes. Returns false once the scanner has stopped (syntax error or document complete). */
  push(chunk: Buffer): boolean {
    if (this.state === S.Failed) return false
    const n = chunk.length
    let i = 0
    if (this.inValue) this.valueStart = 0
    if (this.inKey) this.keyStart = 0
    while (i < n) {
      if (this.inValue) {
        i = this.scanValue(chunk, i)
        if (this.inValue) break // chunk exhausted inside the value
        continue
      }
      if (this.inKey) {
        const q = this.findStringEnd(chunk, i)
        if (q < 0) {
          this.keyParts.push(chunk.subarray(this.keyStart))
          if (this.keyParts.length > 64) return this.fail(i, 'object key too long')
          i = n
          break
        }
        this.keyParts.push(chunk.subarray(this.keyStart, q))
        this.key = safeParseString(Buffer.concat(this.keyParts))
        this.keyParts = []
        this.inKey = false
        this.state = S.Colon
        i = q + 1
        continue
      }
      const c = chunk[i]!
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === NEWLINE) {
        if (c === NEWLINE) this.newline(i)
        i++
        continue
      }
      switch (this.state) {
        case S.Start:
          if (c === 0x7b) this.state = S.ObjectKey
          else if (c === 0x5b) {
            this.bare = true
            this.sawEvents = true
            this.state = S.Array
          } else if (c === 0xef && i === 0 && this.offset === 0) {
            i += 3 // UTF-8 byte-order mark
            continue
          } else return this.fail(i, `expected "{" or "[" at the start of the document`)
          i++
          break
        case S.ObjectKey:
          if (c === QUOTE) {
            this.inKey = true
            this.keyStart = i + 1
            this.keyParts = []
            this.escape = false
            i++
          } else if (c === 0x7d) {
            this.state = S.Done
            i++
          } else return this.fail(i, 'expected an object key')
          break
        case S.Colon:
          if (c !== 0x3a) return this.fail(i, 'expected ":" after an object key')
          this.state = S.TopValue
          i++
          break
        case S.TopValue:
          if (this.key === 'traceEvents' && c === 0x5b) {
            this.sawEvents = true
            this.state = S.Array
            i++
          } else {
            this.beginValue(chunk, i, this.keepTopKeys.has(this.key))
          }
          break
        case S.AfterTopValue:
          if (c === 0x2c) this.state = S.ObjectKey
          else if (c === 0x7d) this.state = S.Done
          else return this.fail(i, 'expected "," or "}" after a value')
          i++
          break
        case S.Array:
          if (c === 0x5d && this.eventCount === 0) {
            this.state = this.bare ? S.Done : S.AfterTopValue
            i++
          } else this.beginValue(chunk, i, true)
          break
        case S.AfterEvent:
          if (c === 0x2c) this.state = S.Array
          else if (c === 0x5d) this.state = this.bare ? S.Done : S.AfterTopValue
          else return this.fail(i, 'expected "," or "]" after an event')
          i++
          break
        case S.Done:
          return this.fail(i, 'unexpected text after the end of the document')
        default:
          return false
      }
    }
    this.consumed(chunk, n)
    return true
  }

  /** True once the closing bracket of the document was read. */
  get complete(): boolean {
    return this.state === S.Done
  }

  /** Byte offset reached. */
  get bytesRead(): number {
    return this.offset
  }

  /**
   * A primitive at the very end of the input (`[1`) has no delimiter after it; a complete document never
   * ends inside a value, so nothing is flushed here: the caller treats an incomplete document as truncated.
   */
  private consumed(chunk: Buffer, n: number): void {
    if (this.inValue && this.keep) {
      const part = chunk.subarray(this.valueStart, n)
      this.parts.push(part)
      this.partBytes += part.length
      if (this.partBytes > this.maxValueBytes) {
        throw new LimitExceededError({
          what: `one JSON value of the trace (from line ${this.valueLine})`,
          limit: this.maxValueBytes,
        })
      }
    }
    if (this.inKey) this.keyStart = 0
    this.offset += n
  }

  private newline(i: number): void {
    this.line++
    this.lineStartOffset = this.offset + i + 1
  }

  private fail(i: number, detail: string): false {
    this.error = {
      line: this.line,
      column: this.offset + i - this.lineStartOffset + 1,
      byteOffset: this.offset + i,
      detail,
    }
    this.state = S.Failed
    this.inValue = false
    this.parts = []
    return false
  }

  /** Index of the closing quote of the string being read from `i`, or -1 (escape state kept across chunks). */
  private findStringEnd(chunk: Buffer, i: number): number {
    const n = chunk.length
    while (i < n) {
      if (this.escape) {
        this.escape = false
        i++
        continue
      }
      const q = chunk.indexOf(QUOTE, i)
      const end = q < 0 ? n : q
      // Backslashes are rare: look for one only before the candidate closing quote.
      let b = -1
      for (let k = i; k < end; k++) {
        if (chunk[k] === BACKSLASH) {
          b = k
          break
        }
      }
      if (b >= 0) {
        this.escape = true
        i = b + 1
        continue
      }
      if (q < 0) return -1
      this.inString = false
      return q
    }
    return -1
  }

  private beginValue(chunk: Buffer, i: number, keep: boolean): void {
    this.inValue = true
    this.keep = keep
    this.parts = []
    this.partBytes = 0
    this.valueStart = i
    this.valueLine = this.line
    this.valueColumn = this.offset + i - this.lineStartOffset + 1
    this.depth = 0
    this.inString = false
    this.escape = false
    const c = chunk[i]!
    this.primitive = c !== 0x7b && c !== 0x5b && c !== QUOTE
  }

  /** Advances through the current value; returns the index after it (or `chunk.length`). */
  private scanValue(chunk: Buffer, i: number): number {
    const n = chunk.length
    if (this.primitive) {
      while (i < n) {
        const c = chunk[i]!
        if (
          c === 0x2c ||
          c === 0x5d ||
          c === 0x7d ||
          c === 0x20 ||
          c === NEWLINE ||
          c === 0x0d ||
          c === 0x09
        ) {
          this.finishValue(chunk, i)
          return i
        }
        i++
      }
      return n
    }
    while (i < n) {
      if (this.inString) {
        const q = this.findStringEnd(chunk, i)
        if (q < 0) return n
        i = q + 1
        if (this.depth === 0) {
          this.finishValue(chunk, i)
          return i
        }
        continue
      }
      const c = chunk[i]!
      if (c === QUOTE) this.inString = true
      else if (c === 0x7b || c === 0x5b) this.depth++
      else if (c === 0x7d || c === 0x5d) {
        this.depth--
        if (this.depth === 0) {
          this.finishValue(chunk, i + 1)
          return i + 1
        }
      } else if (c === NEWLINE) this.newline(i)
      i++
    }
    return n
  }

  private finishValue(chunk: Buffer, end: number): void {
    this.inValue = false
    let value: unknown
    if (this.keep) {
      const last = chunk.subarray(this.valueStart, end)
      const bytes = this.parts.length === 0 ? last : Buffer.concat([...this.parts, last])
      this.parts = []
      try {
        value = JSON.parse(bytes.toString('utf8'))
      } catch (e) {
        this.error = {
          line: this.valueLine,
          column: this.valueColumn,
          byteOffset: this.offset + end - bytes.length,
          detail: `not valid JSON: ${(e as Error).message}`,
        }
        this.state = S.Failed
        return
      }
    }
    if (this.state === S.Array) {
      this.sink.event(value, this.eventCount++)
      this.lastEventEnd = this.offset + end
      this.state = S.AfterEvent
    } else {
      this.sink.top(this.key, value)
      this.state = S.AfterTopValue
    }
  }
}

function safeParseString(bytes: Buffer): string {
  try {
    return JSON.parse(`"${bytes.toString('utf8')}"`) as string
  } catch {
    return bytes.toString('utf8')
  }
}
