import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.js'

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}
const dir = mkdtempSync(join(tmpdir(), 'dnnperf-sched-'))

describe('dnnperf schedule layer', () => {
  it('schedules a GPT-2 XL block forward on the TPUv4-like preset to proven optimality, with an SVG Gantt', async () => {
    const svg = join(dir, 'gantt.svg')
    const r = await cli(
      'schedule',
      'layer',
      '--model',
      'gpt2-xl',
      '--layer',
      'h.0',
      '--hardware',
      'tpuv4-like',
      '--solver',
      'highs',
      '--svg',
      svg,
      '--json',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const s = JSON.parse(r.out)
    expect(s.status).toBe('optimal')
    expect(s.gap).toBe(0)
    expect(s.makespanS).toBeGreaterThanOrEqual(s.bestBoundS)
    expect(s.makespanS).toBeLessThanOrEqual(s.heuristicMakespanS)
    expect(s.schedule.length).toBeGreaterThan(5)
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /)
  })

  it('prints an ASCII Gantt and rejects an unknown layer with its code', async () => {
    const human = await cli(
      'schedule',
      'layer',
      '--model',
      'gpt2',
      '--layer',
      '1',
      '--hardware',
      'tpuv4-like',
      '--batch',
      '1',
      '--seq',
      '128',
    )
    expect(human.code).toBe(0)
    expect(human.out).toContain('makespan')
    const bad = await cli(
      'schedule',
      'layer',
      '--model',
      'gpt2',
      '--layer',
      'h.99',
      '--hardware',
      'tpuv4-like',
    )
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/error NOT_FOUND: unknown layer "h.99"/)
  })
})

const dataDir = resolve(import.meta.dirname, '../../../../shared/data/placement/dnn-partitioning')
describe.skipIf(!existsSync(dataDir))(
  'dnnperf place (public instances; skipped without ../shared/data)',
  () => {
    it('places a published instance optimally with the contract fields', async () => {
      const file = join(dataDir, 'throughput-inputs/LayerGraphs/resnet50_inference.json')
      const r = await cli('place', file, '--json')
      expect(r.err).toBe('')
      const p = JSON.parse(r.out)
      for (const f of ['objective', 'method', 'status', 'bestBound', 'gap', 'timeS', 'devices'])
        expect(p).toHaveProperty(f)
      expect(p).toMatchObject({ method: 'dp', status: 'optimal', gap: 0 })
      expect(p.objective).toBe(p.bestBound)
      expect(Math.max(...p.devices.map((d: { load: number }) => d.load))).toBeCloseTo(p.objective, 9)
      for (const d of p.devices) expect(['accelerator', 'cpu']).toContain(d.kind)
      const greedy = JSON.parse((await cli('place', file, '--method', 'greedy', '--json')).out)
      expect(greedy.objective).toBeGreaterThanOrEqual(p.objective)
      const validated = JSON.parse((await cli('graph', 'validate', file, '--json')).out)
      expect(validated).toMatchObject({ valid: true, format: 'dnn-partitioning' })
    })

    it('runs the integer programs, PipeDream and the latency objective on the same instance', async () => {
      const file = join(dataDir, 'throughput-inputs/LayerGraphs/resnet50_inference.json')
      const two = ['--accelerators', '2']
      const dp = JSON.parse((await cli('place', file, ...two, '--json')).out)
      const ip = JSON.parse(
        (await cli('place', file, ...two, '--method', 'ip', '--time-limit', '60', '--json')).out,
      )
      expect(ip).toMatchObject({ method: 'ip', status: 'optimal' })
      expect(ip.objective).toBeCloseTo(dp.objective, 6)
      const nc = JSON.parse(
        (await cli('place', file, ...two, '--method', 'ip-noncontiguous', '--time-limit', '5', '--json')).out,
      )
      // warm-started from the DP split, so even a time-limited solve is no worse, and its bound is valid
      expect(['optimal', 'timeLimit']).toContain(nc.status)
      expect(nc.objective).toBeLessThanOrEqual(dp.objective * (1 + 1e-9))
      expect(nc.bestBound).toBeLessThanOrEqual(nc.objective * (1 + 1e-9))
      const pd = JSON.parse((await cli('place', file, ...two, '--method', 'pipedream', '--json')).out)
      // PipeDream may replicate stages (data parallelism), which the Tarnawski model has no notion of, so its
      // time per sample is not bounded by the DP's; it must use at most the two accelerators.
      expect(pd).toMatchObject({ method: 'pipedream', status: 'optimal' })
      const units = pd.devices.reduce((a: number, d: { replication?: number }) => a + (d.replication ?? 1), 0)
      expect(units).toBeLessThanOrEqual(2)
      expect(pd.objective).toBeGreaterThan(0)
      const lat = await cli(
        'place',
        file,
        ...two,
        '--objective',
        'latency',
        '--method',
        'ip',
        '--time-limit',
        '5',
        '--json',
      )
      expect(lat.err).toBe('')
      const latency = JSON.parse(lat.out)
      expect(['optimal', 'timeLimit']).toContain(latency.status)
      // one sample through the graph takes at least its DP bottleneck stage
      expect(latency.objective).toBeGreaterThanOrEqual(dp.objective * (1 - 1e-9))
      const bad = await cli('place', file, '--objective', 'latency', '--method', 'dp')
      expect(bad.code).toBe(1)
      expect(bad.err).toMatch(/METHOD_UNAVAILABLE/)
    }, 60_000)
  },
)
