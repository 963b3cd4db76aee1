import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { DuplicateNameError } from './errors.js'
import { createModel, linear, MilpModel } from './model.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isDnnperfError(err) ? err.code : `not a dnnperf error: ${String(err)}`
  }
  return undefined
}

describe('MilpModel', () => {
  it('throws typed errors on invalid input', () => {
    const m = createModel()
    const x = m.addVariable({ name: 'x' })
    expect(codeOf(() => m.addVariable({ name: 'x' }))).toBe('MILP_DUPLICATE_NAME')
    expect(codeOf(() => m.addVariable({ name: '' }))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable(null as never))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addConstraint(null as never))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.setObjective(null as never))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable({ name: 'n', lb: Number.NaN }))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable({ name: 'n', lb: 3, ub: 2 }))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable({ name: 'n', lb: Number.POSITIVE_INFINITY }))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable({ name: 'n', type: 'binary', ub: 2 }))).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addVariable({ name: 'n', type: 'real' as never }))).toBe('INVALID_VALUE')
    const terms = (coefficient: number) => [{ variable: x, coefficient }]
    expect(codeOf(() => m.addConstraint({ terms: terms(Number.NaN), sense: '<=', rhs: 1 }))).toBe(
      'INVALID_VALUE',
    )
    expect(
      codeOf(() => m.addConstraint({ terms: terms(Number.POSITIVE_INFINITY), sense: '<=', rhs: 1 })),
    ).toBe('INVALID_VALUE')
    expect(codeOf(() => m.addConstraint({ terms: terms(1), sense: '<=', rhs: Number.NaN }))).toBe(
      'INVALID_VALUE',
    )
    expect(codeOf(() => m.addConstraint({ terms: terms(1), sense: '<' as never, rhs: 1 }))).toBe(
      'INVALID_VALUE',
    )
    expect(codeOf(() => m.addConstraint({ terms: linear({ y: 1 }), sense: '<=', rhs: 1 }))).toBe('NOT_FOUND')
    expect(codeOf(() => m.setObjective({ sense: 'minimize', terms: linear({ y: 1 }) }))).toBe('NOT_FOUND')
    expect(codeOf(() => m.setObjective({ sense: 'minimize', terms: terms(1), constant: Number.NaN }))).toBe(
      'INVALID_VALUE',
    )
    expect(codeOf(() => m.setObjective({ sense: 'up' as never, terms: terms(1) }))).toBe('INVALID_VALUE')
    m.addConstraint({ name: 'c', terms: terms(1), sense: '<=', rhs: 1 })
    expect(codeOf(() => m.addConstraint({ name: 'c', terms: terms(1), sense: '<=', rhs: 1 }))).toBe(
      'MILP_DUPLICATE_NAME',
    )
    // A handle from another model with the same name is not this model's variable.
    const other = createModel().addVariable({ name: 'x' })
    expect(
      codeOf(() => m.addConstraint({ terms: [{ variable: other, coefficient: 1 }], sense: '<=', rhs: 1 })),
    ).toBe('NOT_FOUND')
    // Failed calls leave the model unchanged.
    expect(m.variables.map((v) => v.name)).toEqual(['x'])
    expect(m.constraints.map((c) => c.name)).toEqual(['c'])
  })

  it('carries the offending name in the error', () => {
    const m = new MilpModel()
    m.addVariable({ name: 'load' })
    try {
      m.addVariable({ name: 'load' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(DuplicateNameError)
      expect((err as DuplicateNameError).duplicate).toBe('load')
      expect((err as DuplicateNameError).kind).toBe('variable')
    }
  })

  it('applies defaults and sums repeated terms', () => {
    const m = createModel('d')
    const b = m.addVariable({ name: 'b', type: 'binary' })
    const i = m.addVariable({ name: 'i', type: 'integer' })
    const c = m.addVariable({ name: 'c' })
    expect([b.lb, b.ub, i.lb, i.ub, c.lb, c.ub]).toEqual([
      0,
      1,
      0,
      Number.POSITIVE_INFINITY,
      0,
      Number.POSITIVE_INFINITY,
    ])
    const row = m.addConstraint({
      terms: [
        { variable: b, coefficient: 2 },
        { variable: 'c', coefficient: 1 },
        { variable: 'b', coefficient: 3 },
      ],
      sense: '>=',
      rhs: 1,
    })
    expect(row.name).toBe('c0')
    expect(row.terms).toEqual([
      { variableIndex: 0, coefficient: 5 },
      { variableIndex: 2, coefficient: 1 },
    ])
    expect(m.isMip).toBe(true)
    expect(m.getVariable('i')).toBe(i)
    expect(codeOf(() => m.getVariable('nope'))).toBe('NOT_FOUND')
  })
})
