import { describe, expect, it } from 'vitest'
import { GraphBuilder } from './builder.js'
import { createOpKindRegistry } from './builtin-kinds.js'
import { compileOpGraph } from './compile.js'
import { contractLayers } from './contract.js'
import { fromGraphlib, toGraphlib } from './graphlib.js'
import { parseOpGraph, serializeOpGraph } from './json.js'
import { summarizeModel } from './summary.js'
import { deriveTrainingGraph } from './training.js'
import type { OpGraph } from './types.js'
import { validateOpGraph } from './validate.js'

/** Two-layer MLP on a batch of 8: 784 → 256 → 10, every number checkable by hand. */
function mlp(): OpGraph {
  const b = new GraphBuilder('mlp')
  b.setMetadata({ batchSize: 8 })
  const x = b.input('x', [8, 784])
  const labels = b.input('labels', [8], 'int64')
  const h = b.inLayer('fc1', () => {
    const y = b.op('linear', [x], { params: [b.param('fc1.weight', [784, 256]), b.param('fc1.bias', [256])] })
    return b.op('relu', [y])
  })
  const logits = b.inLayer('fc2', () => b.op('linear', [h], { params: [b.param('fc2.weight', [256, 10])] }))
  b.inLayer('loss', () => b.op('cross_entropy', [logits, labels]))
  return b.build()
}

