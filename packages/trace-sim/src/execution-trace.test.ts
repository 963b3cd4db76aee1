import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { criticalPath } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildExecutionGraph, linkExecutionTrace } from './build-execution-graph.js'
import { loadExecutionTrace } from './load-execution-trace.js'
import { loadTrace } from './load-trace.js'
import { simulateTrace } from './simulate-trace.js'
import type { DependencyGraph } from './types.js'

const dataDir = resolve(import.meta.dirname, '../../../../shared/data')
const traceDir = join(dataDir, 'traces')

function isAcyclic(g: DependencyGraph): boolean {
  const indeg = new Array<number>(g.tasks.length).fill(0)
  const succ: number[][] = g.tasks.map(() => [])
  for (const d of g.dependencies) {
    succ[d.from]!.push(d.to)
    indeg[d.to]!++
  }
  const q = indeg.flatMap((d, i) => (d === 0 ? [i] : []))
  for (let h = 0; h < q.length; h++) for (const v of succ[q[h]!]!) if (--indeg[v]! === 0) q.push(v)
  return q.length === g.tasks.length
}

describe('execution traces (hand-checkable)', () => {
  it('jsonized Chakra: deps, durations, critical path = makespan', () => {
    const et = loadExecutionTrace({
      workload_graph: [
        { Id: 1, Name: 'a', NodeType: 4, data_deps: [], runtime: 10, is_cpu_op: true },
        { Id: 2, Name: 'k1', NodeType: 4, data_deps: [1], runtime: 30, is_cpu_op: false },
        { Id: 3, Name: 'nccl', NodeType: 7, data_deps: [1], runtime: 50, is_cpu_op: false },
        { Id: 4, Name: 'k2', NodeType: 4, ctrlDeps: [99], data_deps: [2, 3], runtime: 5, is_cpu_op: false },
      ],
    })
    expect(et.format).toBe('chakra-json')
    const g = buildExecutionGraph(et)
    expect(g.executors.map((e) => e.name).sort()).toEqual(['cpu', 'gpu communication', 'gpu compute'])
    expect(g.warnings.map((w) => w.code)).toEqual(['ET_DANGLING_DEPENDENCY'])
    const sim = simulateTrace(g)
    // a (10 µs), then k1 (30) and nccl (50) in parallel, then k2 (5): 65 µs.
    expect(sim.iterationS).toBeCloseTo(65e-6, 12)
    expect(criticalPath(sim.compiled, sim.result).lengthS).toBeCloseTo(sim.result.makespanS, 12)
  })

  it('a dependency cycle gives GRAPH_CYCLE naming it', () => {
    const et = loadExecutionTrace({
      workload_graph: [
        { Id: 1, Name: 'a', NodeType: 4, data_deps: [2], runtime: 1 },
        { Id: 2, Name: 'b', NodeType: 4, data_deps: [1], runtime: 1 },
      ],
    })
    expect(() => buildExecutionGraph(et)).toThrow(expect.objectContaining({ code: 'GRAPH_CYCLE' }))
  })

  it('host ET: top-level operators, tensor data edges, Kineto durations and gaps', () => {
    const tensor = (id: number): unknown[] => [id, id, 0, 4, 4, 'cuda:0']
    const et = loadExecutionTrace({
      schema: '1.0.1',
      nodes: [
        {
          id: 1,
          name: '[pytorch|profiler|execution_graph|process]',
          parent: 1,
          tid: 0,
          inputs: [],
          outputs: [],
        },
        {
          id: 2,
          name: '[pytorch|profiler|execution_graph|thread]',
          parent: 1,
          tid: 1,
          inputs: [],
          outputs: [],
        },
        {
          id: 10,
          name: 'aten::mm',
          parent: 2,
          rf_id: 5,
          tid: 1,
          inputs: [tensor(100)],
          outputs: [tensor(101)],
        },
        {
          id: 11,
          name: 'aten::t',
          parent: 10,
          rf_id: 6,
          tid: 1,
          inputs: [tensor(100)],
          outputs: [tensor(102)],
        },
        {
          id: 20,
          name: 'aten::relu',
          parent: 2,
          rf_id: 7,
          tid: 1,
          inputs: [tensor(101)],
          outputs: [tensor(103)],
        },
        { id: 30, name: 'aten::add', parent: 2, rf_id: 8, tid: 1, inputs: [tensor(100)], outputs: [] },
      ],
    })
    expect(et.format).toBe('host-et')
    const kineto = loadTrace({
      traceEvents: [
        {
          ph: 'X',
          cat: 'cpu_op',
          name: 'aten::mm',
          pid: 1,
          tid: 1,
          ts: 100,
          dur: 10,
          args: { 'External id': 5 },
        },
        {
          ph: 'X',
          cat: 'cpu_op',
          name: 'aten::relu',
          pid: 1,
          tid: 1,
          ts: 115,
          dur: 4,
          args: { 'External id': 7 },
        },
        {
          ph: 'X',
          cat: 'cpu_op',
          name: 'other',
          pid: 1,
          tid: 1,
          ts: 120,
          dur: 4,
          args: { 'External id': 8 },
        },
      ],
    })
    expect(linkExecutionTrace(et, kineto)).toEqual([
      { nodeId: 10, eventIndex: 0 },
      { nodeId: 20, eventIndex: 1 },
    ])
    const g = buildExecutionGraph(et, { kineto })
    expect(g.tasks.map((t) => t.info.name)).toEqual(['aten::mm', 'aten::relu', 'aten::add'])
    expect(g.dependencies.map((d) => [d.from, d.to, d.kind])).toEqual([[0, 1, 'data']])
    expect(g.tasks[0]!.gapS).toBeCloseTo(5e-6, 12)
    expect(g.warnings).toContainEqual(expect.objectContaining({ code: 'ET_UNTIMED', count: 1 }))
    // mm 10 µs + gap 5 + relu 4 + add 0.
    expect(simulateTrace(g).iterationS).toBeCloseTo(19e-6, 12)
  })

  it('rejects a Kineto trace and junk with TRACE_MALFORMED', () => {
    expect(() => loadExecutionTrace({ traceEvents: [] })).toThrow(/Kineto profiler trace/)
    expect(() => loadExecutionTrace(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: 'TRACE_MALFORMED' }),
    )
  })
})

