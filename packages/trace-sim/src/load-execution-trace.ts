import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { looksLikeJson } from './detect-format.js'
import { TraceMalformedError } from './errors.js'
import { decodeMessage, delimitedMessages, ProtoDecodeError, repeatedVarints } from './protobuf.js'
import type { ProtoMessage } from './protobuf.js'
import { isTarArchive, tarEntries } from './tar.js'
import type { ExecutionNodeKind, ExecutionTrace, ExecutionTraceNode, TraceWarning } from './types.js'

/** Options of {@link loadExecutionTrace}. */
export interface LoadExecutionTraceOptions {
  readonly source?: string
  /** Archive member to read (suffix match); default: the first ET file (`.json`, `.json.gz` or `.et`). */
  readonly member?: string
}

// Chakra NodeType (CH:schema/protobuf/et_def.proto): 1 METADATA, 2 MEM_LOAD, 3 MEM_STORE, 4 COMP, 5 COMM_SEND,
// 6 COMM_RECV, 7 COMM_COLL.
const KIND_OF_TYPE: Readonly<Record<number, ExecutionNodeKind>> = {
  1: 'metadata',
  2: 'memory',
  3: 'memory',
  4: 'gpu',
  5: 'comm',
  6: 'comm',
  7: 'comm',
}

/**
 * Reads an execution trace: a PyTorch host ET (`ExecutionTraceObserver` JSON, flat schema 1.0.1 or nested
 * 1.0.2-chakra.0.0.4 and later), a jsonized Chakra ET (`workload_graph`), or a Chakra protobuf `.et`
 * (length-delimited `GlobalMetadata` then `Node` messages); plain, gzip, or inside a tar(.gz) archive.
 * Node kinds come from Chakra's NodeType and `is_cpu_op` (host-ET operators are `cpu`; GPU children of a linked
 * ET, with a Kineto `cat`, are `gpu`/`comm`/`memory`). Times: Chakra `duration_micros`/`start_time_micros`, a
 * linked host ET's `ts` and `inclusive_dur`; start times count from `originUs`. Exact; O(bytes).
 *
 * @throws TraceMalformedError (`TRACE_MALFORMED`) for unreadable bytes, an archive without an ET file, or a
 *   document that is none of the three forms (a Kineto trace is named as such).
 */
export function loadExecutionTrace(
  input: string | Uint8Array | object,
  options: LoadExecutionTraceOptions = {},
): ExecutionTrace {
  const source = options.source ?? (typeof input === 'string' ? input : 'buffer')
  const warnings: TraceWarning[] = []
  if (!(typeof input === 'string' || input instanceof Uint8Array)) return fromJson(input, source, warnings)
  let bytes: Uint8Array
  try {
    bytes = typeof input === 'string' ? readFileSync(input) : input
  } catch (e) {
    throw new TraceMalformedError({ source, detail: `cannot read file: ${(e as Error).message}` })
  }
  bytes = gunzip(bytes, source)
  let name = typeof input === 'string' ? input : ''
  if (isTarArchive(bytes)) {
    const files = tarEntries(bytes).filter((e) => {
      const base = e.name.split('/').pop() ?? e.name
      return !base.startsWith('._') && /\.(json|json\.gz|et)$/.test(e.name)
    })
    const pick = options.member !== undefined ? files.find((e) => e.name.endsWith(options.member!)) : files[0]
    if (pick === undefined) {
      throw new TraceMalformedError({
        source,
        detail: `archive holds no execution trace${options.member !== undefined ? ` named ${options.member}` : ''} (files: ${files.map((f) => f.name).join(', ') || 'none'})`,
      })
    }
    name = pick.name
    bytes = gunzip(pick.body, source)
  }
  const first = firstNonSpace(bytes)
  if (!looksLikeJson(bytes) && (name.endsWith('.et') || first !== undefined))
    return fromProtobuf(bytes, source, warnings)
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch (e) {
    throw new TraceMalformedError({ source, detail: `not valid JSON: ${(e as Error).message}` })
  }
  return fromJson(doc, source, warnings)
}

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes
  try {
    return gunzipSync(bytes)
  } catch (e) {
    throw new TraceMalformedError({ source, detail: `not a readable gzip stream: ${(e as Error).message}` })
  }
}

function firstNonSpace(b: Uint8Array): number | undefined {
  for (const c of b) if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c
  return undefined
}

const COMMUNICATION_KERNEL = /nccl|rccl/i

const num = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x)
    ? x
    : typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))
      ? Number(x)
      : undefined

const ids = (x: unknown): number[] =>
  Array.isArray(x)
    ? x.map(num).filter((v): v is number => v !== undefined)
    : num(x) !== undefined
      ? [num(x)!]
      : []

