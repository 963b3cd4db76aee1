/** Writing a model as CPLEX LP text, the format GLPK, HiGHS, CBC, SCIP, Gurobi and CPLEX all read. */
import type { MilpModel } from './model.js'

/** Words an LP reader may take for a section keyword or infinity when they stand alone as a name. */
const RESERVED = new Set([
  'bin',
  'binaries',
  'binary',
  'bound',
  'bounds',
  'end',
  'free',
  'gen',
  'general',
  'generals',
  'inf',
  'infinity',
  'max',
  'maximize',
  'maximise',
  'maximum',
  'min',
  'minimize',
  'minimise',
  'minimum',
  'obj',
  's.t.',
  'semi',
  'semis',
  'sos',
  'st',
  'subject',
  'such',
  'that',
  'to',
])
const MAX_NAME_LENGTH = 255
const TERMS_PER_LINE = 8

/** An LP-safe name: letters, digits and `_` only, not starting like a number, not a keyword. */
function sanitize(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_')
  if (/^[0-9]/.test(s) || /^[eE]([0-9]|$)/.test(s) || RESERVED.has(s.toLowerCase())) s = `_${s}`
  return s.length > MAX_NAME_LENGTH - 12 ? s.slice(0, MAX_NAME_LENGTH - 12) : s
}

function uniqueNames(names: readonly string[], reserved: readonly string[]): string[] {
  const taken = new Set(reserved)
  return names.map((n) => {
    const base = sanitize(n)
    let s = base
    for (let k = 2; taken.has(s); k++) s = `${base}_${k}`
    taken.add(s)
    return s
  })
}

/** The names `toCplexLp` writes, by model name: sanitised and made unique (variables and constraints apart). */
export function cplexLpNames(model: MilpModel): {
  readonly variables: Record<string, string>
  readonly constraints: Record<string, string>
} {
  const vs = uniqueNames(
    model.variables.map((v) => v.name),
    [],
  )
  const cs = uniqueNames(
    model.constraints.map((c) => c.name),
    ['obj'],
  )
  return {
    variables: Object.fromEntries(model.variables.map((v, j) => [v.name, vs[j]!])),
    constraints: Object.fromEntries(model.constraints.map((c, i) => [c.name, cs[i]!])),
  }
}

function num(x: number): string {
  return String(x)
}

function linearText(
  terms: readonly { variableIndex: number; coefficient: number }[],
  names: readonly string[],
): string {
  const parts: string[] = []
  for (const [k, t] of terms.entries()) {
    const sign = t.coefficient < 0 ? '-' : '+'
    const text = `${sign} ${num(Math.abs(t.coefficient))} ${names[t.variableIndex]!}`
    parts.push(k > 0 && k % TERMS_PER_LINE === 0 ? `\n   ${text}` : text)
  }
  return parts.join(' ')
}

/**
 * The model as CPLEX LP text. Names are sanitised (see `cplexLpNames`); every variable appears at least once (with
 * a zero objective coefficient if it is otherwise unused), so a reader recreates all columns. Exact: numbers are
 * written with JavaScript's shortest round-trip formatting. O(variables + nonzeros).
 */
export function toCplexLp(model: MilpModel): string {
  const names = cplexLpNames(model)
  const vn = model.variables.map((v) => names.variables[v.name]!)
  const out: string[] = [`\\ Problem: ${model.name.replace(/[\r\n]/g, ' ')}`, '']
  out.push(model.objective.sense === 'maximize' ? 'Maximize' : 'Minimize')
  const used = new Uint8Array(vn.length)
  for (const c of model.constraints)
    for (const t of c.terms) if (t.coefficient !== 0) used[t.variableIndex] = 1
  const objTerms = model.objective.terms.filter((t) => t.coefficient !== 0)
  for (const t of objTerms) used[t.variableIndex] = 1
  const zeroTerms = [...used.keys()]
    .filter((j) => used[j] === 0)
    .map((j) => ({ variableIndex: j, coefficient: 0 }))
  const allObj = [...objTerms, ...zeroTerms]
  const constant = model.objective.constant
  const objParts = allObj.length > 0 ? [linearText(allObj, vn)] : []
  if (constant !== 0) objParts.push(`${constant < 0 ? '-' : '+'} ${num(Math.abs(constant))}`)
  out.push(` obj: ${objParts.length > 0 ? objParts.join(' ') : '0'}`)
  out.push('', 'Subject To')
  for (const c of model.constraints) {
    const terms = c.terms.filter((t) => t.coefficient !== 0)
    const sense = c.sense === '=' ? '=' : c.sense
    // An empty row still has to be written (it may be infeasible, 0 >= 1); give it a zero term.
    const lhs =
      terms.length > 0
        ? linearText(terms, vn)
        : vn.length > 0
          ? linearText([{ variableIndex: 0, coefficient: 0 }], vn)
          : '0'
    out.push(` ${names.constraints[c.name]!}: ${lhs} ${sense} ${num(c.rhs)}`)
  }
  const bounds: string[] = []
  const generals: string[] = []
  const binaries: string[] = []
  for (const v of model.variables) {
    const n = vn[v.index]!
    if (v.type === 'binary' && v.lb === 0 && v.ub === 1) {
      binaries.push(n)
      continue
    }
    if (v.type !== 'continuous') generals.push(n)
    const { lb, ub } = v
    if (lb === 0 && ub === Number.POSITIVE_INFINITY) continue
    if (lb === Number.NEGATIVE_INFINITY && ub === Number.POSITIVE_INFINITY) bounds.push(` ${n} free`)
    else if (lb === ub) bounds.push(` ${n} = ${num(lb)}`)
    else if (ub === Number.POSITIVE_INFINITY) bounds.push(` ${n} >= ${num(lb)}`)
    else bounds.push(` ${lb === Number.NEGATIVE_INFINITY ? '-inf' : num(lb)} <= ${n} <= ${num(ub)}`)
  }
  if (bounds.length > 0) out.push('', 'Bounds', ...bounds)
  if (generals.length > 0) out.push('', 'General', ...chunk(generals))
  if (binaries.length > 0) out.push('', 'Binary', ...chunk(binaries))
  out.push('', 'End', '')
  return out.join('\n')
}

function chunk(names: readonly string[]): string[] {
  const lines: string[] = []
  for (let k = 0; k < names.length; k += TERMS_PER_LINE)
    lines.push(` ${names.slice(k, k + TERMS_PER_LINE).join(' ')}`)
  return lines
}
