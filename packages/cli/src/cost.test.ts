import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gemmCost, getAcceleratorPreset } from '@dnnperf/cost-model'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.js'

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}

describe('dnnperf cost gemm', () => {
  it('prints the library result with the contract fields', async () => {
    const r = await cli(
      'cost',
      'gemm',
      '--hardware',
      'a100-80gb',
      '--m',
      '8192',
      '--n',
      '8192',
      '--k',
      '8192',
      '--dtype',
      'bf16',
      '--json',
    )
    expect(r.code).toBe(0)
    const json = JSON.parse(r.out)
    expect(json).toEqual(
      gemmCost(getAcceleratorPreset('a100-80gb'), { m: 8192, n: 8192, k: 8192, dtype: 'bf16', batch: 1 }),
    )
    expect(json.flops).toBe(2 * 8192 ** 3)
    for (const f of ['latencyS', 'flops', 'achievedFlopsPerS', 'bound']) expect(json).toHaveProperty(f)
    expect(json.achievedFlopsPerS).toBeCloseTo(json.flops / json.latencyS, 0)
  })

  it('rejects a bad dimension and an unknown preset with their codes', async () => {
    const bad = await cli('cost', 'gemm', '--hardware', 'a100-80gb', '--m', '0', '--n', '1', '--k', '1')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/error INVALID_VALUE: .*--m/)
    const unknown = await cli('cost', 'gemm', '--hardware', 'a1000', '--m', '1', '--n', '1', '--k', '1')
    expect(unknown.err).toMatch(/error NOT_FOUND: .*a1000/)
  })

  it('names the offending field of a bad hardware file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnnperf-hw-'))
    const hw = {
      ...getAcceleratorPreset('a100-80gb'),
      offChip: { capacityBytes: 80e9, bandwidthBytesPerS: -1 },
    }
    const file = join(dir, 'hw.json')
    writeFileSync(file, JSON.stringify(hw))
    const r = await cli('cost', 'gemm', '--hardware', file, '--m', '8', '--n', '8', '--k', '8', '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.err).error).toMatchObject({
      code: 'INVALID_VALUE',
      field: 'offChip.bandwidthBytesPerS',
    })
  })
})

describe('dnnperf cost area', () => {
  it("reproduces PHAZE's area for the largest design in cores.json", async () => {
    const r = await cli(
      'cost',
      'area',
      '--tensor-units',
      '8',
      '--tensor-dims',
      '128x128',
      '--vector-units',
      '2',
      '--vector-lanes',
      '128',
      '--glb-bytes',
      '128MiB',
      '--json',
    )
    expect(r.code).toBe(0)
    // cores.json: (8 TC, 2 VC, 128×128, 128 MiB) = 278,826,676.31 µm²
    expect(JSON.parse(r.out).areaUm2).toBeCloseTo(278_826_676.31, 0)
  })
})

describe('dnnperf cost model', () => {
  it('costs a training step per layer with a memory breakdown', async () => {
    const r = await cli(
      'cost',
      'model',
      'resnet50',
      '--hardware',
      'a100-80gb',
      '--batch',
      '32',
      '--training',
      '--json',
    )
    expect(r.code).toBe(0)
    const json = JSON.parse(r.out)
    expect(json.total.latencyS).toBeGreaterThan(0)
    expect(json.phases.backward.latencyS).toBeGreaterThan(json.phases.forward.latencyS)
    expect(json.layers.length).toBeGreaterThan(10)
    expect(json.memory.weightsBytes).toBe(25_557_032 * 4)
    const human = await cli('cost', 'model', 'gpt2', '--hardware', 'h100-sxm', '--batch', '4', '--seq', '512')
    expect(human.out).toContain('utilisation')
  })
})

describe('dnnperf hardware', () => {
  it('lists presets with sources and shows one', async () => {
    const list = JSON.parse((await cli('hardware', 'list', '--json')).out) as {
      name: string
      source: string
    }[]
    expect(list.map((p) => p.name)).toEqual(
      expect.arrayContaining(['tpuv4-like', 'v100', 'a100-80gb', 'h100-sxm', 'mi300x', 'xeon-gold-6142']),
    )
    expect(list.every((p) => p.source.length > 0)).toBe(true)
    const show = JSON.parse((await cli('hardware', 'show', 'h100-sxm', '--json')).out)
    expect(show.name).toBe('h100-sxm')
  })
})
