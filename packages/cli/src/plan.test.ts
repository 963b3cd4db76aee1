import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.js'

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}
const dir = mkdtempSync(join(tmpdir(), 'dnnperf-plan-'))
function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(content))
  return path
}

describe('dnnperf plan evaluate', () => {
  it('evaluates a plan from a Hugging Face config and a cluster file, with the contract fields', async () => {
    // a GPT-3-like 175B configuration in GPT-2 style keys, on A100 80 GB nodes described in a file
    const model = file('gpt175.json', {
      model_type: 'gpt2',
      n_embd: 12288,
      n_head: 96,
      n_layer: 96,
      n_positions: 2048,
      vocab_size: 51200,
    })
    const cluster = file('cluster.json', {
      device: 'a100-sxm-80gb',
      devicesPerNode: 8,
      intraNodeBandwidthBytesPerS: 300e9,
      interNodeBandwidthBytesPerS: 25e9,
    })
    const r = await cli(
      'plan',
      'evaluate',
      '--model',
      model,
      '--cluster',
      cluster,
      '--gpus',
      '1024',
      '--global-batch',
      '1536',
      '--tp',
      '8',
      '--pp',
      '16',
      '--microbatch',
      '1',
      '--schedule',
      'interleaved:2',
      '--recompute',
      'full',
      '--json',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const e = JSON.parse(r.out)
    for (const f of [
      'iterationTimeS',
      'breakdownS',
      'throughputSamplesPerS',
      'mfu',
      'memoryPerDeviceBytes',
      'fits',
      'plan',
    ])
      expect(e).toHaveProperty(f)
    for (const f of [
      'compute',
      'tensorParallelComm',
      'pipelineComm',
      'bubble',
      'dataParallelComm',
      'optimizer',
    ])
      expect(e.breakdownS).toHaveProperty(f)
    for (const f of ['weights', 'gradients', 'optimizerState', 'activations', 'workspace', 'total'])
      expect(e.memoryPerDeviceBytes).toHaveProperty(f)
    const parts = Object.values(e.breakdownS as Record<string, number>).reduce((a, b) => a + b, 0)
    expect(parts).toBeCloseTo(e.iterationTimeS, 9)
    expect(e.plan.dataParallel).toBe(8)
    expect(e.throughputSamplesPerS).toBeCloseTo(1536 / e.iterationTimeS, 6)
    expect(e.mfu).toBeGreaterThan(0.2)
    expect(e.mfu).toBeLessThan(0.7)
  })

  it('still evaluates a plan that does not fit, with fits: false', async () => {
    const r = await cli(
      'plan',
      'evaluate',
      '--model',
      'gpt3-175b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '8',
      '--global-batch',
      '8',
      '--tp',
      '8',
      '--pp',
      '1',
      '--json',
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).fits).toBe(false)
  })

  it('names the offending field for degrees that do not divide', async () => {
    const r = await cli(
      'plan',
      'evaluate',
      '--model',
      'gpt3-175b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '100',
      '--global-batch',
      '64',
      '--tp',
      '8',
      '--pp',
      '8',
    )
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/error PLAN_INVALID: /)
    const json = await cli(
      'plan',
      'evaluate',
      '--model',
      'gpt3-175b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '64',
      '--global-batch',
      '64',
      '--tp',
      '8',
      '--pp',
      '7',
      '--json',
    )
    expect(JSON.parse(json.err).error).toMatchObject({
      code: 'PLAN_INVALID',
      field: expect.stringMatching(/pipelineParallel|stageLayers/),
    })
  })
})

