import type { CoreCounts, ScheduledOp } from './types.js'

/** Options of {@link renderGantt}. */
export interface GanttOptions {
  /** Characters of the time axis (default 72, at least 10). */
  readonly widthChars?: number
  /** Core counts, so idle cores get a row too; by default only cores that appear in the schedule. */
  readonly cores?: CoreCounts
}

const SYMBOLS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Seconds with an SI prefix chosen for readability, e.g. `12.35 µs`. */
export function formatSeconds(s: number): string {
  const a = Math.abs(s)
  if (a === 0) return '0 s'
  if (a >= 1) return `${s.toPrecision(4)} s`
  if (a >= 1e-3) return `${(s * 1e3).toPrecision(4)} ms`
  if (a >= 1e-6) return `${(s * 1e6).toPrecision(4)} µs`
  return `${(s * 1e9).toPrecision(4)} ns`
}

/**
 * ASCII Gantt chart of a schedule: one row per tensor core (`T0`, `T1`, …) and vector core (`V0`, …), each op
 * drawn with its symbol over its interval (all-core ops on every row), then a legend `symbol  op  cores
 * start–end`. Every op with positive duration covers at least one cell. Pure function, O(ops · width).
 */
export function renderGantt(schedule: readonly ScheduledOp[], options: GanttOptions = {}): string {
  const width = Math.max(10, Math.floor(options.widthChars ?? 72))
  const makespan = schedule.reduce((m, s) => Math.max(m, s.endS), 0)
  const count = (engine: 'tensor' | 'vector'): number => {
    let n = options.cores?.[engine] ?? 0
    for (const s of schedule) if (s.engine === engine && s.cores !== 'all') n = Math.max(n, s.cores + 1)
    if (n === 0 && schedule.some((s) => s.engine === engine)) n = 1
    return n
  }
  const rows: { label: string; engine: 'tensor' | 'vector'; core: number; cells: string[] }[] = []
  for (const engine of ['tensor', 'vector'] as const) {
    for (let c = 0; c < count(engine); c++) {
      rows.push({
        label: `${engine === 'tensor' ? 'T' : 'V'}${c}`,
        engine,
        core: c,
        cells: new Array<string>(width).fill('.'),
      })
    }
  }
  const order = [...schedule].sort((a, b) => a.startS - b.startS || a.opId.localeCompare(b.opId))
  const col = (t: number): number => (makespan > 0 ? Math.round((t / makespan) * width) : 0)
  const legend: string[] = []
  order.forEach((s, k) => {
    const sym = SYMBOLS[k % SYMBOLS.length]!
    const from = Math.min(width - 1, col(s.startS))
    const to = s.endS > s.startS ? Math.max(from + 1, Math.min(width, col(s.endS))) : from
    for (const row of rows) {
      if (s.cores === 'all' || (row.engine === s.engine && row.core === s.cores)) {
        for (let x = from; x < to; x++) row.cells[x] = sym
      }
    }
    const where = s.cores === 'all' ? 'all cores' : `${s.engine === 'tensor' ? 'T' : 'V'}${s.cores}`
    legend.push(`  ${sym}  ${s.opId}  ${where}  ${formatSeconds(s.startS)} – ${formatSeconds(s.endS)}`)
  })
  const labelWidth = Math.max(2, ...rows.map((r) => r.label.length))
  const lines = [`makespan ${formatSeconds(makespan)}; one column = ${formatSeconds(makespan / width)}`]
  for (const r of rows) lines.push(`${r.label.padEnd(labelWidth)} |${r.cells.join('')}|`)
  lines.push(...legend)
  return lines.join('\n')
}
