import { colourFor, escapeXml, formatValue, n, niceMax, svgDocument } from './svg.js'

/** One bar of {@link barChartSvg}. */
export interface Bar {
  readonly label: string
  readonly value: number
  /** Category for the colour (and legend). Default: one colour for all bars. */
  readonly category?: string
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  readonly title: string
  /** Unit of the values, e.g. `s`, `B`, `FLOP`. */
  readonly unit: string
  readonly bars: readonly Bar[]
  /** Total width in pixels. Default 720. */
  readonly width?: number
}

/**
 * A horizontal bar chart as an SVG string: one labelled row per bar, lengths proportional to value.
 * Negative or non-finite values draw as empty bars with their value printed.
 */
export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 720
  const rowH = 18
  const labelW = Math.min(260, 12 + 7 * Math.max(4, ...options.bars.map((b) => b.label.length)))
  const valueW = 80
  const top = 32
  const plotW = width - labelW - valueW - 16
  const max = niceMax(Math.max(0, ...options.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))))
  const categories = [...new Set(options.bars.map((b) => b.category ?? ''))]
  const body: string[] = [
    `<text x="8" y="20" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  ]
  options.bars.forEach((b, i) => {
    const y = top + i * rowH
    const w = Number.isFinite(b.value) && b.value > 0 ? (b.value / max) * plotW : 0
    body.push(
      `<text x="${n(labelW - 6)}" y="${n(y + 13)}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect x="${n(labelW)}" y="${n(y + 3)}" width="${n(w)}" height="${rowH - 6}" fill="${colourFor(b.category ?? '', categories)}"><title>${escapeXml(`${b.label}: ${formatValue(b.value, options.unit)}`)}</title></rect>`,
      `<text x="${n(labelW + w + 4)}" y="${n(y + 13)}" fill="#333">${escapeXml(formatValue(b.value, options.unit))}</text>`,
    )
  })
  const height = top + options.bars.length * rowH + 10
  return svgDocument(width, height, body, options.title)
}

/** One bar of {@link stackedBarsSvg}: values per category, in the order of `categories`. */
export interface StackedBar {
  readonly label: string
  readonly values: readonly number[]
}

/** Options of {@link stackedBarsSvg}. */
export interface StackedBarsOptions {
  readonly title: string
  readonly unit: string
  readonly categories: readonly string[]
  readonly bars: readonly StackedBar[]
  /** A reference line, e.g. device memory capacity. */
  readonly limit?: { readonly value: number; readonly label: string }
  readonly width?: number
}

/** Horizontal stacked bars with a legend (e.g. memory per device by category), as an SVG string. */
export function stackedBarsSvg(options: StackedBarsOptions): string {
  const width = options.width ?? 720
  const rowH = 24
  const labelW = Math.min(200, 12 + 7 * Math.max(4, ...options.bars.map((b) => b.label.length)))
  const top = 52
  const plotW = width - labelW - 90
  const totals = options.bars.map((b) => b.values.reduce((s, v) => s + Math.max(0, v), 0))
  const max = niceMax(Math.max(options.limit?.value ?? 0, ...totals))
  const body: string[] = [
    `<text x="8" y="20" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  ]
  let lx = 8
  options.categories.forEach((c) => {
    body.push(
      `<rect x="${n(lx)}" y="30" width="10" height="10" fill="${colourFor(c, options.categories)}"/>`,
      `<text x="${n(lx + 14)}" y="39">${escapeXml(c)}</text>`,
    )
    lx += 24 + 7 * c.length
  })
  options.bars.forEach((b, i) => {
    const y = top + i * rowH
    let x = labelW
    body.push(`<text x="${n(labelW - 6)}" y="${n(y + 16)}" text-anchor="end">${escapeXml(b.label)}</text>`)
    b.values.forEach((v, k) => {
      const w = v > 0 && Number.isFinite(v) ? (v / max) * plotW : 0
      const c = options.categories[k] ?? String(k)
      body.push(
        `<rect x="${n(x)}" y="${n(y + 4)}" width="${n(w)}" height="${rowH - 8}" fill="${colourFor(c, options.categories)}"><title>${escapeXml(`${b.label} ${c}: ${formatValue(v, options.unit)}`)}</title></rect>`,
      )
      x += w
    })
    body.push(
      `<text x="${n(x + 4)}" y="${n(y + 16)}" fill="#333">${escapeXml(formatValue(totals[i]!, options.unit))}</text>`,
    )
  })
  const bottom = top + options.bars.length * rowH
  if (options.limit !== undefined) {
    const x = labelW + (options.limit.value / max) * plotW
    body.push(
      `<line x1="${n(x)}" y1="${n(top - 4)}" x2="${n(x)}" y2="${n(bottom)}" stroke="#D55E00" stroke-dasharray="4 3"/>`,
      `<text x="${n(x)}" y="${n(bottom + 14)}" text-anchor="middle" fill="#D55E00">${escapeXml(`${options.limit.label} ${formatValue(options.limit.value, options.unit)}`)}</text>`,
    )
  }
  return svgDocument(width, bottom + 24, body, options.title)
}
