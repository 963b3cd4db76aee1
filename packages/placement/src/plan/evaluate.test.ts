import { isDnnperfError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { listPlanClusters } from './clusters.js'
import { evaluatePlan } from './evaluate.js'
import type { TransformerShape } from './types.js'

const GiB = 2 ** 30
const gpt175: TransformerShape = {
  name: 'gpt3-175b',
  layers: 96,
  hidden: 12288,
  heads: 96,
  seq: 2048,
  vocab: 51200,
}
const gpt22: TransformerShape = {
  name: 'gpt-22b',
  layers: 48,
  hidden: 6144,
  heads: 64,
  seq: 2048,
  vocab: 51200,
}

describe('evaluatePlan: memory (Korthikanti et al. 2022, Table 2 and Fig. 1)', () => {
  // Table 3 configuration: t = 8, p = 8, 64 GPUs, batch 64, microbatch 1, interleaved with v = 3.
  const plan = {
    gpus: 64,
    tensorParallel: 8,
    pipelineParallel: 8,
    globalBatch: 64,
    schedule: 'interleaved' as const,
    chunksPerDevice: 3,
  }

  it('175B, TP only: 552 MiB per layer × 96 × 1.2917 = 66.84 GiB of activations on the first stage', () => {
    const r = evaluatePlan(gpt175, 'dgx-a100', plan)
    expect(r.peakMemoryStage).toBe(0)
    // Plus the embedding dropout masks (sbh/t per in-flight microbatch), which Fig. 1 leaves out: 0.05 %.
    expect(r.memoryPerDeviceBytes.activations / GiB).toBeCloseTo(66.84, 0)
    expect(Math.abs(r.memoryPerDeviceBytes.activations / GiB - 66.84) / 66.84).toBeLessThan(0.001)
    expect(r.inFlightMicrobatches).toBeCloseTo(8 + 7 / 3, 12)
    expect(r.fits).toBe(false)
  })

  it('175B, SP + selective recomputation: 102 MiB per layer → 12.35 GiB, and it fits', () => {
    const r = evaluatePlan(gpt175, 'dgx-a100', { ...plan, sequenceParallel: true, recompute: 'selective' })
    expect(Math.abs(r.memoryPerDeviceBytes.activations / GiB - 12.35) / 12.35).toBeLessThan(0.005)
    expect(r.fits).toBe(true)
  })

  it('22B on one node (t = 8, b = 4): 59.25 GiB TP-only, within the output-layer extras', () => {
    const r = evaluatePlan(gpt22, 'dgx-a100', {
      gpus: 8,
      tensorParallel: 8,
      globalBatch: 4,
      microbatchSize: 4,
    })
    const gib = r.memoryPerDeviceBytes.activations / GiB
    expect(gib).toBeGreaterThan(59.25)
    expect(gib).toBeLessThan(59.25 * 1.005)
  })

  it('model states: 18 bytes per parameter of the first stage (Megatron bf16 + fp32 grads + Adam)', () => {
    const r = evaluatePlan(gpt175, 'dgx-a100', plan)
    const h = 12288
    const stage0 = (12 * (12 * h * h + 13 * h) + (51200 + 2048) * h) / 8
    const m = r.memoryPerDeviceBytes
    expect(m.weights).toBeCloseTo(2 * stage0, 0)
    expect(m.gradients).toBeCloseTo(4 * stage0, 0)
    expect(m.optimizerState).toBeCloseTo(12 * stage0, 0)
    expect(m.total).toBeCloseTo(m.weights + m.gradients + m.optimizerState + m.activations + m.workspace, 0)
    // ZeRO-1 over d = 8 shards the 12 bytes of optimizer state.
    const z = evaluatePlan(gpt175, 'dgx-a100', { ...plan, gpus: 512, globalBatch: 512, zeroStage: 1 })
    expect(z.memoryPerDeviceBytes.optimizerState).toBeCloseTo((12 * stage0) / 8, 0)
  })
})

describe('evaluatePlan: time and throughput bookkeeping', () => {
  const r = evaluatePlan(gpt175, 'dgx-a100', {
    gpus: 1024,
    tensorParallel: 8,
    pipelineParallel: 8,
    globalBatch: 1536,
    schedule: 'interleaved',
    chunksPerDevice: 2,
    recompute: 'selective',
    sequenceParallel: true,
  })

  it('the breakdown sums to the iteration time and the rates follow from it', () => {
    const b = r.breakdownS
    const sum =
      b.compute + b.tensorParallelComm + b.pipelineComm + b.bubble + b.dataParallelComm + b.optimizer
    expect(sum).toBeCloseTo(r.iterationTimeS, 9)
    expect(r.throughputSamplesPerS).toBeCloseTo(1536 / r.iterationTimeS, 9)
    expect(r.throughputTokensPerS).toBeCloseTo((1536 * 2048) / r.iterationTimeS, 6)
    expect(r.mfu).toBeCloseTo(r.modelFlopsPerIteration / (r.iterationTimeS * 1024 * 312e12), 12)
    for (const v of Object.values(b)) expect(v).toBeGreaterThanOrEqual(0)
    expect(b.tensorParallelComm).toBeGreaterThan(0)
    expect(b.pipelineComm).toBeGreaterThan(0)
    expect(b.dataParallelComm).toBeGreaterThan(0)
    expect(r.plan.microbatches).toBe(96)
  })

  it('model FLOPs are Korthikanti’s 72·B·L·s·h²·(1 + s/(6h) + V/(12hL)); selective recompute adds the attention core forward', () => {
    const [B, L, s, h, V] = [1536, 96, 2048, 12288, 51200]
    const model = 72 * B * L * s * h * h * (1 + s / (6 * h) + V / (12 * h * L))
    expect(r.modelFlopsPerIteration / model).toBeCloseTo(1, 12)
    // Recomputing QKᵀ and P·V forward costs 4·s²·h per sequence and layer. (Korthikanti App. A prints
    // 1 + s/(3h) for the hardware FLOPs, which charges 4× that; we count what the kernels execute.)
    expect((r.hardwareFlopsPerIteration - r.modelFlopsPerIteration) / (4 * B * L * s * s * h)).toBeCloseTo(
      1,
      12,
    )
    expect(r.parameters / 1e9).toBeCloseTo(174.6, 1)
  })

  it('echoes the resolved plan, and evaluating that plan again gives the same result', () => {
    const again = evaluatePlan(gpt175, 'dgx-a100', r.plan)
    expect(again.plan).toEqual(r.plan)
    expect(again.plan.balancedStages).toBe(true)
    expect(again.iterationTimeS).toBe(r.iterationTimeS)
  })

  it('ZeRO-3 shards weights over d and keeps two gathered layers in the workspace', () => {
    const plan = { gpus: 64, tensorParallel: 8, pipelineParallel: 1, globalBatch: 64 }
    const z0 = evaluatePlan(gpt175, 'dgx-a100', plan)
    const z3 = evaluatePlan(gpt175, 'dgx-a100', { ...plan, zeroStage: 3 })
    expect(z3.memoryPerDeviceBytes.weights).toBeCloseTo(z0.memoryPerDeviceBytes.weights / 8, 0)
    const layerWeights = (2 * (12 * 12288 * 12288 + 13 * 12288) * 2) / 8
    expect(z3.memoryPerDeviceBytes.workspace - z0.memoryPerDeviceBytes.workspace).toBeCloseTo(layerWeights, 0)
    expect(z3.breakdownS.dataParallelComm).toBeGreaterThan(0)
  })

  it('runs on every cluster preset, and a faster device finishes sooner', () => {
    const plan = {
      gpus: 64,
      tensorParallel: 8,
      pipelineParallel: 8,
      globalBatch: 64,
      recompute: 'full' as const,
    }
    const times = Object.fromEntries(
      listPlanClusters().map((c) => [c, evaluatePlan(gpt175, c, plan).iterationTimeS] as const),
    )
    for (const t of Object.values(times)) expect(Number.isFinite(t) && t > 0).toBe(true)
    expect(times['dgx-h100']!).toBeLessThan(times['dgx-a100']!)
    expect(times['dgx-h200']!).toBeLessThanOrEqual(times['dgx-h100']!)
  })

  it('reports a plan that does not fit instead of refusing it', () => {
    const big = evaluatePlan(gpt175, 'dgx-a100', { gpus: 8, tensorParallel: 8, globalBatch: 8 })
    expect(big.fits).toBe(false)
    expect(big.memoryPerDeviceBytes.total).toBeGreaterThan(80 * GiB)
    expect(Number.isFinite(big.iterationTimeS)).toBe(true)
    expect(JSON.parse(JSON.stringify(big))).toEqual(big)
  })

  it('rejects bad options and unknown clusters with typed errors', () => {
    const plan = { gpus: 8, tensorParallel: 8, globalBatch: 8 }
    const codeOf = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return isDnnperfError(e) ? e.code : 'not a dnnperf error'
      }
      return 'no error'
    }
    expect(codeOf(() => evaluatePlan(gpt175, 'dgx-z1000', plan))).toBe('NOT_FOUND')
    expect(codeOf(() => evaluatePlan(gpt175, 'dgx-a100', plan, { efficiency: { matrix: 1.5 } }))).toBe(
      'INVALID_VALUE',
    )
    expect(codeOf(() => evaluatePlan(gpt175, 'dgx-a100', plan, { dtype: 'fp4x' }))).toBe('INVALID_VALUE')
    expect(codeOf(() => evaluatePlan(gpt175, 'dgx-a100', plan, { dtype: 'int4' }))).toBe('INVALID_VALUE')
    expect(codeOf(() => evaluatePlan(gpt175, 'dgx-a100', { ...plan, tensorParallel: 7 }))).toBe(
      'PLAN_INVALID',
    )
    expect(codeOf(() => evaluatePlan(gpt175, { ...clusterOf(), nodes: 1 }, { ...plan, gpus: 16 }))).toBe(
      'PLAN_INVALID',
    )
    expect(codeOf(() => evaluatePlan({ ...gpt175, hidden: 0 }, 'dgx-a100', plan))).toBe('INVALID_VALUE')
  })
})

function clusterOf() {
  return {
    name: 'one-node',
    device: 'a100-80gb',
    devicesPerNode: 8,
    intraNodeBandwidthBytesPerS: 300e9,
    interNodeBandwidthBytesPerS: 25e9,
  }
}
