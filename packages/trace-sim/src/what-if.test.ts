import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allReduceTimeS } from './all-reduce.js'
import { buildDependencyGraph } from './build-graph.js'
import { loadTrace } from './load-trace.js'
import { insertTask, removeGraphTasks, scaleTasks, selectTasks, unrollIterations } from './primitives.js'
import { simulateTrace } from './simulate-trace.js'
import { smallTrace } from './test-fixtures.js'
import { whatIf } from './what-if.js'

const us = 1e-6
const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const resnet = resolve(dataDir, 'traces/kineto-2021/worker0.1623143089861.pt.trace.json.gz')
const graph = () => buildDependencyGraph(loadTrace(smallTrace()), { iteration: 3 })

describe('primitives', () => {
  it('scale 1 is bit-identical to the replay', () => {
    const g = graph()
    const a = simulateTrace(g)
    const b = simulateTrace(
      scaleTasks(
        g,
        selectTasks(g, () => true),
        1,
      ),
    )
    expect(Array.from(b.result.endS)).toEqual(Array.from(a.result.endS))
  })

  it('scaling does not mutate the input graph', () => {
    const g = graph()
    const before = g.tasks.map((t) => t.durationS)
    scaleTasks(g, [5], 0.5)
    expect(g.tasks.map((t) => t.durationS)).toEqual(before)
  })

  it('remove + re-insert of a kernel with the same edges restores the iteration', () => {
    const g = graph()
    const k = selectTasks(g, (i) => i.name === 'vectorized_elementwise_relu')[0]!
    const launch = g.dependencies.find((d) => d.to === k)!
    const t = g.tasks[k]!
    const removed = removeGraphTasks(g, [k])
    const launchTask = removed.tasks.findIndex(
      (x) => x.info.eventIndex === g.tasks[launch.from]!.info.eventIndex,
    )
    insertTask(removed, {
      executor: t.executor,
      durationS: t.durationS,
      order: t.order,
      name: t.info.name,
      after: [{ task: launchTask, kind: 'launch', lagS: launch.lagS, fromStart: true }],
    })
    expect(simulateTrace(removed).iterationS).toBeCloseTo(simulateTrace(g).iterationS, 12)
  })

  it('removing the GPU work leaves the CPU timeline (kernel time no longer awaited)', () => {
    const g = graph()
    const out = removeGraphTasks(
      g,
      selectTasks(g, (i) => i.role === 'gpu'),
    )
    // CPU: 10 + 5 + 5 + 5 + 5 (sync call 0, wait tail 5 starting at 30) + 25 = 100 - 40 (no wait) => 35 + 25 = 60
    expect(simulateTrace(out).iterationS / us).toBeCloseTo(60, 6)
  })
})

