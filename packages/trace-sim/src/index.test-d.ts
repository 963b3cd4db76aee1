import { expectTypeOf, test } from 'vitest'
import {
  analyzeExecutionTrace,
  analyzeTrace,
  buildExecutionGraph,
  detectTraceFormat,
  loadTraceFile,
} from './index.js'
import type { DependencyGraph, LoadedTrace, TraceAnalysis } from './index.js'

test('analyzeTrace returns the fields the CLI prints', () => {
  expectTypeOf(analyzeTrace).returns.toExtend<TraceAnalysis>()
  expectTypeOf<TraceAnalysis['measuredIterationS']>().toEqualTypeOf<number>()
  expectTypeOf<TraceAnalysis['simulatedIterationS']>().toEqualTypeOf<number>()
  expectTypeOf<TraceAnalysis['replayErrorFraction']>().toEqualTypeOf<number>()
  expectTypeOf<NonNullable<TraceAnalysis['whatIf']>>().toEqualTypeOf<{
    readonly name: string
    readonly predictedIterationS: number
    readonly speedup: number
  }>()
  expectTypeOf<TraceAnalysis>().toHaveProperty('breakdownS')
  expectTypeOf<TraceAnalysis>().toHaveProperty('criticalPath')
  expectTypeOf<TraceAnalysis>().toHaveProperty('warnings')
  expectTypeOf(analyzeTrace).parameter(1).toExtend<{ iteration?: number; whatIf?: string } | undefined>()
})

test('streaming and execution-trace readers give the same graph types', () => {
  expectTypeOf(loadTraceFile).returns.toEqualTypeOf<Promise<LoadedTrace>>()
  expectTypeOf(buildExecutionGraph).returns.toEqualTypeOf<DependencyGraph>()
  expectTypeOf(analyzeTrace).parameter(0).toExtend<string | Uint8Array | LoadedTrace>()
})

test('execution traces give the same analysis object', () => {
  expectTypeOf(analyzeExecutionTrace).returns.toEqualTypeOf<ReturnType<typeof analyzeTrace>>()
  expectTypeOf(detectTraceFormat).returns.toEqualTypeOf<
    'kineto' | 'host-et' | 'chakra-json' | 'chakra-protobuf'
  >()
})
