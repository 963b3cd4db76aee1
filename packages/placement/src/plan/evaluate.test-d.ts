import { expectTypeOf, test } from 'vitest'
import type { evaluatePlan } from './evaluate.js'
import type { DeviceMemoryBreakdown, IterationBreakdown, ParallelPlan } from './types.js'

// The JSON names below are the `dnnperf plan evaluate --json` contract.
test('evaluatePlan result keeps the CLI field names', () => {
  type R = ReturnType<typeof evaluatePlan>
  expectTypeOf<R['iterationTimeS']>().toEqualTypeOf<number>()
  expectTypeOf<R['throughputSamplesPerS']>().toEqualTypeOf<number>()
  expectTypeOf<R['mfu']>().toEqualTypeOf<number>()
  expectTypeOf<R['fits']>().toEqualTypeOf<boolean>()
  expectTypeOf<R['plan']>().toEqualTypeOf<ParallelPlan>()
  expectTypeOf<R['breakdownS']>().toEqualTypeOf<IterationBreakdown>()
  expectTypeOf<keyof IterationBreakdown>().toEqualTypeOf<
    'compute' | 'tensorParallelComm' | 'pipelineComm' | 'bubble' | 'dataParallelComm' | 'optimizer'
  >()
  expectTypeOf<keyof DeviceMemoryBreakdown>().toEqualTypeOf<
    'weights' | 'gradients' | 'optimizerState' | 'activations' | 'workspace' | 'total'
  >()
})
