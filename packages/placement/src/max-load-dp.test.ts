import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { importDnnPartitioning, LimitExceededError } from '@dnnperf/ir'
import { instanceA, sorted } from './testing/worked-examples.js'
import { describe, expect, it } from 'vitest'
import { BackwardToForwardEdgeError } from './errors.js'
import { evaluateSplit } from './evaluate-split.js'
import { placeMaxLoadDp } from './max-load-dp.js'

describe('placeMaxLoadDp: placement.md §1.10 worked examples', () => {
  it('A1 (k=2, ℓ=0): 6.5 with {1,2} | {3,4}', () => {
    const r = placeMaxLoadDp(importDnnPartitioning(instanceA()))
    expect(r).toMatchObject({
      objective: 6.5,
      method: 'dp',
      status: 'optimal',
      bestBound: 6.5,
      gap: 0,
      idealCount: 6,
    })
    expect(sorted(r.devices)).toEqual(['accelerator:1,2=6.5', 'accelerator:3,4=6.5'])
    expect(r.devices[0]!.nodes).toEqual(['1', '2']) // pipeline order: first stage first
  })
  it('A2 (ℓ=1, cpuLatency(1)=0.5): 5.5 = CPU{1} 0.5, acc{3} 5.5, acc{2,4} 5.5', () => {
    const r = placeMaxLoadDp(importDnnPartitioning(instanceA({ maxCPUs: 1, cpu1: 0.5 })))
    expect(r.objective).toBe(5.5)
    expect(sorted(r.devices)).toEqual(['accelerator:2,4=5.5', 'accelerator:3=5.5', 'cpu:1=0.5'])
  })
  it('A3 (sizes 1,4,1,1, M=4): 6.5 = CPU{1}, acc{2} 4.5, acc{3,4} 6.5', () => {
    const r = placeMaxLoadDp(
      importDnnPartitioning(instanceA({ maxCPUs: 1, cpu1: 0.5, sizes: [1, 4, 1, 1], M: 4 })),
    )
    expect(r.objective).toBe(6.5)
    expect(sorted(r.devices)).toEqual(['accelerator:2=4.5', 'accelerator:3,4=6.5', 'cpu:1=0.5'])
  })
  it('A4 (A3 with ℓ=0) is infeasible', () => {
    const r = placeMaxLoadDp(
      importDnnPartitioning(instanceA({ maxCPUs: 0, cpu1: 0.5, sizes: [1, 4, 1, 1], M: 4 })),
    )
    expect(r).toMatchObject({ status: 'infeasible', objective: null, devices: [] })
  })
  it('B (training, fw/bw co-location): 9.75 with {f1,f2,b1,b2} | {f3,b3}', () => {
    const fw = [1, 2, 1]
    const bw = [2, 4, 2]
    const doc = {
      maxSizePerFPGA: 1e12,
      maxFPGAs: 2,
      maxCPUs: 0,
      nodes: [
        ...fw.map((lat, i) => ({
          id: i + 1,
          supportedOnFpga: 1,
          cpuLatency: 100,
          fpgaLatency: lat,
          isBackwardNode: 0,
          colorClass: i + 1,
        })),
        ...bw.map((lat, i) => ({
          id: 11 + i,
          supportedOnFpga: 1,
          cpuLatency: 100,
          fpgaLatency: lat,
          isBackwardNode: 1,
          colorClass: i + 1,
        })),
      ],
      edges: [
        { sourceId: 1, destId: 2, cost: 0.5 },
        { sourceId: 1, destId: 11, cost: 0.5 },
        { sourceId: 2, destId: 3, cost: 0.5 },
        { sourceId: 2, destId: 12, cost: 0.5 },
        { sourceId: 3, destId: 13, cost: 0.25 },
        { sourceId: 13, destId: 12, cost: 0.25 },
        { sourceId: 12, destId: 11, cost: 0.5 },
      ],
    }
    const r = placeMaxLoadDp(importDnnPartitioning(doc))
    expect(r.objective).toBe(9.75)
    expect(r.idealCount).toBe(4)
    expect(r.devices.map((d) => [d.nodes, d.load])).toEqual([
      [['1', '2', '11', '12'], 9.75],
      [['3', '13'], 3.75],
    ])
  })
})