describe('dnnperf plan search', () => {
  it('finds the best plan with runners-up, no worse than a plan it could have picked', async () => {
    const r = await cli(
      'plan',
      'search',
      '--model',
      'gpt3-13b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '64',
      '--global-batch',
      '512',
      '--top',
      '3',
      '--json',
    )
    expect(r.code).toBe(0)
    const s = JSON.parse(r.out)
    expect(s.status).toBe('optimal')
    expect(s.runnersUp.length).toBe(2)
    expect(s.best.fits).toBe(true)
    for (const other of s.runnersUp) expect(s.best.iterationTimeS).toBeLessThanOrEqual(other.iterationTimeS)
    const manual = await cli(
      'plan',
      'evaluate',
      '--model',
      'gpt3-13b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '64',
      '--global-batch',
      '512',
      '--tp',
      '8',
      '--pp',
      '1',
      '--microbatch',
      '1',
      '--recompute',
      'selective',
      '--json',
    )
    const m = JSON.parse(manual.out)
    if (m.fits) expect(s.best.iterationTimeS).toBeLessThanOrEqual(m.iterationTimeS)
  })

  it('says when nothing fits', async () => {
    const r = await cli(
      'plan',
      'search',
      '--model',
      'gpt3-175b',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '8',
      '--global-batch',
      '8',
    )
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^no plan fits\.\n.*over memory/)
  })

  it('evaluate --simulate lowers the plan to a task graph that agrees with the closed form; --gantt draws it', async () => {
    const gantt = join(mkdtempSync(join(tmpdir(), 'dnnperf-plan-')), 'pipeline.svg')
    const args = ['--model', 'gpt3-175b', '--cluster', 'dgx-a100', '--gpus', '64', '--global-batch', '64']
    const r = await cli(
      'plan',
      'evaluate',
      ...args,
      '--tp',
      '8',
      '--pp',
      '8',
      '--recompute',
      'full',
      '--gantt',
      gantt,
      '--json',
    )
    expect(r.err).toBe('')
    const e = JSON.parse(r.out)
    expect(e.simulation.taskCount).toBeGreaterThan(8 * 64 * 2)
    expect(e.simulation.deviceBusyS).toHaveLength(8)
    expect(e.simulation.iterationTimeS).toBeGreaterThanOrEqual(Math.max(...e.simulation.deviceBusyS))
    expect(Math.abs(e.simulation.differenceFromClosedForm)).toBeLessThan(0.02)
    expect(e.simulation.iterationTimeS / e.iterationTimeS - 1).toBeCloseTo(
      e.simulation.differenceFromClosedForm,
      12,
    )
    const svg = readFileSync(gantt, 'utf8')
    expect(svg).toMatch(/^<svg/)
    expect(svg).toContain('gpu7 compute')
  })

  it('runs the downset DP planner: stages cover every layer within the devices', async () => {
    const args = ['--model', 'gpt2-xl', '--cluster', 'dgx-a100', '--gpus', '16', '--global-batch', '512']
    const r = await cli('plan', 'search', ...args, '--planner', 'dp', '--json')
    expect(r.err).toBe('')
    const dp = JSON.parse(r.out)
    expect(dp).toMatchObject({ method: 'piper-downset-dp', status: 'optimal' })
    expect(dp.boundS).toBe(dp.objectiveS)
    expect(dp.devicesUsed).toBeLessThanOrEqual(16)
    // embedding + 48 blocks + output head, each in exactly one stage
    const nodes = dp.stages.flatMap((st: { nodes: string[] }) => st.nodes)
    expect(nodes).toHaveLength(50)
    expect(new Set(nodes).size).toBe(50)
    expect(Math.max(...dp.stages.map((st: { timePerSampleS: number }) => st.timePerSampleS))).toBeCloseTo(
      dp.objectiveS,
      12,
    )
  })

  it('runs the PipeDream-2BW planner: every returned plan is 2BW or a single stage, best first', async () => {
    const args = ['--model', 'gpt2-xl', '--cluster', 'dgx-a100', '--gpus', '16', '--global-batch', '512']
    const r = await cli('plan', 'search', ...args, '--planner', '2bw', '--top', '4', '--json')
    expect(r.err).toBe('')
    const s = JSON.parse(r.out)
    expect(s).toMatchObject({ method: 'pipedream-2bw', status: 'optimal' })
    const all = [s.best, ...s.runnersUp]
    for (const e of all) {
      expect(e.fits).toBe(true)
      if (e.plan.pipelineParallel > 1) expect(e.plan.schedule).toBe('2bw')
      expect(e.iterationTimeS).toBeGreaterThanOrEqual(s.best.iterationTimeS)
    }
    expect(s.objectiveS).toBe(s.best.iterationTimeS)
  })

  it('rejects an unknown planner naming the flag', async () => {
    const r = await cli(
      'plan',
      'search',
      '--model',
      'gpt2',
      '--cluster',
      'dgx-a100',
      '--gpus',
      '8',
      '--global-batch',
      '8',
      '--planner',
      'magic',
    )
    expect(r.code).toBe(1)
    expect(r.err).toContain('--planner')
  })
})
