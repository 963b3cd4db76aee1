/** Small SVG-writing helpers shared by the charts. Output is deterministic text: same input, same bytes. */

/** Escape text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}

/** A number with at most 2 decimals, no trailing zeros, as SVG coordinates want. */
export function n(x: number): string {
  return String(Math.round(x * 100) / 100)
}

/** Colour-blind-friendly categorical palette (Okabe–Ito), then greys. */
export const PALETTE: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#777777',
  '#BBBBBB',
]

/** Stable colour of a category: the first categories in order take the palette's colours. */
export function colourFor(category: string, order: readonly string[]): string {
  const i = order.indexOf(category)
  return PALETTE[Math.max(0, i) % PALETTE.length]!
}

/** Wrap drawing elements into a standalone SVG document. */
export function svgDocument(width: number, height: number, body: string[], title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="system-ui, sans-serif" font-size="12" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n')
}

/**
 * "1.5 ms", "2.3 GiB": a value with a prefix and its unit, three significant digits. Bytes (`B`) take binary
 * prefixes (KiB, MiB, GiB), as memory is usually read; every other unit takes SI prefixes.
 */
export function formatValue(value: number, unit: string): string {
  if (value === 0 || !Number.isFinite(value)) return `${value} ${unit}`.trim()
  if (unit === 'B') {
    const names = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
    let v = value
    let i = 0
    while (Math.abs(v) >= 1024 && i < names.length - 1) {
      v /= 1024
      i++
    }
    return `${Number(v.toPrecision(3))} ${names[i]}`
  }
  const prefixes: [number, string][] = [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
    [1, ''],
    [1e-3, 'm'],
    [1e-6, 'µ'],
    [1e-9, 'n'],
  ]
  const abs = Math.abs(value)
  const [scale, prefix] = prefixes.find(([s]) => abs >= s) ?? [1e-9, 'n']
  return `${Number((value / scale).toPrecision(3))} ${prefix}${unit}`.trim()
}

/** Round a maximum up to a "nice" axis end (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8 × 10^k). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(max))
  // Steps whose quarters are still round numbers (axes draw four intervals).
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10]) if (m * p >= max * (1 - 1e-12)) return m * p
  return 10 * p
}