describe('op graph', () => {
  it('summarises a model with hand-checked numbers', () => {
    const s = summarizeModel(mlp())
    expect(s.parameters).toBe(784 * 256 + 256 + 256 * 10)
    // fc1: 2·8·784·256 + bias 8·256; relu 8·256; fc2 2·8·256·10; loss 5·8·10
    const flop = 2 * 8 * 784 * 256 + 8 * 256 + 8 * 256 + 2 * 8 * 256 * 10 + 5 * 80
    expect(s.forwardFlopsPerSample).toBe(flop / 8)
    expect(s.layers).toBe(3)
    expect(s.weightBytes).toBe(4 * s.parameters)
    // outputs of fc1, relu, fc2 (fp32) and the scalar loss; inputs excluded
    expect(s.activationBytesPerSample).toBe((4 * (8 * 256 * 2 + 8 * 10) + 4) / 8)
  })

  it('infers shapes and rejects mismatches with a typed error naming the node', () => {
    const b = new GraphBuilder('bad')
    const x = b.input('x', [4, 3])
    b.setLayer('fc')
    expect(() => b.op('linear', [x], { params: [b.param('w', [5, 2])] })).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', nodeId: 'fc/linear' }),
    )
  })

  it('derives a training graph with dgrad, wgrad and optimizer ops', () => {
    const t = deriveTrainingGraph(mlp())
    const ids = t.nodes.map((n) => n.id)
    expect(ids).toContain('fc1/linear:wgrad')
    expect(ids).toContain('fc2/linear:wgrad')
    expect(ids).toContain('fc2/linear:dgrad')
    // the first layer's input is data: no gradient flows into it
    expect(ids).not.toContain('fc1/linear:dgrad')
    expect(ids.filter((id) => id.startsWith('opt:')).sort()).toEqual([
      'opt:fc1.bias',
      'opt:fc1.weight',
      'opt:fc2.weight',
    ])
    const dag = validateOpGraph(t)
    expect(dag.nodeIds.length).toBe(t.nodes.length)
    // backward weight-gradient GEMM of fc1 costs what its forward GEMM costs
    const c = compileOpGraph(t)
    expect(c.flop[ids.indexOf('fc1/linear:wgrad')]).toBe(2 * 8 * 784 * 256)
  })

  it('round-trips through JSON and graphlib', () => {
    const g = deriveTrainingGraph(mlp())
    expect(parseOpGraph(serializeOpGraph(g))).toEqual(g)
    expect(fromGraphlib(toGraphlib(g))).toEqual(g)
  })

  it('contracts layers with summed costs and bytes between them', () => {
    const lg = contractLayers(mlp())
    expect(lg.layers.map((l) => l.id)).toEqual(['x', 'labels', 'fc1', 'fc2', 'loss'])
    const fc1ToFc2 = lg.edges.find((e) => e.from === 'fc1' && e.to === 'fc2')
    expect(fc1ToFc2?.bytes).toBe(8 * 256 * 4)
  })

  it('gives typed errors for bad graphs', () => {
    const g = mlp()
    const cyclic: OpGraph = { ...g, controlEdges: [{ from: 'fc2/linear', to: 'fc1/linear' }] }
    expect(() => validateOpGraph(cyclic)).toThrowError(expect.objectContaining({ code: 'GRAPH_CYCLE' }))
    const dangling: OpGraph = {
      ...g,
      edges: [...g.edges, { from: 'nope', to: 'fc2/linear', fromOutput: 0, toInput: 0 }],
    }
    expect(() => validateOpGraph(dangling)).toThrowError(
      expect.objectContaining({ code: 'GRAPH_DANGLING_EDGE', missingNodeId: 'nope' }),
    )
    const unknown: OpGraph = {
      ...g,
      nodes: g.nodes.map((n) => (n.id === 'fc1/relu' ? { ...n, kind: 'frobnicate' } : n)),
    }
    expect(() => validateOpGraph(unknown)).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_OP_KIND', nodeId: 'fc1/relu' }),
    )
    const nan: OpGraph = {
      ...g,
      nodes: g.nodes.map((n) => (n.id === 'fc1/relu' ? { ...n, flop: Number.NaN } : n)),
    }
    expect(() => validateOpGraph(nan)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', at: 'fc1/relu', field: 'flop' }),
    )
    const negative: OpGraph = {
      ...g,
      nodes: g.nodes.map((n) => (n.id === 'fc1/relu' ? { ...n, bytes: -1 } : n)),
    }
    expect(() => validateOpGraph(negative)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'bytes' }),
    )
    const shape: OpGraph = {
      ...g,
      nodes: g.nodes.map((n) =>
        n.id === 'fc1/relu'
          ? {
              ...n,
              inputs: [{ shape: [8, 255], dtype: 'fp32' }],
              outputs: [{ shape: [8, 255], dtype: 'fp32' }],
            }
          : n,
      ),
    }
    expect(() => validateOpGraph(shape)).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', nodeId: 'fc1/relu' }),
    )
  })

  it('lets users register op kinds, and gives their backward a generic op of equal cost', () => {
    const registry = createOpKindRegistry()
    registry.register({
      kind: 'my_mix',
      engine: 'vector',
      description: 'a user op with a parameter',
      inferOutputs: (op) => [op.inputs[0]!],
      flop: (op) => 7 * op.outputs[0]!.shape.reduce((a, b) => a * b, 1),
    })
    const b = new GraphBuilder('custom', { registry })
    const x = b.input('x', [2, 3])
    b.op('my_mix', [x], { params: [b.param('mix.w', [3])] })
    const t = deriveTrainingGraph(b.build(), { registry })
    const wgrad = t.nodes.find((n) => n.id === 'my_mix:wgrad')
    expect(wgrad?.kind).toBe('generic_wgrad')
    expect(wgrad?.flop).toBe(42)
    expect(() => new GraphBuilder('x').op('my_mix', [])).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_OP_KIND' }),
    )
  })

  it('differentiates a matmul whose right operand broadcasts over the batch, summing into its shape', () => {
    const b = new GraphBuilder('broadcast')
    const x = b.input('x', [4, 8, 16])
    const h = b.op('linear', [x], { params: [b.param('w0', [16, 16])] })
    const w = b.inLayer('proj', () =>
      b.op('linear', [b.input('y', [16, 16])], { params: [b.param('w1', [16, 32])] }),
    )
    b.op('matmul', [h, w], { name: 'bmm' })
    const t = deriveTrainingGraph(b.build())
    const c = compileOpGraph(t) // validates every backward op's shapes
    const byId = new Map(t.nodes.map((n, i) => [n.id, i]))
    const fwd = c.flop[byId.get('bmm')!]!
    expect(fwd).toBe(2 * 4 * 8 * 16 * 32)
    expect(t.nodes[byId.get('bmm:dgrad.b')!]!.outputs[0]!.shape).toEqual([16, 32])
    expect(c.flop[byId.get('bmm:dgrad.b')!]).toBe(fwd)
    expect(c.flop[byId.get('bmm:dgrad.a')!]).toBe(fwd)
  })

  it('reads a transposed (tied) weight in linear, e.g. an output layer sharing the [vocab, d] embedding', () => {
    const b = new GraphBuilder('tied')
    const tokens = b.input('tokens', [2, 5], 'int64')
    const table = b.param('wte', [100, 8])
    const e = b.op('embedding', [tokens], { params: [table] })
    const logits = b.op('linear', [e], { name: 'head', params: [table], attrs: { transposeWeight: true } })
    expect(logits.shape).toEqual([2, 5, 100])
    const g = b.build()
    expect(summarizeModel(g).parameters).toBe(800)
    const t = deriveTrainingGraph(g)
    const wgrad = t.nodes.find((n) => n.id === 'head:wgrad')!
    expect(wgrad.outputs[0]!.shape).toEqual([100, 8])
    const c = compileOpGraph(t)
    expect(c.flop[t.nodes.indexOf(wgrad)]).toBe(2 * 10 * 8 * 100)
    // the tied table gets one update fed by both weight gradients
    expect(t.nodes.filter((n) => n.phase === 'optimizer').map((n) => n.id)).toEqual(['opt:wte'])
    expect(
      t.controlEdges
        .filter((e2) => e2.to === 'opt:wte')
        .map((e2) => e2.from)
        .sort(),
    ).toEqual(['embedding:wgrad', 'head:wgrad'])
  })
})
