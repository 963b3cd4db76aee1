import { gemmCost, getAcceleratorPreset } from '@dnnperf/cost-model'
import { deriveTrainingGraph, GraphBuilder, NotFoundError } from '@dnnperf/ir'
import { buildModel } from '@dnnperf/models'
import { describe, expect, it } from 'vitest'
import { acceleratorCores, acceleratorOpLatency, singleCoreAccelerator } from './accelerator-latency.js'
import { checkSchedule } from './checker.js'
import { layerSchedulingProblem, listLayers } from './from-graph.js'
import { listScheduleLayer } from './list-schedule.js'
import { scheduleLayer } from './schedule-layer.js'

// x → norm → linear → reshape (free) → gelu, in one layer; latencies 1 s per op (2 s on one core).
function small() {
  const b = new GraphBuilder('small')
  const x = b.input('x', [4, 8])
  b.setLayer('blk')
  const n = b.op('layernorm', [x], { params: [b.param('ln.w', [8]), b.param('ln.b', [8])] })
  const y = b.op('linear', [n], { params: [b.param('w', [8, 16])] })
  const r = b.op('reshape', [y], { attrs: { shape: [64] } })
  b.op('gelu', [r])
  return b.build()
}
const unit = () => (_op: unknown, _e: unknown, mode: 'single' | 'all') => (mode === 'single' ? 2 : 1)

describe('layerSchedulingProblem', () => {
  it('keeps costed ops, maps engines and contracts free ops without losing the dependency', () => {
    const p = layerSchedulingProblem(small(), {
      layer: 'blk',
      cores: { tensor: 2, vector: 1 },
      latency: unit(),
    })
    expect(p.ops.map((o) => [o.id, o.engine, o.singleCoreS, o.allCoresS])).toEqual([
      ['blk/layernorm', 'vector', 2, 1],
      ['blk/linear', 'tensor', 2, 1],
      ['blk/gelu', 'vector', 2, 1],
    ])
    expect(p.deps).toEqual([
      ['blk/layernorm', 'blk/linear'],
      ['blk/linear', 'blk/gelu'],
    ])
    expect(p.name).toBe('small/blk/forward')
  })

  it('schedules the backward pass of a layer from the training graph', () => {
    const g = deriveTrainingGraph(small(), { optimizer: 'none' })
    const p = layerSchedulingProblem(g, {
      layer: 'blk',
      phase: 'backward',
      cores: { tensor: 2, vector: 1 },
      latency: unit(),
    })
    expect(p.ops.map((o) => o.id)).toContain('blk/linear:wgrad')
    expect(p.ops.every((o) => g.nodes.find((n) => n.id === o.id)?.phase === 'backward')).toBe(true)
  })

  it('throws NotFoundError listing the known layers', () => {
    expect(() =>
      layerSchedulingProblem(small(), { layer: 'nope', cores: { tensor: 1, vector: 1 }, latency: unit() }),
    ).toThrow(NotFoundError)
    expect(listLayers(small())).toEqual(['blk'])
  })
})

describe('cost-model latencies on the TPUv4-like preset', () => {
  const hw = getAcceleratorPreset('tpuv4-like')
  it('has 8 tensor and 2 vector cores; one core has an eighth of the matrix peak', () => {
    expect(acceleratorCores(hw)).toEqual({ tensor: 8, vector: 2 })
    const one = singleCoreAccelerator(hw)
    expect(one.peakFlopPerS.bf16! * 8).toBeCloseTo(hw.peakFlopPerS.bf16!, 0)
  })

  it("costs a linear op as the cost model's GEMM on one core and on the whole chip", () => {
    const b = new GraphBuilder('one')
    const x = b.input('x', [1024, 1600], 'bf16')
    b.setLayer('l')
    b.op('linear', [x], { params: [b.param('w', [1600, 6400], 'bf16')] })
    const op = b.build().nodes.find((n) => n.kind === 'linear')!
    const latency = acceleratorOpLatency(hw)
    const shape = { m: 1024, n: 6400, k: 1600, batch: 1, dtype: 'bf16' }
    expect(latency(op, 'tensor', 'all')).toBe(gemmCost(hw, shape).latencyS)
    expect(latency(op, 'tensor', 'single')).toBe(gemmCost(singleCoreAccelerator(hw), shape).latencyS)
    expect(latency(op, 'tensor', 'single')).toBeGreaterThan(latency(op, 'tensor', 'all'))
  })

  describe('GPT-2 XL (batch 1, sequence 1024), transformer layer h.0', () => {
    const graph = deriveTrainingGraph(buildModel('gpt2-xl', { batchSize: 1, seqLen: 1024 }), {
      optimizer: 'none',
    })
    const latency = acceleratorOpLatency(hw)
    const forward = layerSchedulingProblem(graph, { layer: 'h.0', cores: acceleratorCores(hw), latency })
    const backward = layerSchedulingProblem(graph, {
      layer: 'h.0',
      phase: 'backward',
      cores: acceleratorCores(hw),
      latency,
    })

    it('every op is faster on all cores than on one', () => {
      for (const op of [...forward.ops, ...backward.ops])
        expect(op.allCoresS).toBeLessThanOrEqual(op.singleCoreS)
      expect(forward.ops.length).toBeGreaterThanOrEqual(10)
      expect(backward.ops.length).toBeGreaterThan(forward.ops.length)
    })

    it.each(['highs', 'glpk'] as const)('forward pass is proven optimal (%s)', async (solver) => {
      const r = await scheduleLayer(forward, { solver, timeLimitS: 20 })
      expect(r.status).toBe('optimal')
      expect(r.gap).toBe(0)
      expect(r.makespanS).toBeCloseTo(r.bestBoundS, 15)
      expect(checkSchedule(forward, r.schedule).ok).toBe(true)
    })

    it('backward pass is proven optimal by the MILP (highs)', async () => {
      const r = await scheduleLayer(backward, { solver: 'highs', timeLimitS: 60, alwaysSolve: true })
      expect(r.status).toBe('optimal')
      expect(r.milpSolves).toBeGreaterThanOrEqual(1)
      expect(r.gap).toBeLessThan(1e-9)
      expect(r.makespanS).toBeLessThanOrEqual(listScheduleLayer(backward).makespanS)
      expect(r.makespanS).toBeGreaterThanOrEqual(Math.max(r.lowerBounds.criticalPathS, r.lowerBounds.workS))
      expect(checkSchedule(backward, r.schedule).ok).toBe(true)
    })
  })
})
