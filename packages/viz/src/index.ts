/** @dnnperf/viz: results to pictures. Pure functions returning SVG or HTML text; no DOM needed. */
export { barChartSvg, stackedBarsSvg } from './charts.js'
export type { Bar, BarChartOptions, StackedBar, StackedBarsOptions } from './charts.js'
export { ganttSvg, ganttAscii } from './gantt.js'
export type { GanttItem, GanttOptions } from './gantt.js'
export { htmlReport } from './report.js'
export type { ReportOptions, ReportSection } from './report.js'
export { escapeXml, formatValue, PALETTE } from './svg.js'
