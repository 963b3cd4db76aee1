import { expectTypeOf, test } from 'vitest'
import { type MilpResult, type MilpStatus, type SolveOptions, solve } from './index.js'

test('public result and option types', () => {
  expectTypeOf(solve).returns.toEqualTypeOf<Promise<MilpResult>>()
  expectTypeOf<MilpResult['objective']>().toEqualTypeOf<number | null>()
  expectTypeOf<MilpResult['bestBound']>().toEqualTypeOf<number | null>()
  expectTypeOf<MilpResult['gap']>().toEqualTypeOf<number | null>()
  expectTypeOf<MilpStatus>().toEqualTypeOf<
    'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeLimit' | 'error'
  >()
  expectTypeOf<SolveOptions['solver']>().toEqualTypeOf<'glpk' | 'highs' | undefined>()
})
