/** One regular file of a tar archive. */
export interface TarEntry {
  readonly name: string
  readonly body: Uint8Array
}

/**
 * Regular files of a (ustar/GNU/pax) tar archive held in memory, in archive order; pax extended headers and
 * directories are skipped, a truncated last file keeps the bytes present. Exact; O(bytes). Never throws.
 */
export function tarEntries(bytes: Uint8Array): TarEntry[] {
  const out: TarEntry[] = []
  let off = 0
  while (off + 512 <= bytes.length) {
    const header = Buffer.from(bytes.buffer, bytes.byteOffset + off, 512)
    if (header.every((b) => b === 0)) break
    const name = header.toString('latin1', 0, 100).replace(/\0.*$/s, '')
    const prefix = header.toString('latin1', 345, 500).replace(/\0.*$/s, '')
    const size = Number.parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8)
    const type = header.toString('latin1', 156, 157)
    const start = off + 512
    if (!Number.isFinite(size) || size < 0) break
    if (type === '0' || type === '\0' || type === '') {
      const full =
        prefix !== '' && header.toString('latin1', 257, 262) === 'ustar' ? `${prefix}/${name}` : name
      out.push({ name: full, body: bytes.subarray(start, Math.min(bytes.length, start + size)) })
    }
    off = start + Math.ceil(size / 512) * 512
  }
  return out
}

/** Whether `bytes` starts with a ustar header. */
export function isTarArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar'
}
