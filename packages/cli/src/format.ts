/** Human renderings: SI-prefixed numbers and aligned tables. */

const PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z'] as const

/** 1.56e9 → "1.56 G" (decimal prefixes). */
export function si(value: number, unit = '', digits = 3): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`.trim()
  let v = Math.abs(value)
  let p = 0
  while (v >= 1000 && p < PREFIXES.length - 1) {
    v /= 1000
    p++
  }
  const sign = value < 0 ? '-' : ''
  return `${sign}${Number(v.toPrecision(digits))} ${PREFIXES[p]}${unit}`.trim()
}

/** 1536 → "1.5 KiB" (binary prefixes, for memory). */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let v = value
  let u = 0
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${Number(v.toPrecision(3))} ${units[u]}`
}

/** 1234567 → "1,234,567". */
export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** Left-aligned first column, right-aligned others. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** Two-column key/value block. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const w = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
}
