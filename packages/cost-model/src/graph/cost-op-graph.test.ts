import { createOpKindRegistry, deriveTrainingGraph, GraphBuilder, isDnnperfError } from '@dnnperf/ir'
import type { OpGraph } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildProfileTable } from '../calibration/profile-table.js'
import { getAcceleratorPreset, getPreset } from '../hardware/presets.js'
import type { ClusterSpec } from '../hardware/types.js'
import { gemmCost } from '../ops/gemm.js'
import { CostFunctionRegistry } from './cost-functions.js'
import { costOpGraph } from './cost-op-graph.js'

function mlp(batch = 512): OpGraph {
  const b = new GraphBuilder('mlp', { defaultDType: 'bf16' })
  const x = b.input('x', [batch, 1024])
  const labels = b.input('labels', [batch], 'int64')
  const h = b.inLayer('fc1', () =>
    b.op('gelu', [b.op('linear', [x], { params: [b.param('fc1.w', [1024, 4096])] })]),
  )
  const y = b.inLayer('fc2', () => b.op('linear', [h], { params: [b.param('fc2.w', [4096, 1024])] }))
  b.inLayer('loss', () => b.op('cross_entropy', [y, labels]))
  return b.build()
}

const a100 = getAcceleratorPreset('a100-80gb')
const tpu = getAcceleratorPreset('tpuv4-like')

