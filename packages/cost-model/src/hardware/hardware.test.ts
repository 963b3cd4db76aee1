import { InvalidValueError, isDnnperfError, NotFoundError } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { phazeAccelerator } from './phaze-design.js'
import { getAcceleratorPreset, getPreset, listPresets, presetSummaries } from './presets.js'
import { validateAccelerator, validateCluster, validateHardware } from './validate.js'

function fieldOf(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidValueError) return e.field
    throw e
  }
  throw new Error('expected an InvalidValueError')
}

describe('presets', () => {
  it('lists the issue presets and every one validates and survives a JSON round trip', () => {
    const names = listPresets()
    for (const n of [
      'tpuv4-like',
      'v100',
      'rtx2080ti',
      'a100-40gb',
      'a100-80gb',
      'h100-sxm',
      'h200',
      'mi300x',
      'xeon-gold-6142',
    ]) {
      expect(names).toContain(n)
    }
    for (const n of names) {
      const hw = getPreset(n)
      expect(validateHardware(JSON.parse(JSON.stringify(hw)))).toEqual(hw)
      expect(hw.source?.length ?? 0).toBeGreaterThan(10)
    }
  })
  it('summaries list every preset with its kind and source', () => {
    const s = presetSummaries()
    expect(s.map((x) => x.name)).toEqual(listPresets())
    expect(s.find((x) => x.name === 'dgx-a100')?.kind).toBe('cluster')
    expect(s.find((x) => x.name === 'xeon-gold-6142')?.source).toMatch(/Packrat/)
  })
  it('uses dense datasheet peaks (H100 bf16 989.4 TF, not the sparse 1979)', () => {
    expect(getAcceleratorPreset('h100-sxm').peakFlopPerS.bf16).toBe(989.4e12)
    expect(getAcceleratorPreset('h200').peakFlopPerS.bf16).toBe(989.4e12)
    expect(getAcceleratorPreset('v100').peakFlopPerS.fp16).toBe(125e12)
  })
  it('TPUv4-like = PHAZE reference design: 8 × 128×128 at 1.05 GHz = 275.25 TFLOP/s', () => {
    const t = getAcceleratorPreset('tpuv4-like')
    expect(t.peakFlopPerS.bf16).toBeCloseTo(275.2512e12, -3)
    expect(t.matrixUnits).toEqual({ kind: 'systolic', count: 8, rows: 128, cols: 128 })
  })
  it('Xeon Gold 6142 memory bandwidth = 6 · 2666e6 · 8', () => {
    const x = getPreset('xeon-gold-6142')
    expect(x.kind === 'cpu' && x.memoryBandwidthBytesPerS).toBe(127_968_000_000)
  })
  it('returns copies: mutating one does not change the next', () => {
    const a = getAcceleratorPreset('v100') as { clockHz: number }
    a.clockHz = 1
    expect(getAcceleratorPreset('v100').clockHz).toBe(1.53e9)
  })
  it('unknown preset is NOT_FOUND listing the known ones', () => {
    expect(() => getPreset('tpu-v9')).toThrow(NotFoundError)
    try {
      getPreset('tpu-v9')
    } catch (e) {
      expect(isDnnperfError(e) && e.code).toBe('NOT_FOUND')
      expect((e as NotFoundError).known).toContain('a100-80gb')
    }
  })
})

describe('validation names the bad field', () => {
  const good = JSON.parse(JSON.stringify(getAcceleratorPreset('a100-80gb'))) as unknown
  /** A deep copy of `root` with the value at `path` (dot-separated, numeric parts index arrays) replaced or deleted. */
  const patched = (root: unknown, path: string, value: unknown, remove = false): unknown => {
    const copy = structuredClone(root) as Record<string, unknown>
    const parts = path.split('.')
    let cur = copy
    for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>
    const lastKey = parts[parts.length - 1]!
    if (remove) delete cur[lastKey]
    else cur[lastKey] = value
    return copy
  }
  it.each([
    ['zero clock', 'clockHz', 0, 'clockHz'],
    ['negative HBM bandwidth', 'offChip.bandwidthBytesPerS', -1, 'offChip.bandwidthBytesPerS'],
    ['NaN peak', 'peakFlopPerS.bf16', Number.NaN, 'peakFlopPerS.bf16'],
    ['empty peak table', 'peakFlopPerS', {}, 'peakFlopPerS'],
    ['zero L2 capacity', 'onChip.1.capacityBytes', 0, 'onChip[1].capacityBytes'],
    ['fractional SM count', 'matrixUnits.smCount', 1.5, 'matrixUnits.smCount'],
    ['unknown matrix kind', 'matrixUnits.kind', 'magic', 'matrixUnits.kind'],
    ['negative launch', 'kernelLaunchS', -1e-6, 'kernelLaunchS'],
  ])('%s', (_, path, value, field) => {
    expect(fieldOf(() => validateAccelerator(patched(good, path, value)))).toBe(field)
  })
  it('missing peak table', () => {
    expect(fieldOf(() => validateAccelerator(patched(good, 'peakFlopPerS', undefined, true)))).toBe(
      'peakFlopPerS',
    )
  })
  it('cluster errors prefix device fields', () => {
    const c = getPreset('dgx-a100')
    expect(fieldOf(() => validateCluster(patched(c, 'device.offChip.capacityBytes', 0)))).toBe(
      'device.offChip.capacityBytes',
    )
    expect(fieldOf(() => validateCluster(patched(c, 'interNode.bandwidthBytesPerS', 0)))).toBe(
      'interNode.bandwidthBytesPerS',
    )
  })
  it('unknown kind is FORMAT_INVALID', () => {
    expect(() => validateHardware({ kind: 'fpga' })).toThrow(/kind/)
  })
  it('PHAZE designs validate', () => {
    const hw = phazeAccelerator({
      numTensorCores: 4,
      numVectorCores: 2,
      width: 32,
      depth: 64,
      glbBytes: 2 ** 22,
    })
    expect(validateAccelerator(hw)).toBe(hw)
    expect(hw.onChip[0]!.capacityBytes).toBe(16 * 32 * 64)
  })
})

describe('preset aliases', () => {
  it('resolve SKU-style names to the same description', async () => {
    const { getPreset, PRESET_ALIASES } = await import('./presets.js')
    expect(getPreset('a100-sxm-80gb')).toEqual(getPreset('a100-80gb'))
    for (const [alias, name] of Object.entries(PRESET_ALIASES)) expect(getPreset(alias).name).toBe(name)
  })
})
