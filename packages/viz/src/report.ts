import { escapeXml } from './svg.js'

/** One section of an HTML report. */
export interface ReportSection {
  readonly heading: string
  /** Paragraphs of plain text. */
  readonly paragraphs?: readonly string[]
  /** SVG documents (from this package) shown inline. */
  readonly figures?: readonly string[]
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
}

/** Options of {@link htmlReport}. */
export interface ReportOptions {
  readonly title: string
  readonly subtitle?: string
  readonly sections: readonly ReportSection[]
}

/** A self-contained HTML page (no scripts, no external resources) that opens in any browser. */
export function htmlReport(options: ReportOptions): string {
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeXml(options.title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}',
    'table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}',
    'td:first-child,th:first-child{text-align:left}figure{margin:1rem 0}h1{margin-bottom:0}.sub{color:#666}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeXml(options.title)}</h1>`,
  ]
  if (options.subtitle !== undefined) parts.push(`<p class="sub">${escapeXml(options.subtitle)}</p>`)
  for (const s of options.sections) {
    parts.push(`<section><h2>${escapeXml(s.heading)}</h2>`)
    for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeXml(p)}</p>`)
    if (s.table !== undefined) {
      parts.push(
        '<table><thead><tr>',
        ...s.table.header.map((h) => `<th>${escapeXml(h)}</th>`),
        '</tr></thead><tbody>',
        ...s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`),
        '</tbody></table>',
      )
    }
    for (const f of s.figures ?? []) parts.push(`<figure>${f.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`)
    parts.push('</section>')
  }
  parts.push('</body>', '</html>')
  return parts.join('\n')
}