describe('recipes', () => {
  it('scale-class multiplies only GPU tasks of the class', () => {
    const g = graph()
    const out = whatIf('scale-class:0.5', g, { taskClass: 'computation' })
    expect(out.tasks.filter((t) => t.info.role === 'gpu').map((t) => t.durationS / us)).toEqual([
      expect.closeTo(20, 9),
      expect.closeTo(5, 9),
    ])
    expect(out.tasks.filter((t) => t.info.role === 'runtime').every((t) => t.info.scale === undefined)).toBe(
      true,
    )
  })

  it('ddp inserts one all-reduce per bucket on a link and the step waits for the last one', () => {
    const g = graph()
    const out = whatIf('ddp:4', g, {
      gradientBytes: 100e6,
      bucketBytes: 25e6,
      bandwidthBytesPerS: 10e9,
      latencyS: 0,
    })
    const comm = out.tasks.filter((t) => t.info.kind === 'comm')
    expect(comm).toHaveLength(4)
    // ring all-reduce of 25 MB over 4 ranks at 10 GB/s: 2·3/4 · 25e6 / 10e9 = 3.75 ms each
    expect(comm[0]!.durationS).toBeCloseTo(3.75e-3, 12)
    expect(out.warnings.map((w) => w.code)).toContain('NO_BACKWARD_PHASE')
    // buckets 0-1 follow the gemm (ends 60 µs), 2-3 the relu; the link runs them back to back from 60 µs
    expect(simulateTrace(out).iterationS).toBeCloseTo(60e-6 + 4 * 3.75e-3, 9)
  })

  it('ddp without gradient sizes fails with INVALID_VALUE naming the field', () => {
    expect(() => whatIf('ddp:8', graph())).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'gradientBytes' }),
    )
  })

  it('dgc sends values + indices at the given density', () => {
    const out = whatIf('dgc:4', graph(), {
      gradientBytes: 100e6,
      bucketBytes: 100e6,
      density: 0.01,
      bandwidthBytesPerS: 10e9,
      latencyS: 0,
    })
    const comm = out.tasks.filter((t) => t.info.kind === 'comm')
    expect(comm[0]!.durationS).toBeCloseTo(1.5 * (2e6 / 10e9), 12)
  })

  it('unknown recipes throw NOT_FOUND with the known names', () => {
    expect(() => whatIf('magic', graph())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('fused-adam is a no-op with a warning when there is no optimizer phase', () => {
    const out = whatIf('fused-adam', graph())
    expect(out.warnings.map((w) => w.code)).toContain('WHAT_IF_NO_OP')
    expect(simulateTrace(out).iterationS).toBeCloseTo(simulateTrace(graph()).iterationS, 12)
  })
})

describe('unrolled iterations and P3', () => {
  it('two unrolled copies of the step replay at the measured iteration time', () => {
    const u = unrollIterations(graph(), 2)
    expect(u.tasks).toHaveLength(16)
    expect(simulateTrace(u).iterationS / us).toBeCloseTo(100, 6)
  })

  it('p3 sends slices on a priority link and gates the next forward on them', () => {
    const g = graph()
    const gemm = g.tasks.findIndex((t) => t.info.name === 'sm80_xmma_gemm_f32')
    g.tasks[gemm]!.info = { ...g.tasks[gemm]!.info, phase: 'backward' }
    const out = whatIf('p3:2', g, {
      gradientBytes: 1e6,
      sliceBytes: 1e6,
      bandwidthBytesPerS: 1e9,
      latencyS: 0,
    })
    expect(out.executors.at(-1)).toMatchObject({ kind: 'link', policy: 'priority' })
    // one 1 ms slice after the gemm (ends 60 µs); copy 1's relu waits for it (1060..1070), its sync tail 5 µs and
    // gap 25 µs end the second step at 1100 µs: 550 µs per iteration
    expect(simulateTrace(out).iterationS / us).toBeCloseTo(550, 6)
  })

  it('p3 without backward kernels is a no-op with a warning', () => {
    const out = whatIf('p3:2', graph(), { gradientBytes: 1e6 })
    expect(out.warnings.map((w) => w.code)).toContain('WHAT_IF_NO_OP')
  })
})

describe('vdnn', () => {
  it('needs the activation bytes, which traces do not record', () => {
    expect(() => whatIf('vdnn', graph())).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'activationBytes' }),
    )
  })
  it('is a no-op with a warning on a step without backward layers', () => {
    expect(whatIf('vdnn', graph(), { activationBytes: 1e6 }).warnings.map((w) => w.code)).toContain(
      'WHAT_IF_NO_OP',
    )
  })
})

describe.skipIf(!existsSync(resnet))('recipes on the public ResNet-50 trace (needs ../shared/data)', () => {
  const g = existsSync(resnet) ? buildDependencyGraph(loadTrace(resnet), { iteration: 9 }) : undefined
  it('vdnn slows the step more the more it offloads, and never below the replay', () => {
    const replay = simulateTrace(g!).iterationS
    const t = [0, 1e9, 4e9].map((b) => simulateTrace(whatIf('vdnn', g!, { activationBytes: b })).iterationS)
    expect(t[0]).toBeCloseTo(replay, 9)
    expect(t[1]!).toBeGreaterThan(replay)
    expect(t[2]!).toBeGreaterThan(t[1]!)
  })
  it('amp and fused-adam never slow the step down; ddp at low bandwidth does', () => {
    const replay = simulateTrace(g!).iterationS
    expect(simulateTrace(whatIf('amp', g!)).iterationS).toBeLessThan(replay)
    expect(simulateTrace(whatIf('fused-adam', g!)).iterationS).toBeLessThanOrEqual(replay + 1e-12)
    // ResNet-50's 25.6M fp32 parameters, estimated from the optimizer's per-parameter ops
    expect(g!.gradientBytesEstimate! / 1e6).toBeCloseTo(102.2, 0)
    expect(simulateTrace(whatIf('ddp:8', g!, { bandwidthBytesPerS: 1.25e9 })).iterationS).toBeGreaterThan(
      replay * 1.3,
    )
  })
})

describe('allReduceTimeS', () => {
  it('follows the ring alpha-beta formula', () => {
    // 2·7/8 · 1 GB / 12.5 GB/s + 2·7 · 5 µs = 0.14 + 0.00007
    expect(allReduceTimeS(1e9, 8, { bandwidthBytesPerS: 12.5e9, latencyS: 5e-6 })).toBeCloseTo(0.14007, 12)
    expect(allReduceTimeS(1e9, 1, { bandwidthBytesPerS: 1, latencyS: 1 })).toBe(0)
    expect(() => allReduceTimeS(-1, 2, { bandwidthBytesPerS: 1, latencyS: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    )
  })
})
