import { colourFor, escapeXml, formatValue, n, niceMax, svgDocument } from './svg.js'

/** One bar of a Gantt chart, in seconds. */
export interface GanttItem {
  readonly lane: string
  readonly startS: number
  readonly endS: number
  /** Text inside the bar when it fits, and in its tooltip. */
  readonly label?: string
  /** Colour group (e.g. forward, backward, communication). */
  readonly category?: string
}

/** Options of {@link ganttSvg} and {@link ganttAscii}. */
export interface GanttOptions {
  readonly title: string
  /** Lanes top to bottom (devices, cores, streams). Default: in order of first appearance. */
  readonly lanes?: readonly string[]
  readonly items: readonly GanttItem[]
  readonly width?: number
}

function lanesOf(options: GanttOptions): string[] {
  return options.lanes ? [...options.lanes] : [...new Set(options.items.map((i) => i.lane))]
}

/** A Gantt chart as an SVG string: lanes as rows, time along x from 0 to the last end, with a legend. */
export function ganttSvg(options: GanttOptions): string {
  const width = options.width ?? 900
  const lanes = lanesOf(options)
  const categories = [...new Set(options.items.map((i) => i.category ?? ''))].filter((c) => c !== '')
  const laneH = 22
  const labelW = Math.min(160, 12 + 7 * Math.max(4, ...lanes.map((l) => l.length)))
  const top = categories.length > 0 ? 50 : 32
  const plotW = width - labelW - 16
  const end = niceMax(Math.max(0, ...options.items.map((i) => i.endS)))
  const x = (t: number) => labelW + (t / end) * plotW
  const body: string[] = [
    `<text x="8" y="20" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  ]
  let lx = 8
  for (const c of categories) {
    body.push(
      `<rect x="${n(lx)}" y="28" width="10" height="10" fill="${colourFor(c, categories)}"/>`,
      `<text x="${n(lx + 14)}" y="37">${escapeXml(c)}</text>`,
    )
    lx += 24 + 7 * c.length
  }
  lanes.forEach((lane, i) => {
    const y = top + i * laneH
    body.push(
      `<text x="${n(labelW - 6)}" y="${n(y + 15)}" text-anchor="end">${escapeXml(lane)}</text>`,
      `<line x1="${n(labelW)}" y1="${n(y + laneH)}" x2="${n(labelW + plotW)}" y2="${n(y + laneH)}" stroke="#eeeeee"/>`,
    )
  })
  for (const item of options.items) {
    const row = lanes.indexOf(item.lane)
    if (row < 0) continue
    const y = top + row * laneH
    const x0 = x(item.startS)
    const w = Math.max(0.5, x(item.endS) - x0)
    const tip = `${item.label ?? item.lane}: ${formatValue(item.startS, 's')} – ${formatValue(item.endS, 's')}`
    body.push(
      `<rect x="${n(x0)}" y="${n(y + 2)}" width="${n(w)}" height="${laneH - 4}" fill="${colourFor(item.category ?? '', categories)}"${w >= 3 ? ' stroke="#ffffff" stroke-width="0.5"' : ''}><title>${escapeXml(tip)}</title></rect>`,
    )
    if (item.label !== undefined && w > 7 * item.label.length + 4) {
      body.push(
        `<text x="${n(x0 + 3)}" y="${n(y + 15)}" fill="#ffffff" font-size="10">${escapeXml(item.label)}</text>`,
      )
    }
  }
  const axisY = top + lanes.length * laneH
  for (let k = 0; k <= 4; k++) {
    const t = (end * k) / 4
    body.push(
      `<line x1="${n(x(t))}" y1="${n(axisY)}" x2="${n(x(t))}" y2="${n(axisY + 4)}" stroke="#333"/>`,
      `<text x="${n(x(t))}" y="${n(axisY + 16)}" text-anchor="middle" fill="#333">${escapeXml(formatValue(t, 's'))}</text>`,
    )
  }
  return svgDocument(width, axisY + 24, body, options.title)
}

/**
 * A Gantt chart as text for terminals: one row per lane, `columns` characters wide, each item drawn with the
 * first letter of its category (or `#`), idle time as `.`.
 */
export function ganttAscii(options: GanttOptions & { readonly columns?: number }): string {
  const columns = options.columns ?? 72
  const lanes = lanesOf(options)
  const end = Math.max(0, ...options.items.map((i) => i.endS))
  const labelW = Math.max(...lanes.map((l) => l.length), 4)
  const rows = lanes.map(() => new Array<string>(columns).fill('.'))
  for (const item of options.items) {
    const row = rows[lanes.indexOf(item.lane)]
    if (row === undefined || !(end > 0)) continue
    const a = Math.min(columns - 1, Math.floor((item.startS / end) * columns))
    const b = Math.max(a + 1, Math.min(columns, Math.round((item.endS / end) * columns)))
    const mark = (item.category ?? '#').charAt(0) || '#'
    for (let c = a; c < b; c++) row[c] = mark
  }
  const lines = lanes.map((lane, i) => `${lane.padEnd(labelW)} |${rows[i]!.join('')}|`)
  lines.push(`${''.padEnd(labelW)}  0${formatValue(end, 's').padStart(columns - 1)}`)
  return [options.title, ...lines].join('\n')
}
