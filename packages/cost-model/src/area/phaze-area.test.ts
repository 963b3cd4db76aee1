import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { phazeArea } from './phaze-area.js'

const dataDir = resolve(import.meta.dirname, '../../../../../shared/data')
const coresPath = resolve(dataDir, 'hardware/phaze/cores.json')
const MiB = 2 ** 20

interface Row {
  num_tc: number
  num_vc: number
  width: number
  depth: number
  width_vc: number
  GLB_Buffer: number
  area: number
}

const design = (numTensorCores: number, numVectorCores: number, w: number, d: number, glbMiB: number) => ({
  numTensorCores,
  numVectorCores,
  width: w,
  depth: d,
  glbBytes: glbMiB * MiB,
})

describe('phazeArea: printed oracles (phaze.md §3.3)', () => {
  it.each([
    [design(8, 2, 128, 128, 128), 278_826_676.31],
    [design(1, 1, 128, 128, 2), 16_342_808.95],
    [design(8, 2, 128, 128, 2), 106_741_896.31],
    [design(1, 1, 128, 128, 128), 188_427_588.95],
    [design(2, 1, 128, 128, 2), 29_241_892.02],
    [design(1, 2, 128, 128, 2), 16_448_314.83],
    [design(1, 1, 64, 64, 2), 6_621_691.22],
    // width 256 (so 256-lane vector cores), depth 64
    [design(8, 1, 256, 64, 128), 278_822_789.95],
  ])('%o → %f µm²', (d, area) => {
    const r = phazeArea(d)
    expect(r.areaUm2).toBeCloseTo(area, 1)
    expect(r.exactTable).toBe(true)
  })
  it('one extra 128×128 TC costs 12.899 mm²; one extra 128-lane VC 0.1055 mm²', () => {
    const base = phazeArea(design(1, 1, 128, 128, 2)).areaMm2
    expect(phazeArea(design(2, 1, 128, 128, 2)).areaMm2 - base).toBeCloseTo(12.899, 3)
    expect(phazeArea(design(1, 2, 128, 128, 2)).areaMm2 - base).toBeCloseTo(0.1055, 4)
  })
  it('interpolates a non-power-of-two GLB between its neighbours and flags it', () => {
    const lo = phazeArea(design(1, 1, 128, 128, 4)).areaUm2
    const hi = phazeArea(design(1, 1, 128, 128, 8)).areaUm2
    const mid = phazeArea(design(1, 1, 128, 128, 6))
    expect(mid.areaUm2).toBeGreaterThan(lo)
    expect(mid.areaUm2).toBeLessThan(hi)
    expect(mid.exactTable).toBe(false)
  })
  it('rejects a zero core count naming the field', () => {
    expect(() => phazeArea(design(0, 1, 128, 128, 2))).toThrow(/numTensorCores/)
  })
})

describe.skipIf(!existsSync(coresPath))(
  'phazeArea against all of cores.json (skips when ../shared/data is absent)',
  () => {
    it('median relative error ≤ 0.5 % over all 29,360 configurations (p99 and max reported)', () => {
      const rows = JSON.parse(readFileSync(coresPath, 'utf8')) as Row[]
      expect(rows.length).toBe(29_360)
      const errs = rows.map((r) => {
        const a = phazeArea({
          numTensorCores: r.num_tc,
          numVectorCores: r.num_vc,
          width: r.width,
          depth: r.depth,
          vectorWidth: r.width_vc,
          glbBytes: r.GLB_Buffer,
        }).areaUm2
        return Math.abs(a - r.area) / r.area
      })
      errs.sort((x, y) => x - y)
      const median = errs[Math.floor(errs.length / 2)]!
      const p99 = errs[Math.floor(errs.length * 0.99)]!
      const max = errs[errs.length - 1]!
      console.log(
        JSON.stringify({ configs: rows.length, medianRelErr: median, p99RelErr: p99, maxRelErr: max }),
      )
      expect(median).toBeLessThanOrEqual(0.005)
      // The component table was recovered from this file, so agreement is to rounding of the constants.
      expect(max).toBeLessThan(1e-6)
    })
  },
)