/** Tensor ids of an ET value list: a tensor is `[tensor_id, storage_id, offset, numel, itemsize, device]`. */
function tensorIds(values: unknown, out: number[] = []): number[] {
  if (!Array.isArray(values)) return out
  if (values.length === 6 && typeof values[0] === 'number' && typeof values[5] === 'string') {
    out.push(values[0])
    return out
  }
  for (const v of values) tensorIds(v, out)
  return out
}

function fromJson(doc: unknown, source: string, warnings: TraceWarning[]): ExecutionTrace {
  const top = (doc ?? {}) as Record<string, unknown>
  if (Array.isArray(top.workload_graph)) return fromJsonized(top.workload_graph, source, warnings)
  if (!Array.isArray(top.nodes)) {
    throw new TraceMalformedError({
      source,
      field: 'nodes',
      detail:
        'traceEvents' in top || Array.isArray(doc)
          ? 'this is a Kineto profiler trace, not an execution trace'
          : 'expected an execution trace (`nodes` or `workload_graph` array)',
    })
  }
  const nodes: ExecutionTraceNode[] = []
  let skipped = 0
  let untimedTs = 0
  const originUs = originOf(top.nodes.map((raw) => num((raw as { ts?: unknown } | null)?.ts)))
  for (const raw of top.nodes) {
    const n = (raw ?? {}) as Record<string, unknown>
    const id = num(n.id)
    if (id === undefined) {
      skipped++
      continue
    }
    // 1.0.2+ nests inputs as {values, shapes, types} and moves rf_id/tid into attrs.
    const attrs = new Map<string, unknown>()
    if (Array.isArray(n.attrs))
      for (const a of n.attrs as { name?: unknown; value?: unknown }[])
        if (a !== null && typeof a === 'object' && typeof a.name === 'string') attrs.set(a.name, a.value)
    const values = (io: unknown): unknown =>
      io !== null && typeof io === 'object' && !Array.isArray(io) ? (io as { values?: unknown }).values : io
    const parent = num(n.parent) ?? ids(n.ctrl_deps)[0]
    const rfId = num(n.rf_id ?? attrs.get('rf_id'))
    const tid = num(n.tid ?? attrs.get('tid'))
    const name = typeof n.name === 'string' ? n.name : String(n.name ?? '')
    // Linked ETs (Chakra's trace linker, "ET+") add Kineto times in µs to operators and GPU children.
    const tsUs = num(n.ts)
    const durUs = num(n.inclusive_dur ?? n.dur ?? n.exclusive_dur)
    const timed = tsUs !== undefined && durUs !== undefined && durUs >= 0
    if (tsUs !== undefined && !timed) untimedTs++
    const kind = hostKindOf(n.cat, name)
    const stream = num(n.stream)
    const node: ExecutionTraceNode = {
      id,
      name,
      kind,
      ctrlDeps: [],
      dataDeps: [],
      inputTensors: tensorIds(values(n.inputs)),
      outputTensors: tensorIds(values(n.outputs)),
      ...(parent !== undefined ? { parent } : {}),
      ...(rfId !== undefined ? { rfId } : {}),
      ...(tid !== undefined ? { tid } : {}),
      ...(timed ? { startS: (tsUs - (originUs ?? 0)) * 1e-6, durationS: durUs * 1e-6 } : {}),
      ...(kind !== 'cpu' && stream !== undefined ? { stream } : {}),
    }
    nodes.push(node)
  }
  if (untimedTs > 0)
    warnings.push({
      code: 'ET_BAD_DURATION',
      message:
        'ET nodes with a `ts` but no valid duration (inclusive_dur, dur, exclusive_dur) taken as untimed',
      count: untimedTs,
    })
  if (skipped > 0)
    warnings.push({
      code: 'ET_NODE_WITHOUT_ID',
      message: 'ET nodes without a numeric id skipped',
      count: skipped,
    })
  return {
    source,
    format: 'host-et',
    schema: typeof top.schema === 'string' ? top.schema : undefined,
    nodes,
    warnings,
    ...(originUs !== undefined ? { originUs } : {}),
  }
}

/** The floor of the earliest timestamp (µs), so that start times in seconds keep their sub-µs digits. */
function originOf(timestamps: readonly (number | undefined)[]): number | undefined {
  let min = Number.POSITIVE_INFINITY
  for (const t of timestamps) if (t !== undefined && t < min) min = t
  return Number.isFinite(min) ? Math.floor(min) : undefined
}

/** GPU children of a linked ET carry their Kineto category (`kernel`, `gpu_memcpy`, `gpu_memset`). */
function hostKindOf(cat: unknown, name: string): ExecutionNodeKind {
  if (typeof cat !== 'string') return 'cpu'
  if (/^(gpu_memcpy|gpu_memset|memcpy|memset)$/i.test(cat)) return 'memory'
  if (/^kernel$/i.test(cat)) return COMMUNICATION_KERNEL.test(name) ? 'comm' : 'gpu'
  return 'cpu'
}

