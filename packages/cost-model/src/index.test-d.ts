import { describe, expectTypeOf, it } from 'vitest'
import type { GemmCost, HardwareSpec, OpCost, OpGraphCost } from './index.js'
import { costOpGraph, gemmCost, getPreset, phazeArea } from './index.js'

describe('public surface types', () => {
  it('gemmCost returns a GemmCost, an OpCost with tiling fields', () => {
    expectTypeOf(gemmCost).returns.toEqualTypeOf<GemmCost>()
    expectTypeOf<GemmCost>().toMatchTypeOf<OpCost>()
    expectTypeOf<GemmCost['bound']>().toEqualTypeOf<
      'compute' | 'memory' | 'launch' | 'communication' | 'profile' | 'custom' | 'none'
    >()
  })
  it('costOpGraph takes any hardware description', () => {
    expectTypeOf(costOpGraph).parameter(1).toEqualTypeOf<HardwareSpec>()
    expectTypeOf(costOpGraph).returns.toEqualTypeOf<OpGraphCost>()
    expectTypeOf(getPreset).returns.toEqualTypeOf<HardwareSpec>()
  })
  it('results are plain data: numbers, not Maps', () => {
    expectTypeOf(phazeArea).returns.toHaveProperty('areaUm2').toEqualTypeOf<number>()
    expectTypeOf<OpGraphCost['total']['timeByBoundS']>().toEqualTypeOf<{ readonly [bound: string]: number }>()
  })
})
