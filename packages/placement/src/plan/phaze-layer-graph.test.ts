import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { exportPhaze, importPhaze, importPhazeLayerGraphDot, isDnnperfError } from '@dnnperf/ir'
import type { PlacementProblem } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'
import { costPhazeLayerGraph } from './phaze-layer-graph.js'
import { exportDownsetDpResult } from './phaze-result.js'
import type { DownsetDpResult, TransformerShape } from './types.js'

// The fork's Llama-2-7B layer graphs (one traced decoder layer with the head in it, seq 4096).
const dir = resolve(import.meta.dirname, '../../../../../shared/data/hardware/phaze-llama2-layer-graphs')
const dot = (mbs: number) => readFileSync(resolve(dir, `llama2_mbs_${mbs}_sl_4096_layer_graph.dot`), 'utf8')
const MBS = [1, 2, 4, 8] as const
// DOT attributes (elements) of node 0 and node -1 per microbatch size.
const DOT_ACTIVATIONS: Record<number, { layer: number; embedding: number }> = {
  1: { layer: 4_537_225_238, embedding: 222_372_171 },
  2: { layer: 9_073_389_590, embedding: 356_610_379 },
  4: { layer: 18_145_718_294, embedding: 625_086_795 },
  8: { layer: 36_290_375_702, embedding: 1_162_039_627 },
}

/** @dnnperf/models `llama2-7b` (rotary, RMSNorm, SwiGLU, untied), seq 4096. */
const llama2: TransformerShape = {
  name: 'llama2-7b',
  layers: 32,
  hidden: 4096,
  heads: 32,
  seq: 4096,
  vocab: 32000,
  ffnHidden: 11008,
  gatedMlp: true,
  tiedEmbeddings: false,
}
const ids = ['-1', ...Array.from({ length: 33 }, (_, i) => String(i))]

/** Checks every plan must pass, independent of the DP: cover, contiguity, budgets, objective = worst stage. */
function checkPlan(p: PlacementProblem, r: DownsetDpResult): void {
  expect(r.status).toBe('optimal')
  const K = p.resources.acceleratorCount!
  const N = p.resources.microbatchCount!
  // A chain: stages concatenate to the node order, each node exactly once.
  expect(r.stages.flatMap((s) => s.nodes)).toEqual(p.nodes.map((v) => v.id))
  const devices = r.stages.reduce((acc, s) => acc + s.tensorParallel * s.dataParallel, 0)
  expect(devices).toBe(r.devicesUsed)
  expect(devices).toBeLessThanOrEqual(K)
  expect(r.dataParallelSum).toBeLessThanOrEqual(Math.min(N, K))
  let later = 0
  for (let i = r.stages.length - 1; i >= 0; i--) {
    const s = r.stages[i]!
    expect(N % s.dataParallel).toBe(0)
    later += s.dataParallel
    expect(s.inFlightMicrobatches).toBe(Math.ceil(later / s.dataParallel))
    expect(s.memoryBytes).toBeLessThanOrEqual(p.resources.acceleratorMemoryBytes!)
  }
  expect(Math.max(...r.stages.map((s) => s.timePerSampleS))).toBeCloseTo(r.objectiveS!, 12)
}