describe('placeMaxLoadDp: orphaned backward classes (placement.md §1.6 step 6)', () => {
  it('gives an orphaned backward node an artificial forward node after its class-mate’s forward part', () => {
    // f1 → f2 → b2 → b1; b1 shares f1's class, b2 has no class (orphan) → artificial forward node C with
    // the mirrored precedence A → C, A = {f1, b1}. Ideals ∅, A, AB, AC, ABC.
    const node = (id: number, lat: number, backward: boolean, colorClass?: number) => ({
      id,
      supportedOnFpga: 1,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: backward ? 1 : 0,
      ...(colorClass === undefined ? {} : { colorClass }),
    })
    const doc = {
      maxSizePerFPGA: 100,
      maxFPGAs: 2,
      maxCPUs: 0,
      nodes: [node(1, 1, false, 1), node(2, 1, false), node(12, 3, true), node(11, 2, true, 1)],
      edges: [
        { sourceId: 1, destId: 2, cost: 0.5 },
        { sourceId: 2, destId: 12, cost: 0.5 },
        { sourceId: 12, destId: 11, cost: 0.5 },
      ],
    }
    const r = placeMaxLoadDp(importDnnPartitioning(doc))
    expect(r.idealCount).toBe(5)
    // {f1,b1} | {f2,b2} = 3 + 0.5 + 0.5 | 4 + 0.5 + 0.5, or {f1,b1,f2} | {b2} = 5 | 4: both 5
    expect(r.objective).toBe(5)
  })
})

describe('placeMaxLoadDp: co-location cycles (placement.md §1.6 step 7)', () => {
  it('fuses a class whose members sandwich another node: a → b → c → d with a, c co-located', () => {
    const node = (id: number, lat: number, colorClass: number) => ({
      id,
      supportedOnFpga: 1,
      cpuLatency: 100,
      fpgaLatency: lat,
      isBackwardNode: 0,
      colorClass,
    })
    const doc = {
      maxSizePerFPGA: 100,
      maxFPGAs: 2,
      maxCPUs: 0,
      nodes: [node(1, 1, 7), node(2, 1, 8), node(3, 1, 7), node(4, 3, 9)],
      edges: [1, 2, 3].map((i) => ({ sourceId: i, destId: i + 1, cost: 0 })),
    }
    const r = placeMaxLoadDp(importDnnPartitioning(doc))
    expect(r.idealCount).toBe(3) // ∅, {a, b, c}, all
    expect(r.objective).toBe(3)
    expect(r.devices.map((d) => d.nodes)).toEqual([['1', '2', '3'], ['4']])
  })
})

describe('placeMaxLoadDp: errors and options', () => {
  it('rejects a backward-to-forward edge', () => {
    const doc = {
      maxSizePerFPGA: 10,
      maxFPGAs: 1,
      maxCPUs: 0,
      nodes: [
        { id: 1, supportedOnFpga: 1, cpuLatency: 1, fpgaLatency: 1, isBackwardNode: 1 },
        { id: 2, supportedOnFpga: 1, cpuLatency: 1, fpgaLatency: 1, isBackwardNode: 0 },
      ],
      edges: [{ sourceId: 1, destId: 2, cost: 0 }],
    }
    expect(() => placeMaxLoadDp(importDnnPartitioning(doc))).toThrow(BackwardToForwardEdgeError)
  })
  it('throws LimitExceededError above the ideal limit', () => {
    expect(() => placeMaxLoadDp(importDnnPartitioning(instanceA()), { idealLimit: 5 })).toThrow(
      LimitExceededError,
    )
  })
  it('Q3: the trivial merge moves a zero-time node’s size to its neighbour (reference semantics)', () => {
    const doc = (trivialSize: number) => ({
      maxSizePerFPGA: 5,
      maxFPGAs: 2,
      maxCPUs: 0,
      nodes: [
        { id: 0, supportedOnFpga: 1, cpuLatency: 0, fpgaLatency: 0, isBackwardNode: 0, size: trivialSize },
        { id: 1, supportedOnFpga: 1, cpuLatency: 50, fpgaLatency: 5, isBackwardNode: 0, size: 3 },
        { id: 2, supportedOnFpga: 1, cpuLatency: 50, fpgaLatency: 5, isBackwardNode: 0, size: 1 },
      ],
      edges: [
        { sourceId: 0, destId: 1, cost: 0 },
        { sourceId: 1, destId: 2, cost: 0 },
      ],
    })
    expect(placeMaxLoadDp(importDnnPartitioning(doc(3))).status).toBe('infeasible')
    expect(placeMaxLoadDp(importDnnPartitioning(doc(3)), { trivialMerge: false }).objective).toBe(10)
    expect(placeMaxLoadDp(importDnnPartitioning(doc(0))).objective).toBe(5)
  })
})

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const tp = join(dataDir, 'placement/dnn-partitioning/throughput-inputs')

