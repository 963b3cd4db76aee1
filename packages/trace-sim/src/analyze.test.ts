import { describe, expect, it } from 'vitest'
import { analyzeTrace } from './analyze.js'
import { smallTrace } from './test-fixtures.js'

const us = 1e-6
const bytes = new TextEncoder().encode(JSON.stringify(smallTrace()))

describe('analyzeTrace', () => {
  const a = analyzeTrace(bytes, { whatIf: 'amp', timeline: true })

  it('returns the CLI contract fields', () => {
    expect(a.iteration).toBe(3)
    expect(a.measuredIterationS / us).toBeCloseTo(100, 9)
    expect(a.simulatedIterationS / us).toBeCloseTo(100, 6)
    expect(Math.abs(a.replayErrorFraction)).toBeLessThan(1e-9)
    expect(a.replayStartErrorS.max).toBeLessThan(1e-12) // every task starts where it was measured
    expect(a.whatIf?.name).toBe('amp')
    expect(a.whatIf!.predictedIterationS / us).toBeCloseTo(20 + 40 / 3 + 5 + 5 + 25, 6)
    expect(a.whatIf!.speedup).toBeCloseTo(100 / (20 + 40 / 3 + 5 + 5 + 25), 6)
    expect(JSON.parse(JSON.stringify(a))).toEqual(a) // plain JSON: survives a round trip unchanged
  })

  it('breaks the GPU span into compute, exposed memory/communication and idle', () => {
    const b = a.breakdownS
    expect(b.gpuSpanS / us).toBeCloseTo(50, 6) // 20..70
    expect(b.computeS / us).toBeCloseTo(50, 6)
    expect(b.idleS).toBeCloseTo(0, 12)
    expect(b.byPhaseS.forward! / us).toBeCloseTo(50, 6)
    expect(b.topLayersS[0]).toEqual({ layer: 'Linear_0', gpuS: expect.closeTo(50e-6, 12) })
    expect(b.computeS + b.communicationS + b.memoryS + b.idleS).toBeCloseTo(b.gpuSpanS, 12)
  })

  it('summarises the critical path of the what-if run, adding up to its length', () => {
    const cp = a.criticalPath
    expect(cp.lengthS).toBeCloseTo(a.whatIf!.predictedIterationS, 12)
    const sum = Object.values(cp.byClassS).reduce((x, y) => x + y, 0)
    expect(sum).toBeCloseTo(cp.lengthS, 12)
    expect(cp.byClassS.computation! / us).toBeCloseTo(40 / 3 + 5, 6)
  })

  it('counts kernels by name', () => {
    expect(a.kernelStats.map((k) => [k.name, k.count])).toEqual([
      ['sm80_xmma_gemm_f32', 1],
      ['vectorized_elementwise_relu', 1],
    ])
  })

  it('exports measured, replay and what-if timelines side by side with no overlap on a track', () => {
    const ev = a.timeline!.traceEvents
    const pids = new Set(ev.filter((e) => e.ph === 'X').map((e) => e.pid))
    expect([...pids].sort((x, y) => (x as number) - (y as number))).toEqual([0, 1, 1000, 1001, 2000, 2001])
    const tracks = new Map<string, { ts: number; dur: number }[]>()
    for (const e of ev) {
      if (e.ph !== 'X') continue
      const key = `${e.pid}/${e.tid}`
      tracks.set(key, [...(tracks.get(key) ?? []), { ts: e.ts as number, dur: e.dur as number }])
    }
    for (const list of tracks.values()) {
      list.sort((x, y) => x.ts - y.ts)
      for (let k = 1; k < list.length; k++)
        expect(list[k]!.ts).toBeGreaterThanOrEqual(list[k - 1]!.ts + list[k - 1]!.dur - 1e-3)
    }
  })
})
