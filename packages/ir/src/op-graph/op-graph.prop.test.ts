import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GraphBuilder } from './builder.js'
import type { TensorRef } from './builder.js'
import { compileOpGraph } from './compile.js'
import { parseOpGraph, serializeOpGraph } from './json.js'
import { deriveTrainingGraph } from './training.js'
import type { OpGraph } from './types.js'

type Step = { kind: 'linear' | 'relu' | 'add'; a: number; b: number; tie: boolean }

/** Random op DAGs over [4, 8] tensors: linear (some tied), relu and add ops reading earlier tensors. */
const arbOpGraph = fc
  .array(
    fc.record({
      kind: fc.constantFrom<Step['kind']>('linear', 'relu', 'add'),
      a: fc.nat(),
      b: fc.nat(),
      tie: fc.boolean(),
    }),
    { minLength: 1, maxLength: 20 },
  )
  .map((steps): OpGraph => {
    const b = new GraphBuilder('random')
    const tensors: TensorRef[] = [b.input('x', [4, 8])]
    steps.forEach((s, i) => {
      const x = tensors[s.a % tensors.length]!
      const y = tensors[s.b % tensors.length]!
      b.setLayer(`l${i % 5}`)
      if (s.kind === 'linear') {
        tensors.push(b.op('linear', [x], { params: [b.param(s.tie ? 'shared.w' : `w${i}`, [8, 8])] }))
      } else if (s.kind === 'relu') {
        tensors.push(b.op('relu', [x]))
      } else {
        tensors.push(b.op('add', [x, y]))
      }
    })
    return b.build()
  })

describe('op graph properties', () => {
  it('JSON round-trip is lossless, for forward and training graphs', () => {
    fc.assert(
      fc.property(arbOpGraph, (g) => {
        expect(parseOpGraph(serializeOpGraph(g))).toEqual(g)
        const t = deriveTrainingGraph(g)
        expect(parseOpGraph(JSON.parse(serializeOpGraph(t)))).toEqual(t)
      }),
    )
  })

  it('training derivation gives every parameterised forward op a weight-gradient op, and stays acyclic', () => {
    fc.assert(
      fc.property(arbOpGraph, fc.constantFrom('adam' as const, 'sgd' as const), (g, optimizer) => {
        const t = deriveTrainingGraph(g, { optimizer })
        const wgradOf = new Set(t.nodes.filter((n) => n.gradRole === 'weight').map((n) => n.gradOf))
        for (const n of g.nodes) if (n.params.length > 0) expect(wgradOf.has(n.id)).toBe(true)
        const compiled = compileOpGraph(t) // throws on a cycle
        // each distinct parameter gets exactly one update
        const params = new Set(g.nodes.flatMap((n) => n.params.map((p) => p.name)))
        expect(t.nodes.filter((n) => n.phase === 'optimizer').length).toBe(params.size)
        // every backward op comes after its forward op in topological order
        const rank = new Map(Array.from(compiled.dag.topoOrder, (i, k) => [t.nodes[i]!.id, k]))
        for (const n of t.nodes)
          if (n.gradOf !== undefined) expect(rank.get(n.id)!).toBeGreaterThan(rank.get(n.gradOf)!)
      }),
    )
  })
})
