import { describe, expectTypeOf, it } from 'vitest'
import type { DnnperfError, ModelSummary, OpGraph, OpNode, TensorSpec } from './index.js'
import { GraphBuilder, GraphCycleError, isDnnperfError, parseOpGraph, summarizeModel } from './index.js'

describe('public types', () => {
  it('results are plain data with SI-named numbers', () => {
    expectTypeOf(summarizeModel).returns.toEqualTypeOf<ModelSummary>()
    expectTypeOf<ModelSummary['parameters']>().toEqualTypeOf<number>()
    expectTypeOf<ModelSummary['seqLen']>().toEqualTypeOf<number | null>()
    expectTypeOf(parseOpGraph).returns.toEqualTypeOf<OpGraph>()
  })

  it('graphs are read-only', () => {
    expectTypeOf<OpGraph['nodes']>().toEqualTypeOf<readonly OpNode[]>()
    expectTypeOf<TensorSpec['shape']>().toEqualTypeOf<readonly number[]>()
  })

  it('errors narrow by guard and carry typed fields', () => {
    const err: unknown = new GraphCycleError({ nodeId: 'a', cycle: ['a', 'a'] })
    if (isDnnperfError(err)) expectTypeOf(err).toEqualTypeOf<DnnperfError>()
    expectTypeOf<GraphCycleError['code']>().toEqualTypeOf<'GRAPH_CYCLE'>()
    expectTypeOf<GraphCycleError['cycle']>().toEqualTypeOf<readonly string[]>()
  })

  it('the builder returns tensor references that are tensors', () => {
    const b = new GraphBuilder('t')
    expectTypeOf(b.input('x', [1])).toMatchTypeOf<TensorSpec>()
  })
})
