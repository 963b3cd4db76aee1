import { describe, expect, it } from 'vitest'
import { InvalidPlanError } from './errors.js'
import { balancedStageLayers, formatSchedule, parseSchedule, planFromJson, resolvePlan } from './plan.js'
import type { TransformerShape } from './types.js'

// GPT-3 175B (Brown et al. 2020): 96 layers, h = 12288, 96 heads, s = 2048; V = 51,200 as in Megatron.
const gpt3: TransformerShape = {
  name: 'gpt3-175b',
  layers: 96,
  hidden: 12288,
  heads: 96,
  seq: 2048,
  vocab: 51200,
}

function fieldOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPlanError)
    expect((e as InvalidPlanError).code).toBe('PLAN_INVALID')
    return (e as InvalidPlanError).field
  }
  throw new Error('expected an InvalidPlanError')
}

describe('resolvePlan', () => {
  it('derives d and m from gpus and the global batch (B = d·b·m)', () => {
    const plan = resolvePlan(gpt3, {
      gpus: 1024,
      tensorParallel: 8,
      pipelineParallel: 8,
      globalBatch: 1536,
      microbatchSize: 2,
    })
    expect(plan.dataParallel).toBe(16)
    expect(plan.microbatches).toBe(48)
    expect(plan.globalBatch).toBe(1536)
    expect(plan.stageLayers).toEqual([12, 12, 12, 12, 12, 12, 12, 12])
    expect(plan.schedule).toBe('1f1b')
    expect(plan.chunksPerDevice).toBe(1)
    expect(plan.balancedStages).toBe(true)
  })

  it('accepts explicit uneven stages that sum to L', () => {
    const plan = resolvePlan(gpt3, {
      dataParallel: 1,
      pipelineParallel: 5,
      microbatches: 10,
      stageLayers: [18, 20, 20, 20, 18],
    })
    expect(plan.gpus).toBe(5)
    expect(plan.stageLayers).toEqual([18, 20, 20, 20, 18])
    expect(plan.balancedStages).toBe(false)
  })

  it('names the offending field', () => {
    expect(fieldOf(() => resolvePlan(gpt3, { gpus: 100, tensorParallel: 8, globalBatch: 8 }))).toBe(
      'tensorParallel',
    )
    expect(
      fieldOf(() => resolvePlan(gpt3, { gpus: 96, tensorParallel: 8, pipelineParallel: 5, globalBatch: 8 })),
    ).toBe('pipelineParallel')
    expect(fieldOf(() => resolvePlan(gpt3, { gpus: 5, pipelineParallel: 5, microbatches: 5 }))).toBe(
      'pipelineParallel',
    )
    expect(fieldOf(() => resolvePlan(gpt3, { gpus: 64, tensorParallel: 64, globalBatch: 8 }))).toBe(
      'tensorParallel',
    )
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, {
          gpus: 64,
          tensorParallel: 8,
          pipelineParallel: 8,
          globalBatch: 10,
          microbatchSize: 4,
        }),
      ),
    ).toBe('globalBatch')
    expect(fieldOf(() => resolvePlan(gpt3, { gpus: 8, dataParallel: 2, microbatches: 4 }))).toBe('gpus')
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, { dataParallel: 1, pipelineParallel: 2, microbatches: 4, stageLayers: [40, 40] }),
      ),
    ).toBe('stageLayers')
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, { dataParallel: 1, pipelineParallel: 2, microbatches: 4, stageLayers: [96, 0] }),
      ),
    ).toBe('stageLayers[1]')
    expect(fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, zeroStage: 4 as 0, microbatches: 4 }))).toBe(
      'zeroStage',
    )
    expect(
      fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, recompute: 'some' as 'full', microbatches: 4 })),
    ).toBe('recompute')
    expect(fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, expertParallel: 2, microbatches: 4 }))).toBe(
      'expertParallel',
    )
    expect(fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, microbatchSize: 0, microbatches: 4 }))).toBe(
      'microbatchSize',
    )
    expect(fieldOf(() => resolvePlan(gpt3, { dataParallel: 1 }))).toBe('globalBatch')
    expect(fieldOf(() => resolvePlan(gpt3, { tensorParallel: 2, microbatches: 1 }))).toBe('gpus')
  })

  it('rejects schedules the plan cannot run', () => {
    // 96 layers over p·v = 8·5 = 40 chunks: not divisible.
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, {
          dataParallel: 1,
          pipelineParallel: 8,
          schedule: 'interleaved',
          chunksPerDevice: 5,
          microbatches: 16,
        }),
      ),
    ).toBe('chunksPerDevice')
    // m = 12 is not a multiple of p = 8.
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, {
          dataParallel: 1,
          pipelineParallel: 8,
          schedule: 'interleaved',
          chunksPerDevice: 3,
          microbatches: 12,
        }),
      ),
    ).toBe('microbatches')
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, {
          dataParallel: 1,
          pipelineParallel: 8,
          schedule: 'interleaved',
          chunksPerDevice: 1,
          microbatches: 16,
        }),
      ),
    ).toBe('chunksPerDevice')
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, {
          dataParallel: 1,
          pipelineParallel: 8,
          schedule: '1f1b',
          chunksPerDevice: 2,
          microbatches: 16,
        }),
      ),
    ).toBe('chunksPerDevice')
    expect(
      fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, schedule: 'interleaved', microbatches: 16 })),
    ).toBe('schedule')
    expect(
      fieldOf(() =>
        resolvePlan(gpt3, { dataParallel: 1, pipelineParallel: 8, schedule: '2bw', microbatches: 4 }),
      ),
    ).toBe('microbatches')
    expect(
      fieldOf(() =>
        resolvePlan(
          { ...gpt3, seq: 2050 },
          { dataParallel: 1, tensorParallel: 8, sequenceParallel: true, microbatches: 4 },
        ),
      ),
    ).toBe('sequenceParallel')
    expect(
      fieldOf(() => resolvePlan(gpt3, { dataParallel: 1, schedule: 'zb' as '1f1b', microbatches: 4 })),
    ).toBe('schedule')
    const ok = resolvePlan(gpt3, {
      dataParallel: 1,
      pipelineParallel: 8,
      schedule: 'interleaved',
      chunksPerDevice: 3,
      microbatches: 64,
    })
    expect(ok.chunksPerDevice).toBe(3)
  })
})