function fromJsonized(graph: unknown[], source: string, warnings: TraceWarning[]): ExecutionTrace {
  const nodes: ExecutionTraceNode[] = []
  let skipped = 0
  for (const raw of graph) {
    const n = (raw ?? {}) as Record<string, unknown>
    const id = num(n.Id ?? n.id)
    if (id === undefined) {
      skipped++
      continue
    }
    const runtimeUs = num(n.runtime ?? n.duration_micros)
    nodes.push({
      id,
      name: typeof (n.Name ?? n.name) === 'string' ? ((n.Name ?? n.name) as string) : '',
      kind: kindOf(num(n.NodeType ?? n.type), n.is_cpu_op === true),
      ctrlDeps: ids(n.ctrlDeps ?? n.ctrl_deps),
      dataDeps: ids(n.data_deps ?? n.dataDeps),
      inputTensors: [],
      outputTensors: [],
      ...(runtimeUs !== undefined && runtimeUs >= 0 ? { durationS: runtimeUs * 1e-6 } : {}),
    })
  }
  if (skipped > 0)
    warnings.push({
      code: 'ET_NODE_WITHOUT_ID',
      message: 'ET nodes without a numeric id skipped',
      count: skipped,
    })
  return { source, format: 'chakra-json', schema: undefined, nodes, warnings }
}

function kindOf(type: number | undefined, isCpu: boolean): ExecutionNodeKind {
  const k = type === undefined ? 'gpu' : (KIND_OF_TYPE[type] ?? 'gpu')
  // Chakra marks host-side ops of any type with is_cpu_op; metadata stays metadata.
  return isCpu && k !== 'metadata' ? 'cpu' : k
}

const text = (v: unknown): string =>
  v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : ''

/** `AttributeProto`: name (field 1) and the first value field of its oneof (numbers stay numbers). */
function attrValue(m: ProtoMessage): unknown {
  for (const [field, values] of m) {
    if (field === 1) continue
    const v = values[0]
    return typeof v === 'number' ? v : text(v)
  }
  return undefined
}

function fromProtobuf(bytes: Uint8Array, source: string, warnings: TraceWarning[]): ExecutionTrace {
  try {
    const messages = delimitedMessages(bytes)
    if (messages.length === 0) throw new ProtoDecodeError(0, 'no message')
    let schema: string | undefined
    for (const a of decodeMessage(messages[0]!).get(2) ?? []) {
      const m = decodeMessage(a as Uint8Array)
      if (text(m.get(1)?.[0]) === 'schema') schema = String(attrValue(m))
    }
    const decoded = messages.slice(1).map((raw) => decodeMessage(raw))
    const originUs = originOf(
      decoded.map((m) => {
        const v = m.get(6)?.[0]
        return typeof v === 'number' ? v : undefined
      }),
    )
    const nodes: ExecutionTraceNode[] = []
    for (const m of decoded) {
      // Node (CH:schema/protobuf/et_def.proto): 1 id, 2 name, 3 type, 4 ctrl_deps, 5 data_deps,
      // 6 start_time_micros, 7 duration_micros, 8 inputs, 9 outputs, 10 attr.
      const id = m.get(1)?.[0]
      if (typeof id !== 'number') throw new ProtoDecodeError(0, 'node without an id')
      const attrs = new Map<string, unknown>()
      for (const a of m.get(10) ?? []) {
        if (!(a instanceof Uint8Array)) continue
        const am = decodeMessage(a)
        attrs.set(text(am.get(1)?.[0]), attrValue(am))
      }
      const type = m.get(3)?.[0]
      const dur = m.get(7)?.[0]
      const start = m.get(6)?.[0]
      const rfId = attrs.get('rf_id')
      const tid = attrs.get('tid')
      nodes.push({
        id,
        name: text(m.get(2)?.[0]),
        kind: kindOf(typeof type === 'number' ? type : undefined, attrs.get('is_cpu_op') === 1),
        ctrlDeps: repeatedVarints(m, 4),
        dataDeps: repeatedVarints(m, 5),
        inputTensors: [],
        outputTensors: [],
        ...(typeof dur === 'number' ? { durationS: dur * 1e-6 } : {}),
        ...(typeof start === 'number' ? { startS: (start - (originUs ?? 0)) * 1e-6 } : {}),
        ...(typeof rfId === 'number' ? { rfId } : {}),
        ...(typeof tid === 'number' ? { tid } : {}),
      })
    }
    return {
      source,
      format: 'chakra-protobuf',
      schema,
      nodes,
      warnings,
      ...(originUs !== undefined ? { originUs } : {}),
    }
  } catch (e) {
    if (e instanceof ProtoDecodeError || e instanceof RangeError) {
      throw new TraceMalformedError({ source, detail: `not a Chakra protobuf ET: ${e.message}` })
    }
    throw e
  }
}
