import { exportPhaze, importPhaze, isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { planDownsetDp } from './downset-dp.js'
import { exportDownsetDpResult } from './phaze-result.js'

/**
 * The chain of phaze reference §6.9 as a PHAZE solver input: 0 → 1 → 2 → 3, F = [10, 20, 20, 10] ms, B = 2F,
 * A = 1 GB per node, 1 MB per edge, 1 GB/s, 8 microbatches, t = 1.
 */
function chain(opts: { K: number; M: number; P: readonly number[]; recompute: boolean; optimizer?: string }) {
  const F = [0.01, 0.02, 0.02, 0.01]
  return JSON.stringify({
    maxMemoryPerDevice: opts.M,
    maxDevices: opts.K,
    bandwidth: 1e9,
    mbsInBatch: 8,
    nodes: {
      '1': F.map((f, id) => ({
        id,
        parameterSize: opts.P[id],
        activationSize: 1e9,
        optimalLatencyFw: f,
        optimalLatencyBw: 2 * f,
        isTensorParallelized: false,
      })),
    },
    edges: { '1': [0, 1, 2].map((u) => ({ sourceId: u, destId: u + 1, communicationCost: 1e6 })) },
    activationRecomputation: opts.recompute,
    optimizerAlgorithm: opts.optimizer ?? 'SGD',
  })
}
const small = [1e6, 2e6, 2e6, 1e6]

describe('planDownsetDp on PHAZE solver inputs (importPhaze)', () => {
  it('one device: the whole chain, time F + B per microbatch, memory 2P + A', () => {
    const r = planDownsetDp(importPhaze(chain({ K: 1, M: 4.5e9, P: small, recompute: false })))
    expect(r.objectiveS).toBeCloseTo(0.18, 15)
    expect(r.stages[0]!.memoryBytes).toBe(4e9 + 2 * 6e6)
    // Adam adds one more P: at M = 4.015e9 SGD's 4.012e9 fits, Adam's 4.018e9 does not.
    expect(planDownsetDp(importPhaze(chain({ K: 1, M: 4.015e9, P: small, recompute: false }))).status).toBe(
      'optimal',
    )
    expect(
      planDownsetDp(importPhaze(chain({ K: 1, M: 4.015e9, P: small, recompute: false, optimizer: 'Adam' })))
        .status,
    ).toBe('infeasible')
  })

  it('four devices: two stages of d = 2 beat one of d = 4 by the smaller data-parallel sync', () => {
    // {0,1} d=2: 0.09/2 + 2·1 MB/2/(1 GB/s) + 4·1·3 MB/(2·8)/(1 GB/s) = 0.045 + 0.001 + 0.00075; {2,3} the same.
    // One stage, d = 4: 0.18/4 + 4·3·6 MB/(4·8)/(1 GB/s) = 0.04725. Nodes 1 and 2 each need d ≥ 2 alone.
    const p = importPhaze(chain({ K: 4, M: 8e9, P: small, recompute: false }))
    const r = planDownsetDp(p)
    expect(r.objectiveS).toBeCloseTo(0.04675, 15)
    expect(r.stages.map((s) => [s.nodes, s.dataParallel, s.tensorParallel])).toEqual([
      [['0', '1'], 2, 1],
      [['2', '3'], 2, 1],
    ])
    expect(exportDownsetDpResult(r, p)).toEqual({
      stages: [
        { nodes: [0, 1], devicesForStage: 1, dataParallelDegree: 2, tensorParallelDegree: 1 },
        { nodes: [2, 3], devicesForStage: 1, dataParallelDegree: 2, tensorParallelDegree: 1 },
      ],
      dataParallelDegree: 2,
      tensorParallelDegree: 1,
      // PHAZE's (⌈8/2⌉ + 2 − 1) · load with load = 2 · 0.04675.
      finalTimePerBatch: r.objectiveS! * 10,
    })
  })

  it('recomputation lets the first of two stages fit: both its nodes stash only their input', () => {
    // K = 2, M = 2.5 GB: the first stage holds 2 microbatches. Stashing {0,1} needs 4 GB; recomputing both needs
    // 2P + A + 2·(0 + 1 MB) = 2.008 GB; its time is (2F + B) summed = 0.04 + 0.08 plus 2 MB over 1 GB/s.
    const r = planDownsetDp(importPhaze(chain({ K: 2, M: 2.5e9, P: small, recompute: true })))
    expect(r.objectiveS).toBeCloseTo(0.122, 15)
    expect(r.stages.map((s) => s.configIds)).toEqual([
      ['activation recomp', 'activation recomp'],
      ['vanilla', 'vanilla'],
    ])
    expect(r.stages[0]!.memoryBytes).toBe(2e9 + 2 * 3e6 + 2 * 1e6)
    expect(planDownsetDp(importPhaze(chain({ K: 2, M: 2.5e9, P: small, recompute: false }))).status).toBe(
      'infeasible',
    )
  })

  it('uses per-width edge bytes and rejects an unknown optimizer', () => {
    // Width 1: 0.5 GB per boundary; width 2 (same times): nothing to send. K = 4, N = 2.
    const doc = JSON.parse(chain({ K: 4, M: 1e12, P: small, recompute: false }))
    doc.mbsInBatch = 2
    doc.nodes['2'] = doc.nodes['1'].map((n: Record<string, unknown>) => ({
      ...n,
      isTensorParallelized: true,
    }))
    doc.edges['2'] = doc.edges['1'].map((e: Record<string, unknown>) => ({ ...e, communicationCost: 0 }))
    doc.edges['1'] = doc.edges['1'].map((e: Record<string, unknown>) => ({ ...e, communicationCost: 5e8 }))
    // Two t = 2 stages send nothing: 0.09 each. At width-1 bytes they would cost 0.09 + 1; one stage of d = 2
    // costs 0.18/2 + 4·1·6 MB/(2·2)/(1 GB/s) = 0.096.
    const r = planDownsetDp(importPhaze(doc))
    expect(r.objectiveS).toBeCloseTo(0.09, 15)
    expect(r.stages.map((s) => [s.nodes, s.tensorParallel, s.dataParallel])).toEqual([
      [['0', '1'], 2, 1],
      [['2', '3'], 2, 1],
    ])
    doc.edges['2'] = doc.edges['1']
    expect(planDownsetDp(importPhaze(doc)).objectiveS).toBeCloseTo(0.096, 15)
    try {
      planDownsetDp(importPhaze(chain({ K: 1, M: 1e12, P: small, recompute: false, optimizer: 'Adagrad' })))
      expect.unreachable()
    } catch (e) {
      expect(isDnnperfError(e)).toBe(true)
      expect((e as { field: string }).field).toBe('training.optimizer')
    }
  })
})

describe('Piper inputs are not read as PHAZE', () => {
  it('a Piper problem with any training options plans as before', () => {
    const p = importPhaze(chain({ K: 4, M: 8e9, P: small, recompute: false }))
    const piper = {
      ...p,
      format: 'piper' as const,
      training: { optimizer: 'AdamW' },
      nodes: p.nodes.map((v) => {
        const c = v.tensorParallel!['1']![0]!
        return {
          ...v,
          tensorParallel: {
            '1': [
              {
                timePerSampleS: c.forwardS! + c.backwardS!,
                parameterBytes: c.parameterBytes!,
                memoryBytesPerMicrobatch: c.activationBytes!,
                memoryBytesFixed: 2 * c.parameterBytes!,
              },
            ],
          },
        }
      }),
    }
    expect(planDownsetDp(piper).objectiveS).toBe(planDownsetDp(p).objectiveS)
  })
})

describe('exportDownsetDpResult', () => {
  it("infeasible: PHAZE's empty stages and 1e30", () => {
    const p = importPhaze(chain({ K: 1, M: 1e9, P: small, recompute: false }))
    expect(exportDownsetDpResult(planDownsetDp(p), p, { fixedStrategyTimePerBatchS: 3 })).toEqual({
      stages: [],
      dataParallelDegree: 0,
      tensorParallelDegree: 0,
      finalTimePerBatch: 1e30,
      fixedStrategyTimePerBatch: 3,
    })
  })

  it('round trip: export → import → the same optimum and the same PHAZE output', () => {
    const p = importPhaze(chain({ K: 4, M: 8e9, P: small, recompute: true }))
    const back = importPhaze(JSON.stringify(exportPhaze(p)))
    const a = planDownsetDp(p)
    const b = planDownsetDp(back)
    expect(b.objectiveS).toBe(a.objectiveS)
    expect(exportDownsetDpResult(b, back)).toEqual(exportDownsetDpResult(a, p))
  })

  it('names a node id PHAZE cannot write', () => {
    const p = importPhaze(chain({ K: 1, M: 1e12, P: small, recompute: false }))
    const r = planDownsetDp(p)
    const renamed = { ...r, stages: r.stages.map((s) => ({ ...s, nodes: s.nodes.map((id) => `n${id}`) })) }
    try {
      exportDownsetDpResult(renamed, p)
      expect.unreachable()
    } catch (e) {
      expect((e as { code: string; field: string }).code).toBe('INVALID_VALUE')
      expect((e as { field: string }).field).toBe('nodes[0]')
    }
  })
})