describe.skipIf(!existsSync(dir))(
  `costPhazeLayerGraph on PHAZE's Llama-2 layer graphs${existsSync(dir) ? '' : ` (skipped: ${dir} not found)`}`,
  () => {
    it('replicates the traced layer to 32, splits the head off it and keeps the DOT sizes', () => {
      for (const mbs of MBS) {
        const g = importPhazeLayerGraphDot(dot(mbs))
        const p = costPhazeLayerGraph(g, llama2, 'dgx-a100', { gpus: 8, globalBatch: 64 })
        expect(p.nodes.map((v) => v.id)).toEqual(ids)
        expect(p.nodes.map((v) => v.name)).toEqual([
          'embedding',
          ...Array(32).fill('ParallelTransformerLayer'),
          'output',
        ])
        // The microbatch is read from the -1 -> 0 edge (b·s·h elements), which every chain edge copies.
        expect(p.resources.microbatchCount).toBe(64 / mbs)
        expect(p.edges).toHaveLength(33)
        for (const e of p.edges) {
          expect(Number(e.to) - Number(e.from)).toBe(1)
          expect(e.bytes).toBe(mbs * 4096 * 4096 * 2)
          expect(e.bytesByTensorWidth).toEqual({ '1': e.bytes, '2': e.bytes, '4': e.bytes, '8': e.bytes })
        }
        const at1 = (id: string) => p.nodes.find((v) => v.id === id)!.tensorParallel!['1']![0]!
        // Parameters: the head gets V·h + the final norm (our count, 2h), the layer the rest of DOT node 0.
        const head = 32000 * 4096 + 2 * 4096
        expect(at1('32').parameterBytes).toBe(head * 2)
        expect(at1('0').parameterBytes).toBe((333_459_456 - head) * 2)
        expect(at1('17').parameterBytes).toBe(at1('0').parameterBytes)
        expect(at1('-1').parameterBytes).toBe(131_072_000 * 2)
        // Activations at t = 1 without recomputation are the DOT's, the traced layer's split layer/head.
        const a = DOT_ACTIVATIONS[mbs]!
        expect(at1('0').activationBytes! + at1('32').activationBytes!).toBeCloseTo(a.layer * 2, 0)
        expect(at1('-1').activationBytes).toBe(a.embedding * 2)
        expect(at1('0').memoryBytesPerMicrobatch).toBe(at1('0').activationBytes)
        // Megatron mixed-precision Adam: 2 + 4 + 12 B per parameter.
        expect(at1('0').memoryBytesFixed).toBe((at1('0').parameterBytes! / 2) * 18)
        expect(at1('0').timePerSampleS).toBeCloseTo(at1('0').forwardS! + at1('0').backwardS!, 15)
        expect(p.training).toEqual({
          activationRecomputation: true,
          optimizer: 'Adam',
          transformerLayerCount: 32,
        })
      }
    })

    it('costs wider and recomputing configurations by the model', () => {
      const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(1)), llama2, 'dgx-a100', {
        gpus: 8,
        globalBatch: 64,
      })
      const layer = p.nodes[1]!.tensorParallel!
      const [v1, r1] = layer['1']!
      const [v8] = layer['8']!
      expect(v1!.id).toBe('vanilla')
      expect(r1!.id).toBe('activation recomp')
      expect(v8!.parameterBytes).toBeCloseTo(v1!.parameterBytes! / 8, 6)
      expect(v8!.tensorParallelized).toBe(true)
      expect(v1!.tensorParallelized).toBe(false)
      // Korthikanti: 34 + 5as/h = 194 units per s·b·h at t = 1; 10 + 24/8 + 160/8 = 33 at t = 8; 2 with full recompute.
      expect(v8!.activationBytes! / v1!.activationBytes!).toBeCloseTo(33 / 194, 12)
      expect(r1!.memoryBytesPerMicrobatch! / v1!.memoryBytesPerMicrobatch!).toBeCloseTo(2 / 194, 12)
      // Full recomputation runs the forward again: more time, same forward.
      expect(r1!.forwardS).toBe(v1!.forwardS)
      expect(r1!.timePerSampleS!).toBeGreaterThan(v1!.timePerSampleS!)
      // Wider is faster per microbatch for a 4096-wide layer on NVLink.
      expect(v8!.timePerSampleS!).toBeLessThan(v1!.timePerSampleS!)
    })

    it("phaze-v1 keeps PHAZE v1.0's head in every replicated layer (defect 20)", () => {
      const g = importPhazeLayerGraphDot(dot(1))
      const own = costPhazeLayerGraph(g, llama2, 'dgx-a100', { gpus: 8, globalBatch: 64 })
      const v1 = costPhazeLayerGraph(g, llama2, 'dgx-a100', {
        gpus: 8,
        globalBatch: 64,
        headPlacement: 'phaze-v1',
      })
      expect(v1.nodes.map((v) => v.id)).toEqual(ids.slice(0, 33))
      const c = (p: PlacementProblem, id: string) =>
        p.nodes.find((v) => v.id === id)!.tensorParallel!['1']![0]!
      for (const id of ['0', '31']) {
        expect(c(v1, id).parameterBytes).toBe(333_459_456 * 2)
        expect(c(v1, id).activationBytes).toBe(DOT_ACTIVATIONS[1]!.layer * 2)
        expect(c(v1, id).forwardS!).toBeCloseTo(c(own, '0').forwardS! + c(own, '32').forwardS!, 15)
      }
    })

    it('the downset DP on the costed mbs 1, 2, 4, 8 graphs: valid optimal plans within 8 and 64 GPUs', () => {
      for (const mbs of MBS) {
        for (const gpus of [8, 64]) {
          const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(mbs)), llama2, 'dgx-a100', {
            gpus,
            globalBatch: 512,
          })
          const r = planDownsetDp(p)
          checkPlan(p, r)
          expect(r.downsets).toBe(35)
          // PHAZE's output shape: integer ids, a = t per stage, time per batch from the objective.
          const out = exportDownsetDpResult(r, p)
          expect(out.stages.flatMap((s) => s.nodes)).toEqual(ids.slice(0, 34).map(Number))
          expect(out.stages.map((s) => s.devicesForStage)).toEqual(r.stages.map((s) => s.tensorParallel))
          expect(out.finalTimePerBatch).toBeGreaterThanOrEqual(r.objectiveS! * (512 / mbs))
        }
      }
    })

    it('more GPUs never give a worse plan (same problem, only K changes)', () => {
      for (const mbs of [1, 8]) {
        const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(mbs)), llama2, 'dgx-a100', {
          gpus: 32,
          globalBatch: 256,
          bandwidthBytesPerS: 25e9,
        })
        let previous = Number.POSITIVE_INFINITY
        for (const K of [1, 2, 4, 8, 16, 32]) {
          const r = planDownsetDp({ ...p, resources: { ...p.resources, acceleratorCount: K } })
          const objective = r.objectiveS ?? Number.POSITIVE_INFINITY
          expect(objective).toBeLessThanOrEqual(previous * (1 + 1e-12))
          previous = objective
        }
        // One A100 cannot hold Llama-2-7B with Adam states (16+ B per parameter > 80 GB); 32 can.
        expect(Number.isFinite(previous)).toBe(true)
      }
      const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(1)), llama2, 'dgx-a100', {
        gpus: 1,
        globalBatch: 8,
      })
      expect(planDownsetDp(p).status).toBe('infeasible')
    })

    it('is optimal: equals brute force over every split, width and degree on a 4-layer Llama', () => {
      // The traced layer fits any layer count; 4 layers give a 6-node chain small enough to enumerate.
      const small = { ...llama2, layers: 4 }
      let feasible = 0
      for (const mbs of [1, 4]) {
        for (const memoryModel of ['dnnperf', 'phaze'] as const) {
          const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(mbs)), small, 'dgx-a100', {
            gpus: 4,
            globalBatch: 8 * mbs,
            recompute: ['none'],
            memoryModel,
          })
          const r = planDownsetDp(p)
          const bf = bruteForceChain(p, memoryModel === 'phaze')
          feasible += Number.isFinite(bf) ? 1 : 0
          if (!Number.isFinite(bf)) expect(r.status).toBe('infeasible')
          else {
            checkPlan(p, r)
            expect(r.objectiveS!).toBeCloseTo(bf, 12)
          }
        }
      }
      expect(feasible).toBeGreaterThanOrEqual(2)
    })

    it('round-trips through the PHAZE solver JSON with the same DP optimum (phaze memory)', () => {
      for (const mbs of MBS) {
        const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(mbs)), llama2, 'dgx-a100', {
          gpus: 16,
          globalBatch: 256,
          memoryModel: 'phaze',
        })
        const json = JSON.stringify(exportPhaze(p))
        const back = importPhaze(json)
        expect(JSON.stringify(exportPhaze(back))).toBe(json)
        const a = planDownsetDp(p)
        const b = planDownsetDp(back)
        expect(b.status).toBe(a.status)
        expect(b.objectiveS).toBe(a.objectiveS)
        expect(b.stages).toEqual(a.stages)
        if (a.status === 'optimal') checkPlan(back, b)
      }
    })

    it('dnnperf memory exports the same times and sizes; only the model states are PHAZE-ruled on import', () => {
      const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot(2)), llama2, 'dgx-a100', {
        gpus: 8,
        globalBatch: 64,
      })
      const back = importPhaze(exportPhaze(p))
      const [orig] = p.nodes[5]!.tensorParallel!['4']!
      const [read] = back.nodes[5]!.tensorParallel!['4']!
      expect(read).toEqual({
        forwardS: orig!.forwardS,
        backwardS: orig!.backwardS,
        parameterBytes: orig!.parameterBytes,
        activationBytes: orig!.activationBytes,
        tensorParallelized: true,
      })
      expect(back.training).toEqual(p.training)
    })

    it('rejects a graph of another model, a wrong microbatch size and a non-PHAZE graph, naming the field', () => {
      const g = importPhazeLayerGraphDot(dot(1))
      const field = (f: () => unknown) => {
        try {
          f()
        } catch (e) {
          expect(isDnnperfError(e)).toBe(true)
          return (e as { field: string }).field
        }
        return 'no error'
      }
      const gpt = { name: 'gpt-6.7b', layers: 32, hidden: 4096, heads: 32, seq: 4096, vocab: 50257 }
      expect(field(() => costPhazeLayerGraph(g, gpt, 'dgx-a100', { gpus: 8, globalBatch: 64 }))).toBe(
        'parameterBytes',
      )
      expect(
        field(() =>
          costPhazeLayerGraph(g, llama2, 'dgx-a100', { gpus: 8, globalBatch: 64, microbatchSize: 2 }),
        ),
      ).toBe('microbatchSize')
      const g2 = importPhazeLayerGraphDot(dot(2))
      expect(field(() => costPhazeLayerGraph(g2, llama2, 'dgx-a100', { gpus: 8, globalBatch: 63 }))).toBe(
        'microbatchSize',
      )
      const noEmbedding = { ...g, nodes: g.nodes.filter((v) => v.id !== '-1'), edges: [] }
      expect(
        field(() => costPhazeLayerGraph(noEmbedding, llama2, 'dgx-a100', { gpus: 8, globalBatch: 64 })),
      ).toBe('nodes')
      expect(
        field(() =>
          costPhazeLayerGraph(g, llama2, 'dgx-a100', {
            gpus: 8,
            globalBatch: 64,
            memoryModel: 'phaze',
            recompute: ['selective'],
          }),
        ),
      ).toBe('recompute')
    })
  },
)

