/** A decoded protobuf field: varint (as a number, exact up to 2^53), fixed 64/32 bits, or bytes. */
export type ProtoValue = number | Uint8Array

/** Fields of one protobuf message by field number, in wire order (repeated fields repeat). */
export type ProtoMessage = Map<number, ProtoValue[]>

/** Malformed protobuf bytes (the caller turns this into its own typed error with the offset). */
export class ProtoDecodeError extends Error {
  constructor(
    readonly offset: number,
    detail: string,
  ) {
    super(`protobuf: byte ${offset}: ${detail}`)
  }
}

/** Reads a base-128 varint at `pos`; returns [value, next]. Values above 2^53 lose precision (ids never do). */
export function readVarint(b: Uint8Array, pos: number): [number, number] {
  let value = 0
  let mul = 1
  for (let k = 0; k < 10; k++) {
    if (pos >= b.length) throw new ProtoDecodeError(pos, 'varint runs past the end')
    const byte = b[pos++]!
    value += (byte & 0x7f) * mul
    if ((byte & 0x80) === 0) return [value, pos]
    mul *= 128
  }
  throw new ProtoDecodeError(pos, 'varint longer than 10 bytes')
}

/** Decodes one message's fields (no schema: nested messages stay bytes). Exact; O(bytes). */
export function decodeMessage(b: Uint8Array): ProtoMessage {
  const out: ProtoMessage = new Map()
  let pos = 0
  while (pos < b.length) {
    const [key, p1] = readVarint(b, pos)
    pos = p1
    const field = Math.floor(key / 8)
    const wire = key % 8
    let value: ProtoValue
    if (wire === 0) [value, pos] = readVarint(b, pos)
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (pos + n > b.length) throw new ProtoDecodeError(pos, 'fixed-width field runs past the end')
      const view = new DataView(b.buffer, b.byteOffset + pos, n)
      value = wire === 1 ? view.getFloat64(0, true) : view.getFloat32(0, true)
      pos += n
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos)
      if (p2 + len > b.length) throw new ProtoDecodeError(p2, 'length-delimited field runs past the end')
      value = b.subarray(p2, p2 + len)
      pos = p2 + len
    } else throw new ProtoDecodeError(pos, `unsupported wire type ${wire}`)
    const list = out.get(field)
    if (list === undefined) out.set(field, [value])
    else list.push(value)
  }
  return out
}

/** Values of a repeated varint field, packed or not. */
export function repeatedVarints(m: ProtoMessage, field: number): number[] {
  const out: number[] = []
  for (const v of m.get(field) ?? []) {
    if (typeof v === 'number') out.push(v)
    else {
      let pos = 0
      while (pos < v.length) {
        const [x, p] = readVarint(v, pos)
        out.push(x)
        pos = p
      }
    }
  }
  return out
}

/** Length-prefixed (varint32) messages one after another, as Chakra writes `.et` files. */
export function delimitedMessages(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let pos = 0
  while (pos < b.length) {
    const [len, p] = readVarint(b, pos)
    if (p + len > b.length) throw new ProtoDecodeError(p, 'message runs past the end')
    out.push(b.subarray(p, p + len))
    pos = p + len
  }
  return out
}
