import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { barChartSvg, stackedBarsSvg } from './charts.js'
import { ganttAscii, ganttSvg } from './gantt.js'
import { htmlReport } from './report.js'
import { formatValue } from './svg.js'

/** Well-formed enough for XML: tags nest and close, attribute values quoted, no stray `<` or `&`. */
function assertWellFormed(xml: string): void {
  const stack: string[] = []
  const re = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!doctype html>|([^<]+)/g
  let consumed = 0
  for (const m of xml.matchAll(re)) {
    expect(m.index).toBe(consumed)
    consumed += m[0].length
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/)
      continue
    }
    if (m[2] === undefined || m[4] === '/' || ['meta', 'br'].includes(m[2])) continue
    if (m[1] === '/') expect(stack.pop()).toBe(m[2])
    else stack.push(m[2])
  }
  expect(consumed).toBe(xml.length)
  expect(stack).toEqual([])
}

const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]))

describe('barChartSvg', () => {
  it('draws bars proportional to their values, labelled with units', () => {
    const svg = barChartSvg({
      title: 'time',
      unit: 's',
      bars: [
        { label: 'a', value: 1e-3 },
        { label: 'b', value: 2e-3 },
      ],
    })
    const [a, b] = widths(svg)
    expect(b! / a!).toBeCloseTo(2, 2)
    expect(svg).toContain('1 ms')
    expect(svg).toContain('2 ms')
    assertWellFormed(svg)
  })

  it('stays well-formed whatever the labels contain', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: fc.string(), value: fc.double({ min: 0, max: 1e12, noNaN: true }) }), {
          maxLength: 8,
        }),
        fc.string(),
        (bars, title) => {
          assertWellFormed(barChartSvg({ title, unit: 'B', bars }))
        },
      ),
    )
  })
})

describe('stackedBarsSvg', () => {
  it('stacks categories and draws the limit line', () => {
    const svg = stackedBarsSvg({
      title: 'memory per device',
      unit: 'B',
      categories: ['weights', 'activations'],
      bars: [{ label: 'gpu0', values: [30e9, 10e9] }],
      limit: { value: 80 * 2 ** 30, label: 'capacity' },
    })
    const [, , w1, w2] = widths(svg) // two legend swatches first
    expect(w1! / w2!).toBeCloseTo(3, 2)
    expect(svg).toContain('capacity 80 GiB')
    assertWellFormed(svg)
  })
})

describe('gantt', () => {
  const items = [
    { lane: 'gpu0', startS: 0, endS: 1, category: 'forward', label: 'F0' },
    { lane: 'gpu1', startS: 1, endS: 2, category: 'forward', label: 'F0' },
    { lane: 'gpu1', startS: 2, endS: 4, category: 'backward', label: 'B0' },
  ]

  it('renders an SVG with one bar per item placed on the time axis', () => {
    const svg = ganttSvg({ title: 'pipeline', items })
    assertWellFormed(svg)
    expect(svg.match(/<rect[^>]*stroke="#ffffff"/g)?.length).toBe(3)
  })

  it('renders ASCII rows with category marks', () => {
    expect(ganttAscii({ title: 'pipeline', items, columns: 8 })).toBe(
      ['pipeline', 'gpu0 |ff......|', 'gpu1 |..ffbbbb|', '      0    4 s'].join('\n'),
    )
  })
})

describe('htmlReport', () => {
  it('is a self-contained, escaped page', () => {
    const html = htmlReport({
      title: 'A & B',
      sections: [
        {
          heading: 'x<y',
          paragraphs: ['1 > 0'],
          table: { header: ['k', 'v'], rows: [['a', '1']] },
          figures: [barChartSvg({ title: 't', unit: 's', bars: [] })],
        },
      ],
    })
    assertWellFormed(html)
    expect(html).toContain('A &amp; B')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  })
})

describe('formatValue', () => {
  it('uses SI prefixes with three significant digits', () => {
    expect(formatValue(1.5e-3, 's')).toBe('1.5 ms')
    expect(formatValue(2.345e12, 'FLOP')).toBe('2.35 TFLOP')
    expect(formatValue(0, 'B')).toBe('0 B')
    expect(formatValue(1536, 'B')).toBe('1.5 KiB')
  })
})