/**
 * Brute force over a chain's contiguous splits with every width and data-parallel degree per stage, scored by a
 * transcription of Piper's stage time and memory (one configuration per node and width). With `phaze`, the
 * nodes carry PHAZE records, read as time F + B and memory A per microbatch + 2P + P (Adam).
 */
function bruteForceChain(p: PlacementProblem, phaze: boolean): number {
  const K = p.resources.acceleratorCount!
  const N = p.resources.microbatchCount!
  const M = p.resources.acceleratorMemoryBytes!
  const B = p.resources.bandwidthBytesPerS!
  const S = Math.min(N, K)
  const n = p.nodes.length
  const widths = Object.keys(p.nodes[0]!.tensorParallel!).map(Number)
  const edgeIn = (i: number) => (i === 0 ? 0 : p.edges[i - 1]!.bytes!)
  const cost = (lo: number, hi: number, t: number, d: number, y: number): number => {
    let tps = 0
    let mem = 0
    for (let v = lo; v < hi; v++) {
      const c = p.nodes[v]!.tensorParallel![String(t)]![0]!
      const time = phaze ? c.forwardS! + c.backwardS! : c.timePerSampleS!
      const a = phaze ? c.activationBytes! : c.memoryBytesPerMicrobatch!
      const fixed = phaze ? 3 * c.parameterBytes! : c.memoryBytesFixed!
      let edge = 0
      if (v === lo) edge += 2 * edgeIn(v)
      if (v === hi - 1 && v < n - 1) edge += 2 * edgeIn(v + 1)
      tps += (edge / d + (4 * (d - 1) * c.parameterBytes!) / (d * N)) / B + time / d
      mem += a * y + fixed
    }
    return mem > M ? Number.POSITIVE_INFINITY : tps
  }
  let best = Number.POSITIVE_INFINITY
  const rec = (lo: number, stages: { lo: number; hi: number; t: number; d: number }[]) => {
    if (lo === n) {
      if (stages.reduce((acc, s) => acc + s.t * s.d, 0) > K) return
      let later = stages.reduce((acc, s) => acc + s.d, 0)
      if (later > S) return
      let worst = 0
      for (const s of stages) {
        worst = Math.max(worst, cost(s.lo, s.hi, s.t, s.d, Math.ceil(later / s.d)))
        later -= s.d
      }
      best = Math.min(best, worst)
      return
    }
    const devices = stages.reduce((acc, s) => acc + s.t * s.d, 0)
    const dSum = stages.reduce((acc, s) => acc + s.d, 0)
    for (let hi = lo + 1; hi <= n; hi++)
      for (const t of widths)
        for (let d = 1; d <= S; d++)
          if (N % d === 0 && devices + t * d <= K && dSum + d <= S) rec(hi, [...stages, { lo, hi, t, d }])
  }
  rec(0, [])
  return best
}
