import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { importDnnPartitioning } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { evaluateSplit } from './evaluate-split.js'
import { importDnnPartitioningSplit } from './split-format.js'

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const dp = join(dataDir, 'placement/dnn-partitioning')

describe('importDnnPartitioningSplit', () => {
  it('reads devices, accelerators first, dropping empty ones', () => {
    const split = importDnnPartitioningSplit(
      '{"cpus":[{"load":0,"nodes":[]}],"fpgas":[{"load":-1,"nodes":[3,4]},{"load":-1,"nodes":[1,2]}],"maxLoad":6.5}',
    )
    expect(split.devices).toEqual([
      { kind: 'accelerator', nodes: ['3', '4'] },
      { kind: 'accelerator', nodes: ['1', '2'] },
    ])
  })
  it('names the path of a bad node list', () => {
    expect(() => importDnnPartitioningSplit({ fpgas: [{ nodes: ['x'] }] })).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID', path: '$.fpgas[0].nodes' }),
    )
  })
})

describe.skipIf(!existsSync(dp))('human-expert splits (needs ../shared/data)', () => {
  /** Max load of each expert split, re-scored by evaluateSplit; the DP optimum (max-load-dp.test.ts) beats each. */
  it.each([
    ['bert24_inference', 'LayerGraphs/bert24_inference', 20.083953125],
    ['bert24_training', 'LayerGraphs/bert24_training', 49.40490625],
    ['gnmt_inference', 'LayerGraphs/gnmt_inference', 46.208451171875],
    ['gnmt_training', 'LayerGraphs/gnmt_training', 137.15390234375],
    ['resnet50_inference', 'LayerGraphs/resnet50_inference', 43.91825781250001],
    ['inceptionv3_inference', 'LayerGraphs/inceptionv3_inference', 102.48207604980468],
  ])('%s scores %d', (expert, instance, maxLoad) => {
    const problem = importDnnPartitioning(
      readFileSync(join(dp, `throughput-inputs/${instance}.json`), 'utf8'),
    )
    const split = importDnnPartitioningSplit(
      readFileSync(join(dp, `human-experts/${expert}_expert.json`), 'utf8'),
    )
    const ev = evaluateSplit(problem, split)
    expect(ev.feasible).toBe(true)
    expect(ev.violations).toEqual([])
    expect(ev.maxLoad).toBeCloseTo(maxLoad, 9)
    expect(ev.bottleneckReason).toBe('compute')
    expect(ev.devices[ev.bottleneckIndex]!.load).toBe(ev.maxLoad)
  })
})