/**
 * DP optima we computed on the published throughput instances (placement.md lists no reference optima for
 * them). Each split is re-scored by evaluateSplit, which shares no code with the DP.
 */
const recorded: Array<[string, number]> = [
  ['LayerGraphs/bert24_inference.json', 17.78990625], // expert split: 20.083953125
  ['LayerGraphs/bert24_training.json', 41.7458125], // expert: 49.40490625
  ['LayerGraphs/gnmt_inference.json', 32.910658203124996], // expert: 46.208451171875
  ['LayerGraphs/gnmt_training.json', 107.0044140625], // expert: 137.15390234375
  ['LayerGraphs/resnet50_inference.json', 33.77466601562501], // expert: 43.91825781250001
  ['LayerGraphs/resnet50_training.json', 78.63181250000001],
  ['OperatorGraphs/bert_L-12_training.json', 437.99763785784484],
  ['OperatorGraphs/bert_l-12_inference.json', 147.47798444934847],
  ['OperatorGraphs/bert_l-3_inference.json', 27.9185676799125],
  ['OperatorGraphs/bert_l-3_training.json', 65.30314912208607],
  ['OperatorGraphs/bert_l-6_inference.json', 29.579505806451554],
  ['OperatorGraphs/bert_l-6_training.json', 72.86496632241133],
  ['OperatorGraphs/resnet50_inference.json', 124.34884977404485],
  ['OperatorGraphs/resnet50_training.json', 255.19441645217387],
  ['LayerGraphs/inceptionv3_inference.json', 51.55186358642578], // expert: 102.48207604980468
  ['LayerGraphs/inceptionv3_training.json', 122.76161621093745],
]

describe.skipIf(!existsSync(tp))(
  'placeMaxLoadDp on published throughput instances (needs ../shared/data)',
  () => {
    it.each(recorded)('%s', (file, expected) => {
      const problem = importDnnPartitioning(readFileSync(join(tp, file), 'utf8'))
      const r = placeMaxLoadDp(problem)
      expect(r.objective).toBeCloseTo(expected, 9)
      const check = evaluateSplit(problem, { devices: r.devices })
      expect(check.feasible).toBe(true)
      expect(check.maxLoad).toBe(r.objective)
    })
  },
)

describe.skipIf(!existsSync(tp))('placeMaxLoadDp time limit (needs ../shared/data)', () => {
  it('returns the best linear split with a lower bound when out of time', () => {
    const problem = importDnnPartitioning(readFileSync(join(tp, 'LayerGraphs/gnmt_training.json'), 'utf8'))
    const r = placeMaxLoadDp(problem, { timeLimitS: 0 })
    expect(r.status).toBe('timeLimit')
    expect(r.objective!).toBeGreaterThanOrEqual(107.0044140625 - 1e-9)
    expect(r.bestBound!).toBeLessThanOrEqual(107.0044140625)
    expect(r.gap!).toBeGreaterThan(0)
    expect(evaluateSplit(problem, { devices: r.devices }).feasible).toBe(true)
  })
})
