import type { OpGraph } from '@dnnperf/ir'
import { describe, expectTypeOf, it } from 'vitest'
import type { BuildOptions, ModelInfo, TransformerConfig, TransformerParameterCounts } from './index.js'
import {
  buildModel,
  buildTransformer,
  fromHuggingFaceConfig,
  listModels,
  transformerParameterCounts,
} from './index.js'

describe('public types', () => {
  it('builders return IR graphs and take plain options', () => {
    expectTypeOf(buildModel).parameters.toEqualTypeOf<[name: string, options?: BuildOptions]>()
    expectTypeOf(buildModel).returns.toEqualTypeOf<OpGraph>()
    expectTypeOf(buildTransformer).parameter(0).toEqualTypeOf<TransformerConfig>()
    expectTypeOf(fromHuggingFaceConfig).returns.toEqualTypeOf<OpGraph>()
    expectTypeOf(listModels).returns.toEqualTypeOf<ModelInfo[]>()
    expectTypeOf(transformerParameterCounts).returns.toEqualTypeOf<TransformerParameterCounts>()
    expectTypeOf<ModelInfo['defaultSeq']>().toEqualTypeOf<number | undefined>()
  })
})
