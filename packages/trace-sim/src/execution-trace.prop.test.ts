import fc from 'fast-check'
import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { analyzeExecutionTrace } from './analyze-execution.js'
import { loadExecutionTrace } from './load-execution-trace.js'

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 40 }),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 3 }),
)
const id = fc.oneof(fc.integer({ min: 0, max: 12 }), junk)

/** Host ETs (plain or linked) with random parents (loops included), tensors, times and GPU children. */
const arbHostEt = fc.array(
  fc.record(
    {
      id,
      name: fc.oneof(
        fc.constantFrom('aten::mm', 'aten::add', '## s ##', '[param|x]', 'Optimizer.step#SGD.step', 'nccl_k'),
        fc.constant('[pytorch|profiler|execution_trace|thread]'),
        junk,
      ),
      parent: id,
      ctrl_deps: id,
      tid: fc.oneof(fc.integer({ min: 0, max: 2 }), junk),
      ts: fc.oneof(fc.integer({ min: 0, max: 100 }), junk),
      inclusive_dur: fc.oneof(fc.integer({ min: 0, max: 20 }), junk),
      cat: fc.oneof(fc.constantFrom('kernel', 'gpu_memcpy', 'cpu_op'), junk),
      stream: fc.oneof(fc.integer({ min: 0, max: 2 }), junk),
      inputs: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 5 }),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.constant('cuda:0'),
        ),
        { maxLength: 2 },
      ),
      outputs: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 5 }),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.constant('cuda:0'),
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 14 },
)

/** Jsonized Chakra ETs with random (possibly cyclic, dangling) dependencies and durations. */
const arbChakra = fc.array(
  fc.record(
    {
      Id: id,
      Name: fc.oneof(fc.constantFrom('gemm', 'ncclKernel', 'aten::relu'), junk),
      NodeType: fc.oneof(fc.integer({ min: 0, max: 8 }), junk),
      data_deps: fc.oneof(fc.array(id, { maxLength: 3 }), junk),
      ctrlDeps: fc.oneof(fc.array(id, { maxLength: 2 }), junk),
      runtime: fc.oneof(fc.integer({ min: 0, max: 50 }), junk),
      is_cpu_op: fc.oneof(fc.boolean(), junk),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 14 },
)

const recipes = fc.constantFrom(
  undefined,
  'amp',
  'scale-class:0.5',
  'no-optimizer',
  'fused-adam',
  'reconstructed-bn',
)

describe('execution traces never crash', () => {
  it('analyzeExecutionTrace returns finite results or a typed error on random ETs', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          arbHostEt.map((nodes) => ({ schema: '1.0.1', nodes })),
          arbChakra.map((g) => ({ workload_graph: g })),
        ),
        recipes,
        (doc, whatIf) => {
          try {
            const a = analyzeExecutionTrace(loadExecutionTrace(doc), whatIf === undefined ? {} : { whatIf })
            expect(Number.isFinite(a.simulatedIterationS)).toBe(true)
            expect(Number.isFinite(a.measuredIterationS)).toBe(true)
            expect(a.simulatedIterationS).toBeGreaterThanOrEqual(0)
            if (a.whatIf !== null) expect(Number.isFinite(a.whatIf.predictedIterationS)).toBe(true)
            JSON.stringify(a)
          } catch (e) {
            if (!isDnnperfError(e)) throw e
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('random bytes are a typed error or an ET, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          analyzeExecutionTrace(bytes)
        } catch (e) {
          if (!isDnnperfError(e)) throw e
        }
      }),
      { numRuns: 400 },
    )
  })
})
