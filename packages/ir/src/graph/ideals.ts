import { LimitExceededError } from '../errors.js'
import type { CompiledDag } from './compiled-dag.js'

/**
 * All ideals (downsets: sets closed under predecessors) of a DAG, stored compactly.
 *
 * Ideal `i` is the bitset `bits[i * wordCount .. (i + 1) * wordCount)`: node `v` is a member when bit
 * `v & 31` of word `v >>> 5` is set. Ideals are sorted by size, so every proper sub-ideal of `i` has a smaller
 * index; ideal 0 is the empty set and ideal `count - 1` the whole graph. `hash[i]` is the XOR of `nodeHash`
 * over the members, so a search that adds or removes one node updates it in O(1) and finds the index with
 * {@link idealIndexOf}.
 */
export interface IdealSet {
  readonly nodeCount: number
  readonly count: number
  /** 32-bit words per ideal: ceil(nodeCount / 32), at least 1. */
  readonly wordCount: number
  readonly bits: Uint32Array
  /** Number of members of each ideal. */
  readonly size: Uint32Array
  /** Random 32-bit key per node (deterministic seed). */
  readonly nodeHash: Uint32Array
  /** XOR of the members' `nodeHash`, per ideal. */
  readonly hash: Uint32Array
  /** Open-addressing table: slot → ideal index or -1; length a power of two ≥ 2·count. */
  readonly table: Int32Array
}

/** Options of {@link enumerateIdeals}. */
export interface EnumerateIdealsOptions {
  /** Fail with LimitExceededError once more than this many ideals exist. Default 1,000,000. */
  readonly limit?: number
}

/** xorshift32 with a fixed seed: hashes must be reproducible run to run. */
function nodeKeys(n: number): Uint32Array {
  const out = new Uint32Array(n)
  let x = 0x9e3779b9
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x
  }
  return out
}

/** Slot of a 32-bit hash in a table of `mask + 1` slots (multiplicative spread, then linear probing). */
const slotOf = (hash: number, mask: number): number => (Math.imul(hash, 0x85ebca6b) >>> 0) & mask

/**
 * Index of the ideal whose bitset is `words` (with `hash` = XOR of its members' `nodeHash`), or -1.
 * Expected O(wordCount).
 */
export function idealIndexOf(set: IdealSet, words: Uint32Array, hash: number): number {
  return probe(set.table, set.hash, set.bits, set.wordCount, words, hash >>> 0)
}

function probe(
  table: Int32Array,
  hashes: Uint32Array,
  bits: Uint32Array,
  w: number,
  words: Uint32Array,
  hash: number,
): number {
  const mask = table.length - 1
  for (let slot = slotOf(hash, mask); ; slot = (slot + 1) & mask) {
    const id = table[slot]!
    if (id < 0) return -1
    if (hashes[id] !== hash) continue
    let k = 0
    const base = id * w
    while (k < w && bits[base + k] === words[k]) k++
    if (k === w) return id
  }
}

/** True when node `v` belongs to ideal `i`. O(1). */
export function idealHas(set: IdealSet, i: number, v: number): boolean {
  return ((set.bits[i * set.wordCount + (v >>> 5)]! >>> (v & 31)) & 1) === 1
}

/** Members of ideal `i`, ascending node indices. O(nodeCount). */
export function idealMembers(set: IdealSet, i: number): number[] {
  const out: number[] = []
  for (let v = 0; v < set.nodeCount; v++) if (idealHas(set, i, v)) out.push(v)
  return out
}

/**
 * Enumerate every ideal (predecessor-closed node set) of `dag`, breadth-first by size.
 *
 * Exact. Each ideal is expanded once by every node whose predecessors it contains, so the cost is
 * O(count · (V + E) + count · V/32) time and O(count · V/32) memory. The count is 2^V for an edgeless graph,
 * V + 1 for a chain, and grows with the product of branch lengths across parallel branches (Inception).
 *
 * @throws LimitExceededError (`LIMIT_EXCEEDED`) when the count exceeds `options.limit` (default 1,000,000).
 */
export function enumerateIdeals(dag: CompiledDag, options: EnumerateIdealsOptions = {}): IdealSet {
  const limit = options.limit ?? 1_000_000
  const n = dag.nodeIds.length
  const w = Math.max(1, Math.ceil(n / 32))
  const nodeHash = nodeKeys(n)
  let capacity = 1024
  let bits = new Uint32Array(capacity * w)
  let size = new Uint32Array(capacity)
  let hash = new Uint32Array(capacity)
  let table = new Int32Array(2 * capacity).fill(-1)
  let count = 0

  const insert = (id: number): void => {
    const mask = table.length - 1
    let slot = slotOf(hash[id]!, mask)
    while (table[slot]! >= 0) slot = (slot + 1) & mask
    table[slot] = id
  }
  const grow = (): void => {
    capacity *= 2
    const nb = new Uint32Array(capacity * w)
    nb.set(bits)
    bits = nb
    const ns = new Uint32Array(capacity)
    ns.set(size)
    size = ns
    const nh = new Uint32Array(capacity)
    nh.set(hash)
    hash = nh
    table = new Int32Array(2 * capacity).fill(-1)
    for (let id = 0; id < count; id++) insert(id)
  }

  // ideal 0: the empty set
  count = 1
  insert(0)

  const cur = new Uint32Array(w)
  for (let i = 0; i < count; i++) {
    const base = i * w
    for (let v = 0; v < n; v++) {
      if (((bits[base + (v >>> 5)]! >>> (v & 31)) & 1) === 1) continue
      let closed = true
      for (let e = dag.predStart[v]!; e < dag.predStart[v + 1]!; e++) {
        const u = dag.pred[e]!
        if (((bits[base + (u >>> 5)]! >>> (u & 31)) & 1) === 0) {
          closed = false
          break
        }
      }
      if (!closed) continue
      for (let k = 0; k < w; k++) cur[k] = bits[base + k]!
      cur[v >>> 5]! |= 1 << (v & 31)
      const h = (hash[i]! ^ nodeHash[v]!) >>> 0
      if (probe(table, hash, bits, w, cur, h) >= 0) continue
      if (count >= limit) throw new LimitExceededError({ what: 'number of ideals', limit })
      if (count === capacity) grow()
      bits.set(cur, count * w)
      size[count] = size[i]! + 1
      hash[count] = h
      insert(count)
      count++
    }
  }
  return {
    nodeCount: n,
    count,
    wordCount: w,
    bits: bits.slice(0, count * w),
    size: size.slice(0, count),
    nodeHash,
    hash: hash.slice(0, count),
    table,
  }
}
