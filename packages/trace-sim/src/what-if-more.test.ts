import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildDependencyGraph } from './build-graph.js'
import * as lib from './index.js'
import { loadTrace } from './load-trace.js'
import { simulateTrace } from './simulate-trace.js'
import { smallTrace } from './test-fixtures.js'
import { whatIf } from './what-if.js'
import { deviceScaling, presetOfDeviceName } from './what-if-device.js'

const us = 1e-6
const graphOf = (t = smallTrace()) => buildDependencyGraph(loadTrace(t), { iteration: 3 })
const kernel = (g: lib.DependencyGraph, re: RegExp) =>
  g.tasks.find((t) => t.info.role === 'gpu' && re.test(t.info.name))
const tmp = mkdtempSync(join(tmpdir(), 'trace-sim-readme-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('gpu what-if', () => {
  it('uses the preset rooflines: V100 -> A100-80GB', () => {
    const s = deviceScaling('v100', 'a100')
    expect(s.to).toBe('a100-80gb')
    expect(s.computeFactor).toBeCloseTo(15.7 / 19.5, 12) // fp32 peaks
    const a100 = lib.deviceScaling('a100-80gb', 'a100-80gb')
    expect(a100).toMatchObject({ computeFactor: 1, memoryFactor: 1 })
    expect(deviceScaling('v100', 'h100', 'fp16').computeFactor).toBeCloseTo(125 / 989.4, 12)
  })

  it('scales the GEMM by the FLOP ratio and the element-wise kernel by the bandwidth ratio', () => {
    const g = graphOf()
    // V100 -> A100 keeps the GPU the bottleneck (H100 would make the step launch-bound: the sum no longer holds).
    const s = deviceScaling('v100', 'a100-80gb')
    const out = whatIf('gpu:v100:a100-80gb', g)
    expect(kernel(out, /gemm/)!.durationS).toBeCloseTo(40 * us * s.computeFactor, 15)
    expect(kernel(out, /relu/)!.durationS).toBeCloseTo(10 * us * s.memoryFactor, 15)
    // The CPU waits in cudaStreamSynchronize for the relu: everything after it moves up by the time saved.
    const saved = 40 * us * (1 - s.computeFactor) + 10 * us * (1 - s.memoryFactor)
    expect(simulateTrace(g).iterationS - simulateTrace(out).iterationS).toBeCloseTo(saved, 12)
    expect(whatIf('gpu:a100', g, { fromGpu: 'v100' }).tasks.map((t) => t.durationS)).toEqual(
      out.tasks.map((t) => t.durationS),
    )
  })

  it('names bad presets and a missing source', () => {
    expect(() => whatIf('gpu:v100:nope', graphOf())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(() => whatIf('gpu:h100', graphOf())).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }))
    expect(() => whatIf('gpu:v100:h100', graphOf(), { gpuDtype: 'int3' })).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    )
  })

  it('finds the preset of Kineto device names and analyzeTrace uses it', () => {
    expect(presetOfDeviceName('NVIDIA A100-SXM4-80GB')).toBe('a100-80gb')
    expect(presetOfDeviceName('Tesla V100-SXM2-32GB')).toBe('v100')
    expect(presetOfDeviceName('NVIDIA H100 80GB HBM3')).toBe('h100-sxm')
    expect(presetOfDeviceName('Quantum Abacus')).toBeUndefined()
    const t = { ...smallTrace(), deviceProperties: [{ id: 0, name: 'Tesla V100-SXM2-32GB' }] }
    const a = lib.analyzeTrace(new TextEncoder().encode(JSON.stringify(t)), { whatIf: 'gpu:h100' })
    expect(a.whatIf!.speedup).toBeGreaterThan(1)
  })
})

describe('reconstructed batch norm', () => {
  it('fuses the ReLU after a batch-norm kernel and halves the batch norm', () => {
    const t = smallTrace()
    for (const e of t.traceEvents)
      if (e.name === 'sm80_xmma_gemm_f32') e.name = 'cudnn::bn_fw_tr_1C11_kernel_NCHW'
    const g = graphOf(t)
    const out = whatIf('reconstructed-bn', g)
    expect(kernel(out, /relu/)).toBeUndefined()
    expect(kernel(out, /bn_fw/)!.durationS).toBeCloseTo(20 * us, 15)
    // The relu's launch call went with it.
    expect(out.tasks.length).toBe(g.tasks.length - 2)
    // Kernels end 30 µs earlier (bn 40 -> 20, relu 10 gone): the synchronising CPU follows.
    expect(simulateTrace(g).iterationS - simulateTrace(out).iterationS).toBeCloseTo(30 * us, 12)
    // Without batch norm nothing changes.
    expect(simulateTrace(whatIf('reconstructed-bn', graphOf())).iterationS).toBe(
      simulateTrace(graphOf()).iterationS,
    )
  })

  it('recipes compose with +', () => {
    const g = graphOf()
    const both = whatIf('amp+scale-class:0.5', g)
    expect(kernel(both, /gemm/)!.durationS).toBeCloseTo((40 * us) / 3 / 2, 15)
  })
})

describe('README custom-recipe example', () => {
  it('runs and predicts the hand-checked iteration', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8')
    const block = /<!-- example: custom-recipe -->\s*```ts\n([\s\S]*?)```/.exec(readme)![1]!
    const body = block.replace(/import\s*\{([^}]*)\}\s*from\s*'@dnnperf\/trace-sim'/, 'const {$1} = lib')
    const file = join(tmp, 'trace.json')
    writeFileSync(file, JSON.stringify(smallTrace()))
    const logged: unknown[] = []
    const run = new Function('lib', 'process', 'console', `${body}\nreturn { before, after, withAmp }`) as (
      ...a: unknown[]
    ) => { before: number; after: number; withAmp: number }
    const r = run(lib, { argv: ['node', 'example', file] }, { log: (x: unknown) => logged.push(x) })
    expect(logged).toHaveLength(1)
    // gemm 40 -> 20 µs and relu (10 µs) removed: the stream sync returns 30 µs earlier.
    expect(r.before - r.after).toBeCloseTo(30 * us, 12)
    // AMP then cuts the 20 µs GEMM to 6.7 µs, but the CPU only reaches its cudaStreamSynchronize at 30 µs: the
    // GEMM (launched at 20 µs) finishing before that saves only 40 - 30 = 10 µs.
    expect(r.after - r.withAmp).toBeCloseTo(10 * us, 12)
  })
})
