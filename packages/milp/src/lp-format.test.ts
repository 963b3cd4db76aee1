import highsLoader from 'highs'
import { describe, expect, it } from 'vitest'
import { cplexLpNames, toCplexLp } from './lp-format.js'
import { createModel, linear } from './model.js'
import { KNOWN_CASES } from './testing/cases.js'

describe('toCplexLp', () => {
  it('writes a small MILP exactly', () => {
    const m = createModel('demo')
    m.addVariable({ name: 'x', type: 'binary' })
    m.addVariable({ name: 'y', type: 'integer', lb: -2, ub: 5 })
    m.addVariable({ name: 'z', lb: Number.NEGATIVE_INFINITY })
    m.addVariable({ name: 'w', lb: 1.5 })
    m.addConstraint({ name: 'cap', terms: linear({ x: 2, y: -1, z: 0.5 }), sense: '<=', rhs: 4 })
    m.addConstraint({ name: 'eq', terms: linear({ z: 1, w: 1 }), sense: '=', rhs: -3 })
    m.setObjective({ sense: 'maximize', terms: linear({ x: 3, y: 1 }), constant: -2 })
    expect(toCplexLp(m)).toBe(
      [
        '\\ Problem: demo',
        '',
        'Maximize',
        ' obj: + 3 x + 1 y - 2',
        '',
        'Subject To',
        ' cap: + 2 x - 1 y + 0.5 z <= 4',
        ' eq: + 1 z + 1 w = -3',
        '',
        'Bounds',
        ' -2 <= y <= 5',
        ' z free',
        ' w >= 1.5',
        '',
        'General',
        ' y',
        '',
        'Binary',
        ' x',
        '',
        'End',
        '',
      ].join('\n'),
    )
  })

  it('sanitises names into unique LP identifiers', () => {
    const m = createModel()
    for (const n of ['a b', 'a_b', '1x', 'e1', 'free', 'x[0]']) m.addVariable({ name: n })
    m.addConstraint({ name: 'obj', terms: linear({ 'a b': 1 }), sense: '<=', rhs: 1 })
    m.addConstraint({ name: 'subject to', terms: linear({ 'a b': 1 }), sense: '<=', rhs: 1 })
    const names = cplexLpNames(m)
    expect(names.variables).toEqual({
      'a b': 'a_b',
      a_b: 'a_b_2',
      '1x': '_1x',
      e1: '_e1',
      free: '_free',
      'x[0]': 'x_0_',
    })
    expect(names.constraints).toEqual({ obj: '_obj', 'subject to': 'subject_to' })
  })

  it('parses in HiGHS to the known optimum of every optimal known case', async () => {
    const highs = await highsLoader()
    for (const c of KNOWN_CASES) {
      const model = c.build()
      const lp = highs.createModel({ format: 'lp', data: toCplexLp(model) })
      try {
        lp.options.set({ output_flag: false })
        lp.run()
        const status = lp.getModelStatus()
        const st = highs.constants.modelStatus
        if (c.status === 'optimal') {
          expect(status, c.name).toBe(st.optimal)
          expect(lp.getObjectiveValue(), c.name).toBeCloseTo(c.objective!, 6)
          // Every variable became a column, under its sanitised name.
          const names = cplexLpNames(model).variables
          const cols = Array.from({ length: lp.getDimensions().numCols }, (_, j) => lp.getColName(j)).sort()
          expect(cols, c.name).toEqual(Object.values(names).sort())
        } else if (c.status === 'infeasible') {
          expect([st.infeasible, st.unboundedOrInfeasible], c.name).toContain(status)
        } else {
          expect([st.unbounded, st.unboundedOrInfeasible], c.name).toContain(status)
        }
      } finally {
        lp.dispose()
      }
    }
  })
})
