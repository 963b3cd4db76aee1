import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_DEFAULTS, runDemo } from './commands/demo.js'
import { runCli } from './program.js'

describe('dnnperf demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnnperf-demo-'))
  const r = runDemo({ outDir: dir })

  it('costs a training step of the default model with its published parameter count', () => {
    expect(r.model.name).toBe(DEMO_DEFAULTS.model)
    expect(r.model.parameters).toBe(1_557_611_200)
    const p = r.step.phases
    expect(r.step.total.latencyS).toBeCloseTo(
      p.forward.latencyS + p.backward.latencyS + p.optimizer.latencyS,
      9,
    )
    expect(p.backward.latencyS).toBeGreaterThan(p.forward.latencyS)
  })

  it('searches plans on the default cluster and simulates a 1F1B pipeline that agrees with the closed form', () => {
    const { search, pipeline } = r.plan
    expect(r.plan).toMatchObject({ cluster: 'dgx-a100', gpus: 8, globalBatch: 256 })
    expect(search.status).toBe('optimal')
    expect(search.provedFraction).toBe(1)
    const best = search.best!
    expect(best.fits).toBe(true)
    expect(best.plan.gpus).toBe(8)
    for (const e of search.runnersUp) expect(e.iterationTimeS).toBeGreaterThanOrEqual(best.iterationTimeS)
    expect(pipeline.evaluation.plan.pipelineParallel).toBeGreaterThan(1)
    expect(pipeline.evaluation.plan.schedule).toBe('1f1b')
    expect(pipeline.evaluation.iterationTimeS).toBeGreaterThanOrEqual(best.iterationTimeS)
    // GPT-2 XL's stages are near-uniform: the simulated task graph and the closed form agree within 2 %
    expect(Math.abs(pipeline.simulatedIterationS / pipeline.closedFormIterationS - 1)).toBeLessThan(0.02)
  })

  it('writes an HTML report with the step, the memory, the plan table and the pipeline Gantt', () => {
    const html = readFileSync(r.reportPath!, 'utf8')
    for (const heading of ['Where the time goes', 'Memory on the device', 'Training on dgx-a100']) {
      expect(html).toContain(heading)
    }
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4)
    expect(html).toContain('Simulated pipeline of one iteration')
  })

  it('prints the same result as JSON from the command line', async () => {
    let out = ''
    const code = await runCli(['demo', '--no-report', '--json'], { out: (t) => (out += t), err: () => {} })
    expect(code).toBe(0)
    const j = JSON.parse(out)
    expect(j.reportPath).toBeNull()
    expect(j.plan.search.best.iterationTimeS).toBeCloseTo(r.plan.search.best!.iterationTimeS, 12)
    expect(j.model.parameters).toBe(r.model.parameters)
  })
})