describe('parseSchedule / formatSchedule', () => {
  it('reads the CLI spellings', () => {
    expect(parseSchedule('interleaved:3')).toEqual({ schedule: 'interleaved', chunksPerDevice: 3 })
    expect(parseSchedule('interleaved')).toEqual({ schedule: 'interleaved', chunksPerDevice: 2 })
    expect(parseSchedule('1F1B')).toEqual({ schedule: '1f1b', chunksPerDevice: 1 })
    expect(parseSchedule('2bw')).toEqual({ schedule: '2bw', chunksPerDevice: 1 })
    expect(formatSchedule({ schedule: 'interleaved', chunksPerDevice: 4 })).toBe('interleaved:4')
    expect(fieldOf(() => parseSchedule('interleaved:1'))).toBe('chunksPerDevice')
    expect(fieldOf(() => parseSchedule('gpipe:2'))).toBe('schedule')
    expect(fieldOf(() => parseSchedule('pipedream'))).toBe('schedule')
  })
})

describe('balancedStageLayers', () => {
  it('splits evenly and gives the remainder to inner stages first', () => {
    expect(balancedStageLayers(96, 8)).toEqual([12, 12, 12, 12, 12, 12, 12, 12])
    expect(balancedStageLayers(10, 4)).toEqual([2, 3, 3, 2])
    expect(balancedStageLayers(11, 4)).toEqual([3, 3, 3, 2])
    expect(balancedStageLayers(5, 2)).toEqual([3, 2])
  })
})

describe('planFromJson', () => {
  it('round-trips a resolved plan through JSON', () => {
    const plan = resolvePlan(gpt3, {
      gpus: 512,
      tensorParallel: 8,
      pipelineParallel: 8,
      globalBatch: 512,
      schedule: 'interleaved',
      chunksPerDevice: 4,
      recompute: 'selective',
      sequenceParallel: true,
      zeroStage: 1,
    })
    expect(planFromJson(gpt3, JSON.stringify(plan))).toEqual(plan)
  })
  it('accepts interleaved:V and rejects unknown keys and bad JSON', () => {
    const plan = planFromJson(gpt3, {
      dataParallel: 1,
      pipelineParallel: 8,
      schedule: 'interleaved:3',
      microbatches: 8,
    })
    expect(plan.chunksPerDevice).toBe(3)
    expect(fieldOf(() => planFromJson(gpt3, { dataParallel: 1, microbatches: 1, tp: 8 }))).toBe('tp')
    expect(fieldOf(() => planFromJson(gpt3, '{"dataParallel": 1,'))).toBe('(json)')
    expect(fieldOf(() => planFromJson(gpt3, '[1]'))).toBe('(root)')
  })
})