describe.skipIf(!existsSync(traceDir))('public execution traces (needs ../shared/data)', () => {
  it.each([
    ['chakra/json_trace.tar.gz', 'chakra-json', 3664],
    ['chakra/feeder_tests_trace.tar.gz', 'chakra-protobuf', 3664],
    ['chakra/1.0.2-chakra.0.0.4.tgz', 'host-et', undefined],
    ['param/linear_et.json.gz', 'host-et', 931],
  ] as const)('%s reads, is acyclic, and its critical path equals the makespan', (name, format, count) => {
    const et = loadExecutionTrace(join(traceDir, name))
    expect(et.format).toBe(format)
    if (count !== undefined) expect(et.nodes.length).toBe(count)
    const g = buildExecutionGraph(et)
    expect(g.tasks.length).toBeGreaterThan(10)
    expect(isAcyclic(g)).toBe(true)
    const sim = simulateTrace(g)
    expect(Number.isFinite(sim.result.makespanS)).toBe(true)
    expect(criticalPath(sim.compiled, sim.result).lengthS).toBeCloseTo(sim.result.makespanS, 9)
  })

  it('the protobuf and jsonized forms of the same Chakra trace hold the same nodes; cycles are handled', () => {
    const json = loadExecutionTrace(join(traceDir, 'chakra/json_trace.tar.gz'))
    const pb = loadExecutionTrace(join(traceDir, 'chakra/feeder_tests_trace.tar.gz'))
    const key = (n: (typeof pb.nodes)[number]): string =>
      `${n.id}:${n.kind}:${Math.round((n.durationS ?? -1) * 1e6)}:${[...n.dataDeps].sort().join(',')}`
    expect(pb.nodes.map(key)).toEqual(json.nodes.map(key))
    // Without control dependencies (the jsonized form has none) both give the same makespan.
    const a = simulateTrace(buildExecutionGraph(json))
    const b = simulateTrace(
      buildExecutionGraph({ ...pb, nodes: pb.nodes.map((n) => ({ ...n, ctrlDeps: [] })) }),
    )
    expect(a.iterationS).toBeGreaterThan(0)
    expect(b.iterationS).toBeCloseTo(a.iterationS, 12)
    // The protobuf's control dependencies contradict its data dependencies in places (3317 <-> 3318).
    const g = buildExecutionGraph(pb)
    expect(g.warnings).toContainEqual(expect.objectContaining({ code: 'ET_CONTROL_DEPENDENCY_DROPPED' }))
    expect(() => buildExecutionGraph(pb, { strictControlDependencies: true })).toThrow(
      expect.objectContaining({ code: 'GRAPH_CYCLE' }),
    )
  })

  it('PARAM linear: ET operators link to the Kineto trace and take its times', () => {
    const et = loadExecutionTrace(join(traceDir, 'param/linear_et.json.gz'))
    const kineto = loadTrace(join(traceDir, 'param/linear_kineto.json.gz'))
    const links = linkExecutionTrace(et, kineto)
    expect(links.length).toBeGreaterThan(100)
    const g = buildExecutionGraph(et, { kineto })
    const timed = g.tasks.filter((t) => t.info.eventIndex >= 0)
    expect(timed.length).toBeGreaterThan(0)
    const sim = simulateTrace(g)
    expect(sim.iterationS).toBeGreaterThan(0)
    expect(criticalPath(sim.compiled, sim.result).lengthS).toBeCloseTo(sim.result.makespanS, 9)
  })
})