describe('costOpGraph', () => {
  it('costs a forward graph: the fc1 GEMM matches gemmCost and layers add up to the total', () => {
    const r = costOpGraph(mlp(), a100)
    const fc1 = r.ops.find((o) => o.kind === 'linear' && o.layer === 'fc1')!
    expect(fc1.latencyS).toBe(gemmCost(a100, { m: 512, n: 4096, k: 1024, dtype: 'bf16' }).latencyS)
    expect(fc1.engine).toBe('matrix')
    const sum = r.layers.reduce((s, l) => s + l.latencyS, 0)
    expect(sum).toBeCloseTo(r.total.latencyS, 15)
    expect(r.phases.backward.latencyS).toBe(0)
    expect(r.layers.map((l) => l.layer)).toEqual(['(unlabelled)', 'fc1', 'fc2', 'loss'])
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
  it('training graph: backward GEMMs (data + weight gradient) ≈ 2× forward GEMM time; optimizer costed', () => {
    const g = deriveTrainingGraph(mlp(4096), { optimizer: 'adam' })
    const r = costOpGraph(g, a100)
    const fwd = r.ops
      .filter((o) => o.phase === 'forward' && o.engine === 'matrix')
      .reduce((s, o) => s + o.latencyS, 0)
    const bwd = r.ops
      .filter((o) => o.phase === 'backward' && o.engine === 'matrix')
      .reduce((s, o) => s + o.latencyS, 0)
    // fc1's data gradient is not needed (x has no producer with parameters): 3 backward GEMMs for 2 forward
    expect(bwd / fwd).toBeGreaterThan(1.3)
    expect(bwd / fwd).toBeLessThan(2.2)
    expect(r.phases.optimizer.latencyS).toBeGreaterThan(0)
    expect(r.total.utilisation).toBeGreaterThan(0)
    expect(r.total.utilisation).toBeLessThanOrEqual(1)
    const params = 1024 * 4096 * 2
    expect(r.memory.weightsBytes).toBe(params * 2)
    expect(r.memory.gradientsBytes).toBe(params * 2)
    expect(r.memory.optimizerBytes).toBe(params * 8)
    expect(r.memory.activationBytes).toBeGreaterThan(0)
  })
  it('layer utilisation is the time-weighted mean of its ops; bound times add up to the latency', () => {
    const r = costOpGraph(deriveTrainingGraph(mlp(2048)), a100)
    const fc1 = r.layers.find((l) => l.layer === 'fc1')!
    const ops = r.ops.filter((o) => o.layer === 'fc1')
    const weighted =
      ops.reduce((s, o) => s + o.utilisation * o.latencyS, 0) / ops.reduce((s, o) => s + o.latencyS, 0)
    expect(fc1.utilisation).toBeCloseTo(weighted, 12)
    expect(fc1.forwardS + fc1.backwardS + fc1.optimizerS).toBeCloseTo(fc1.latencyS, 15)
    const byBound = Object.values(r.total.timeByBoundS).reduce((s, t) => s + t, 0)
    expect(byBound).toBeCloseTo(r.total.latencyS, 15)
    for (const o of r.ops) {
      if (o.engine === 'matrix')
        expect(o.rooflineRegion).toBe(o.arithmeticIntensity >= 312e12 / 2039e9 ? 'compute' : 'memory')
    }
  })
  it('uses PHAZE vector rules on a chip with vector units', () => {
    const r = costOpGraph(mlp(), tpu, { vectorMemoryTraffic: false })
    const gelu = r.ops.find((o) => o.kind === 'gelu')!
    expect(gelu.model).toBe('vector-cycles')
    // 512·4096 elements on 2 × 128 lanes, 1 cycle each (GELU costed as ReLU), at 1.05 GHz
    expect(gelu.latencyS).toBeCloseTo((512 * 4096) / 256 / 1.05e9, 15)
  })
  it('a profile entry overrides the model; a user cost function replaces it for its kind', () => {
    const g = mlp()
    const fc2 = g.nodes.find((n) => n.kind === 'linear' && n.layer === 'fc2')!
    const profile = buildProfileTable([{ op: fc2, latencyS: 1e-3 }])
    const fns = new CostFunctionRegistry().register('gelu', (_op, ctx) => ({ latencyS: ctx.bytes / 1e12 }))
    const r = costOpGraph(g, a100, { profile, costFunctions: fns })
    const o = r.ops.find((x) => x.id === fc2.id)!
    expect(o.latencyS).toBe(1e-3)
    expect(o.bound).toBe('profile')
    expect(o.source).toBe('profile')
    const gelu = r.ops.find((x) => x.kind === 'gelu')!
    expect(gelu.source).toBe('custom')
    expect(gelu.bound).toBe('custom')
    expect(gelu.latencyS).toBeCloseTo((2 * 512 * 4096 * 2) / 1e12, 15)
  })
  it('a user op kind with a user cost function', () => {
    const registry = createOpKindRegistry()
    registry.register({
      kind: 'my_fft',
      engine: 'vector',
      description: 'test kind',
      inferOutputs: (op) => [op.inputs[0]!],
      flop: (op) => 5 * op.inputs[0]!.shape[0]! * Math.log2(op.inputs[0]!.shape[0]!),
    })
    const b = new GraphBuilder('fft', { registry, defaultDType: 'fp32' })
    b.op('my_fft', [b.input('x', [1024])])
    const fns = new CostFunctionRegistry().register('my_fft', (_op, ctx) => ({
      latencyS: ctx.flop / 1e9,
      bound: 'compute',
    }))
    const r = costOpGraph(b.build(), a100, { registry, costFunctions: fns })
    const o = r.ops.find((x) => x.kind === 'my_fft')!
    expect(o.latencyS).toBeCloseTo((5 * 1024 * 10) / 1e9, 15)
    expect(o.bound).toBe('compute')
  })
  it('collectives need a cluster and use it', () => {
    const b = new GraphBuilder('tp', { defaultDType: 'bf16' })
    const x = b.input('x', [2048, 12288])
    b.op('all_reduce', [x], { attrs: { groupSize: 8 }, outputs: [{ shape: [2048, 12288], dtype: 'bf16' }] })
    const g = b.build()
    try {
      costOpGraph(g, a100)
      expect.unreachable()
    } catch (e) {
      expect(isDnnperfError(e) && e.code).toBe('HARDWARE_FIELD_MISSING')
    }
    const cluster = getPreset('dgx-a100') as ClusterSpec
    const r = costOpGraph(g, a100, { cluster })
    const ar = r.ops.find((o) => o.kind === 'all_reduce')!
    expect(ar.bound).toBe('communication')
    expect(ar.latencyS).toBeCloseTo(14 * 10e-6 + (14 / 8) * ((2048 * 12288 * 2) / 300e9), 12)
  })
  it('a cluster preset costs on its device and uses itself for collectives', () => {
    const b = new GraphBuilder('tp', { defaultDType: 'bf16' })
    const x = b.input('x', [1024, 1024])
    b.op('all_reduce', [x], { attrs: { groupSize: 8 }, outputs: [{ shape: [1024, 1024], dtype: 'bf16' }] })
    const r = costOpGraph(b.build(), getPreset('dgx-a100'))
    expect(r.hardware).toBe('a100-80gb')
    expect(r.ops.find((o) => o.kind === 'all_reduce')!.bound).toBe('communication')
  })
  it('on a CPU every op is a socket roofline plus the per-op overhead', () => {
    const cpu = getPreset('xeon-gold-6142')
    const g = mlp(64)
    const r = costOpGraph(g, cpu)
    const fc1 = r.ops.find((o) => o.kind === 'linear' && o.layer === 'fc1')!
    const flop = 2 * 64 * 1024 * 4096
    expect(fc1.model).toBe('cpu-roofline')
    expect(fc1.latencyS).toBeGreaterThanOrEqual(flop / (16 * 166.4e9))
    expect(r.ops.find((o) => o.kind === 'input')!.latencyS).toBe(0)
    expect(r.memory.capacityBytes).toBe(192e9)
    const eight = costOpGraph(g, cpu, { threads: 8 })
    expect(eight.total.latencyS).toBeGreaterThan(r.total.latencyS)
  })
  it('fused attention op uses the attention model; causal halves its FLOPs', () => {
    const b = new GraphBuilder('attn', { defaultDType: 'bf16' })
    const q = b.input('q', [1, 32, 2048, 128])
    const k = b.input('k', [1, 32, 2048, 128])
    const v = b.input('v', [1, 32, 2048, 128])
    b.op('attention', [q, k, v], { attrs: { causal: true } })
    const o = costOpGraph(b.build(), a100).ops.find((x) => x.kind === 'attention')!
    expect(o.model).toBe('attention-fused')
    expect(o.flops).toBe(2 * 32 * 2048 * 2048 * 128)
  })
})
