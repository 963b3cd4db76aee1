import { describe, expect, it } from 'vitest'
import { buildDependencyGraph } from './build-graph.js'
import { loadTrace } from './load-trace.js'
import { simulateTrace } from './simulate-trace.js'
import { smallTrace } from './test-fixtures.js'
import { whatIf } from './what-if.js'

const us = 1e-6

describe('buildDependencyGraph on a hand-checkable trace', () => {
  const trace = loadTrace(smallTrace())
  const g = buildDependencyGraph(trace, { iteration: 3 })
  const byName = (n: string) => g.tasks.findIndex((t) => t.info.name === n)

  it('has one CPU thread, one stream, launch edges and a split blocking sync', () => {
    expect(g.executors).toEqual([
      { name: 'cpu 1/10', kind: 'cpu' },
      { name: 'gpu0 stream 7', kind: 'gpu' },
    ])
    expect(g.tasks.map((t) => t.info.role)).toEqual([
      'marker',
      'runtime',
      'runtime',
      'blocking-call',
      'marker',
      'gpu',
      'gpu',
      'blocking-wait',
    ])
    const launches = g.dependencies.filter((d) => d.kind === 'launch')
    expect(launches).toHaveLength(2)
    // gemm: idle stream, measured launch latency 10 µs; relu queued behind gemm: median idle latency (10 µs)
    expect(launches.map((d) => d.lagS / us)).toEqual([expect.closeTo(10, 9), expect.closeTo(10, 9)])
    const wait = g.tasks[g.tasks.length - 1]!
    expect(wait.waitsOn).toEqual([1])
    expect(wait.durationS / us).toBeCloseTo(5, 9) // 75 - 70: the tail after the awaited relu
    expect(g.tasks[0]!.gapS / us).toBeCloseTo(10, 9)
    expect(wait.gapS / us).toBeCloseTo(25, 9)
  })

  it('tags layer and phase from enclosing annotations and propagates them to kernels', () => {
    const gemm = g.tasks[byName('sm80_xmma_gemm_f32')]!
    expect(gemm.info.layer).toBe('Linear_0')
    expect(gemm.info.phase).toBe('forward')
    expect(gemm.info.taskClass).toBe('computation')
  })

  it('replays the measured step exactly', () => {
    expect(g.measuredIterationS / us).toBeCloseTo(100, 9)
    const sim = simulateTrace(g)
    expect(sim.iterationS / us).toBeCloseTo(100, 6)
    const relu = byName('vectorized_elementwise_relu')
    expect(sim.result.startS[relu]! / us).toBeCloseTo(60, 6)
  })

  it('AMP moves the sync because the wait re-resolves at simulation time', () => {
    // gemm 40/3 µs (tensor-core eligible) at 20; relu 10/2 at 33.33; sync waits until 38.33, +5 tail, +25 gap
    const sim = simulateTrace(whatIf('amp', g))
    expect(sim.iterationS / us).toBeCloseTo(20 + 40 / 3 + 5 + 5 + 25, 6)
  })

  it('without cuda_sync events a stream sync waits on all streams and says so', () => {
    const raw = smallTrace()
    raw.traceEvents = raw.traceEvents.filter((e) => e.cat !== 'cuda_sync')
    const g2 = buildDependencyGraph(loadTrace(raw), { iteration: 3 })
    expect(g2.warnings.map((w) => w.code)).toContain('SYNC_STREAM_UNKNOWN')
    expect(simulateTrace(g2).iterationS / us).toBeCloseTo(100, 6)
  })

  it('rejects an unknown iteration with NOT_FOUND listing the known ones', () => {
    expect(() => buildDependencyGraph(trace, { iteration: 9 })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', known: ['3'] }),
    )
  })

  it('pins orphan GPU ops at their measured start and reports them', () => {
    const raw = smallTrace()
    raw.traceEvents.push({
      ph: 'X',
      cat: 'kernel',
      name: 'orphan',
      pid: 0,
      tid: 9,
      ts: 1050,
      dur: 30,
      args: { stream: 9, correlation: 99 },
    })
    const g3 = buildDependencyGraph(loadTrace(raw), { iteration: 3 })
    expect(g3.warnings.find((w) => w.code === 'ORPHAN_GPU_OP')?.count).toBe(1)
    const sim = simulateTrace(g3)
    const o = g3.tasks.findIndex((t) => t.info.name === 'orphan')
    expect(sim.result.startS[o]! / us).toBeCloseTo(50, 6)
  })
})
