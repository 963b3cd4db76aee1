import { compileTaskGraph, criticalPath, simulateTaskGraph } from '@dnnperf/ir'
import type { DependencySpec, ExecutorSpec, TaskSpec } from '@dnnperf/ir'
import { InvalidPlanError } from './errors.js'
import { evaluatePlanDetailed } from './evaluate.js'
import type {
  LoweredPipeline,
  LowerPlanOptions,
  ParallelPlan,
  PipelineScheduleKind,
  PipelineTimings,
  PlanCluster,
  PlanClusterInput,
  PlanInput,
  PlanSimulation,
  PlanTaskRole,
  PlanTimelineItem,
  TransformerShape,
} from './types.js'

/** One compute operation of a device's stream: a forward or backward pass of one chunk for one microbatch. */
interface StreamOp {
  readonly phase: 'F' | 'B'
  readonly chunk: number
  /** Microbatch index over all lowered iterations (2BW lowers several back to back). */
  readonly mb: number
  /** After this backward, the device reduces gradients and steps the optimizer (end of an iteration). */
  readonly stepAfter: boolean
}

/**
 * The order in which device `s` (0-based) of a p-stage pipeline runs its passes, as Megatron's schedules.py
 * (PipeDream-2BW branch) issues them: GPipe all forwards then all backwards; 1F1B min(p−s−1, m) warm-up forwards,
 * then one forward / one backward, then the cool-down backwards; interleaved the same over v·m chunk passes with
 * min(2(p−s−1) + (v−1)p, v·m) warm-up passes (all of them when m = p), chunk of the k-th pass ⌊(k mod pv)/p⌋
 * (reversed for backwards) and microbatch ⌊k/(pv)⌋·p + k mod p; 2BW is 1F1B over all lowered microbatches with no
 * flush, stepping after every m-th backward. Exact. O(v·m·iterations).
 */
function streamOrder(
  schedule: PipelineScheduleKind,
  p: number,
  v: number,
  m: number,
  s: number,
  iterations: number,
): StreamOp[] {
  const ops: StreamOp[] = []
  const total = schedule === '2bw' ? m * iterations : m
  const f = (mb: number, chunk = 0) => ops.push({ phase: 'F', chunk, mb, stepAfter: false })
  const b = (mb: number, chunk = 0) =>
    ops.push({
      phase: 'B',
      chunk,
      mb,
      // Flushing schedules step once, after the stream's last pass; 2BW after each m-th backward.
      stepAfter: schedule === '2bw' ? (mb + 1) % m === 0 : false,
    })
  if (schedule === 'gpipe') {
    for (let i = 0; i < m; i++) f(i)
    for (let i = 0; i < m; i++) b(i)
  } else if (schedule === 'interleaved') {
    const passes = v * m
    const warmup = m === p ? passes : Math.min(2 * (p - s - 1) + (v - 1) * p, passes)
    const chunkOf = (k: number, forward: boolean) => {
      const c = Math.floor((k % (p * v)) / p)
      return forward ? c : v - 1 - c
    }
    const mbOf = (k: number) => Math.floor(k / (p * v)) * p + (k % p)
    for (let k = 0; k < warmup; k++) f(mbOf(k), chunkOf(k, true))
    for (let i = 0; i < passes - warmup; i++) {
      f(mbOf(warmup + i), chunkOf(warmup + i, true))
      b(mbOf(i), chunkOf(i, false))
    }
    for (let k = passes - warmup; k < passes; k++) b(mbOf(k), chunkOf(k, false))
  } else {
    const warmup = Math.min(p - s - 1, total)
    for (let i = 0; i < warmup; i++) f(i)
    for (let i = 0; i < total - warmup; i++) {
      f(warmup + i)
      b(i)
    }
    for (let i = total - warmup; i < total; i++) b(i)
  }
  if (schedule !== '2bw') {
    const last = ops[ops.length - 1]!
    ops[ops.length - 1] = { ...last, stepAfter: true }
  }
  return ops
}

function timeField(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new InvalidPlanError({ field, value: x, reason: 'must be a finite time ≥ 0 (s)' })
  }
  return x
}

function grid(
  x: readonly (readonly number[])[] | undefined,
  field: string,
  p: number,
  v: number,
): number[][] {
  if (x === undefined) return Array.from({ length: p }, () => new Array<number>(v).fill(0))
  if (!Array.isArray(x) || x.length !== p) {
    throw new InvalidPlanError({ field, value: x, reason: `must list ${p} devices` })
  }
  return x.map((row, j) => {
    if (!Array.isArray(row) || row.length !== v) {
      throw new InvalidPlanError({ field: `${field}[${j}]`, value: row, reason: `must list ${v} chunks` })
    }
    return row.map((t, c) => timeField(t, `${field}[${j}][${c}]`))
  })
}

function perDevice(x: readonly number[] | undefined, field: string, p: number): number[] {
  if (x === undefined) return new Array<number>(p).fill(0)
  if (!Array.isArray(x) || x.length !== p) {
    throw new InvalidPlanError({ field, value: x, reason: `must list ${p} devices` })
  }
  return x.map((t, j) => timeField(t, `${field}[${j}]`))
}

/**
 * Lowers per-stage pipeline timings to an execution task graph for `simulateTaskGraph`: one `gpu` executor per
 * device compute stream running its forward and backward passes in the schedule's order (GPipe, 1F1B,
 * interleaved 1F1B, 2BW), a `link` executor per device for its tensor-parallel collectives (each pass waits for
 * the previous pass's collective, so they sit on the critical path), one `link` executor per directed pipeline
 * link carrying point-to-point activations and gradients (asynchronous: the sender does not wait), and one per
 * device for the data-parallel gradient reduction, followed by the optimizer step on the compute stream.
 * 2BW lowers `iterations` back-to-back batches with no flush. Exact construction. O(p·v·m·iterations) tasks.
 * @throws InvalidPlanError naming the field for ragged or negative timings, m < 1, v ≠ 1 without interleaving,
 *   m not a multiple of p with interleaving, or m < p with 2BW.
 */
export function lowerPipeline(timings: PipelineTimings): LoweredPipeline {
  const { schedule } = timings
  if (!['gpipe', '1f1b', 'interleaved', '2bw'].includes(schedule)) {
    throw new InvalidPlanError({
      field: 'schedule',
      value: schedule,
      reason: 'gpipe | 1f1b | interleaved | 2bw',
    })
  }
  const m = timings.microbatches
  if (!Number.isInteger(m) || m < 1) {
    throw new InvalidPlanError({ field: 'microbatches', value: m, reason: 'must be a positive integer' })
  }
  if (!Array.isArray(timings.forwardS) || timings.forwardS.length < 1) {
    throw new InvalidPlanError({ field: 'forwardS', value: timings.forwardS, reason: 'needs ≥ 1 device' })
  }
  const p = timings.forwardS.length
  const v = Array.isArray(timings.forwardS[0]) ? timings.forwardS[0].length : 0
  if (v < 1)
    throw new InvalidPlanError({
      field: 'forwardS[0]',
      value: timings.forwardS[0],
      reason: 'needs ≥ 1 chunk',
    })
  if (schedule !== 'interleaved' && v !== 1) {
    throw new InvalidPlanError({
      field: 'forwardS[0]',
      value: v,
      reason: 'one chunk per device unless interleaved',
    })
  }
  if (schedule === 'interleaved' && m % p !== 0) {
    throw new InvalidPlanError({
      field: 'microbatches',
      value: m,
      reason: `interleaving needs m divisible by p = ${p}`,
    })
  }
  if (schedule === '2bw' && m < p) {
    throw new InvalidPlanError({ field: 'microbatches', value: m, reason: `2BW needs m ≥ p = ${p}` })
  }
  const iterations = schedule === '2bw' ? (timings.iterations ?? 4) : 1
  if (schedule === '2bw' && (!Number.isInteger(iterations) || iterations < 2 || iterations > 64)) {
    throw new InvalidPlanError({
      field: 'iterations',
      value: iterations,
      reason: '2BW needs 2–64 iterations',
    })
  }
  const fwd = grid(timings.forwardS, 'forwardS', p, v)
  const bwd = grid(timings.backwardS, 'backwardS', p, v)
  const tpF = grid(timings.tensorParallelForwardS, 'tensorParallelForwardS', p, v)
  const tpB = grid(timings.tensorParallelBackwardS, 'tensorParallelBackwardS', p, v)
  const p2p = timeField(timings.p2pS ?? 0, 'p2pS')
  const dp = perDevice(timings.dataParallelS, 'dataParallelS', p)
  const dpExposed = perDevice(timings.dataParallelExposedS, 'dataParallelExposedS', p)
  const opt = perDevice(timings.optimizerS, 'optimizerS', p)
  const tied = timeField(timings.tiedEmbeddingS ?? 0, 'tiedEmbeddingS')
  const overlap = timings.overlapGradReduce ?? false

  const g = new SpecBuilder()
  const info: { role: PlanTaskRole; device: number; chunk: number; microbatch: number; iteration: number }[] =
    []
  const add = (
    executor: number,
    durationS: number,
    role: PlanTaskRole,
    device: number,
    chunk: number,
    microbatch: number,
    name: string,
  ): number => {
    const iteration = microbatch < 0 ? -1 - microbatch : Math.floor(microbatch / m)
    info.push({ role, device, chunk, microbatch: microbatch < 0 ? -1 : microbatch, iteration })
    return g.addTask({ executor, durationS, kind: role, name, phase: role })
  }
  const gpu = Array.from({ length: p }, (_, j) => g.addExecutor({ name: `gpu${j} compute`, kind: 'gpu' }))
  const tpLink = Array.from({ length: p }, (_, j) =>
    g.addExecutor({ name: `gpu${j} tensor-parallel`, kind: 'link' }),
  )
  const dpLink = Array.from({ length: p }, (_, j) =>
    g.addExecutor({ name: `gpu${j} data-parallel`, kind: 'link' }),
  )
  const tiedLink = p > 1 && tied > 0 ? g.addExecutor({ name: 'tied embedding', kind: 'link' }) : -1
  const links = new Map<string, number>()
  const link = (from: number, to: number) => {
    const key = `${from}->${to}`
    let e = links.get(key)
    if (e === undefined) {
      e = g.addExecutor({ name: `link gpu${from}→gpu${to}`, kind: 'link' })
      links.set(key, e)
    }
    return e
  }

  // Pass 1: each device's stream. Key of a pass: virtual stage k = chunk·p + device, microbatch, phase.
  const orders = Array.from({ length: p }, (_, j) => streamOrder(schedule, p, v, m, j, iterations))
  const start = new Map<string, number>() // compute task of a pass
  const end = new Map<string, number>() // last task of a pass (its collective when there is one)
  const key = (phase: 'F' | 'B', k: number, mb: number) => `${phase}${k}:${mb}`
  const lastStep: number[][] = Array.from({ length: p }, () => []) // per device, per iteration: end of its step
  const reduceEnd: number[][] = Array.from({ length: p }, () => [])
  const optTasks: number[][] = Array.from({ length: p }, () => [])
  for (let j = 0; j < p; j++) {
    let pendingTp = -1
    for (const op of orders[j]!) {
      const k = op.chunk * p + j
      const forward = op.phase === 'F'
      const label = `${forward ? 'F' : 'B'} mb${op.mb}${v > 1 ? ` chunk${op.chunk}` : ''} gpu${j}`
      const c = add(
        gpu[j]!,
        (forward ? fwd : bwd)[j]![op.chunk]!,
        forward ? 'forward' : 'backward',
        j,
        op.chunk,
        op.mb,
        label,
      )
      if (pendingTp >= 0) g.addDependency(pendingTp, c, { kind: 'communication' })
      pendingTp = -1
      let last = c
      const tp = (forward ? tpF : tpB)[j]![op.chunk]!
      if (tp > 0) {
        last = add(tpLink[j]!, tp, forward ? 'tp-forward' : 'tp-backward', j, op.chunk, op.mb, `TP ${label}`)
        g.addDependency(c, last, { kind: 'communication' })
        pendingTp = last
      }
      start.set(key(op.phase, k, op.mb), c)
      end.set(key(op.phase, k, op.mb), last)
      if (op.stepAfter) {
        const it = Math.floor(op.mb / m)
        const r = add(dpLink[j]!, dp[j]!, 'dp', j, -1, -1 - it, `DP reduce it${it} gpu${j}`)
        if (overlap) g.addDependency(c, r, { kind: 'data', fromStart: true })
        else g.addDependency(last, r, { kind: 'data' })
        let done = r
        if (dpExposed[j]! > 0) {
          done = add(dpLink[j]!, dpExposed[j]!, 'dp', j, -1, -1 - it, `ZeRO-3 gathers it${it} gpu${j}`)
          g.addDependency(last, done, { kind: 'data' })
        }
        reduceEnd[j]!.push(done)
        const o = add(gpu[j]!, opt[j]!, 'optimizer', j, -1, -1 - it, `optimizer it${it} gpu${j}`)
        g.addDependency(done, o, { kind: 'data' })
        if (pendingTp >= 0) g.addDependency(pendingTp, o, { kind: 'communication' })
        pendingTp = -1
        optTasks[j]!.push(o)
        lastStep[j]!.push(o)
      }
    }
  }
  if (tiedLink >= 0) {
    for (let it = 0; it < iterations; it++) {
      const t = add(tiedLink, tied, 'tied', 0, -1, -1 - it, `tied embedding all-reduce it${it}`)
      for (const j of [0, p - 1]) {
        g.addDependency(reduceEnd[j]![it]!, t, { kind: 'data' })
        g.addDependency(t, optTasks[j]![it]!, { kind: 'data' })
      }
    }
  }

  // Pass 2: point-to-point messages, inserted in each sender's stream order so every link is FIFO in send order.
  const K = p * v
  for (let j = 0; j < p; j++) {
    for (const op of orders[j]!) {
      const k = op.chunk * p + j
      const from = end.get(key(op.phase, k, op.mb))!
      const forward = op.phase === 'F'
      const target = forward ? k + 1 : k - 1
      if (target < 0) continue
      if (target >= K) {
        // The model's last pass: its backward starts from its own forward's output.
        g.addDependency(from, start.get(key('B', k, op.mb))!, { kind: 'data' })
        continue
      }
      const to = start.get(key(op.phase, target, op.mb))!
      const dst = target % p
      if (dst === j) {
        g.addDependency(from, to, { kind: 'data' })
        continue
      }
      const x = add(
        link(j, dst),
        p2p,
        'p2p',
        j,
        op.chunk,
        op.mb,
        `${forward ? 'activation' : 'gradient'} mb${op.mb} gpu${j}→gpu${dst}`,
      )
      g.addDependency(from, x, { kind: 'communication' })
      g.addDependency(x, to, { kind: 'communication' })
    }
  }
  return { graph: g.spec(), tasks: info, devices: p, chunks: v, microbatches: m, iterations, schedule }
}

/** Collects a plain {@link TaskGraphSpec}; the lowering returns data, not a compiled graph. */
class SpecBuilder {
  private readonly executors: ExecutorSpec[] = []
  private readonly tasks: TaskSpec[] = []
  private readonly dependencies: DependencySpec[] = []
  get taskCount(): number {
    return this.tasks.length
  }
  addExecutor(e: ExecutorSpec): number {
    this.executors.push(e)
    return this.executors.length - 1
  }
  addTask(t: TaskSpec): number {
    this.tasks.push(t)
    return this.tasks.length - 1
  }
  addDependency(from: number, to: number, o: Omit<DependencySpec, 'from' | 'to'>): void {
    this.dependencies.push({ from, to, ...o })
  }
  spec() {
    return { executors: this.executors, tasks: this.tasks, dependencies: this.dependencies }
  }
}

/**
 * Simulates a lowered pipeline with the IR's discrete-event engine and returns the iteration time, per-device busy
 * time, the critical path and the whole timeline. Flushing schedules: the makespan. 2BW: the steady-state period,
 * the gap between the last two optimizer steps (latest over devices). Exact for the task graph. O(tasks + deps).
 */
export function simulateLoweredPipeline(lowered: LoweredPipeline): PlanSimulation {
  const compiled = compileTaskGraph(lowered.graph)
  const sim = simulateTaskGraph(compiled)
  const item = (i: number): PlanTimelineItem => {
    const t = lowered.tasks[i]!
    return {
      executor: lowered.graph.executors[compiled.executorOf[i]!]!.name,
      name: compiled.names[i] ?? `task#${i}`,
      ...t,
      startS: sim.startS[i]!,
      endS: sim.endS[i]!,
    }
  }
  const timeline = lowered.tasks.map((_, i) => item(i))
  const deviceBusyS = new Array<number>(lowered.devices).fill(0)
  const stepEnd = new Array<number>(lowered.iterations).fill(0)
  lowered.tasks.forEach((t, i) => {
    const dur = sim.endS[i]! - sim.startS[i]!
    if (t.role === 'forward' || t.role === 'backward' || t.role === 'optimizer') deviceBusyS[t.device]! += dur
    if (t.role === 'optimizer') stepEnd[t.iteration] = Math.max(stepEnd[t.iteration]!, sim.endS[i]!)
  })
  const R = lowered.iterations
  const iterationTimeS = lowered.schedule === '2bw' ? stepEnd[R - 1]! - stepEnd[R - 2]! : sim.makespanS
  const path = criticalPath(compiled, sim)
  return {
    iterationTimeS,
    makespanS: sim.makespanS,
    deviceBusyS,
    criticalPath: path.steps.map((s) => item(s.task)),
    timeline,
    taskCount: compiled.taskCount,
    method: 'task-graph-simulation',
  }
}

/**
 * Lowers a 3D-parallel plan of a transformer to an execution task graph: the evaluator's per-layer model
 * ({@link evaluatePlan}) gives each (device, chunk) its forward and backward compute, its exposed tensor-parallel
 * collectives, the pipeline message time, each stage's data-parallel reduction (ZeRO gathers included) and
 * optimizer step, and the tied-embedding all-reduce; {@link lowerPipeline} turns them into tasks in the
 * schedule's order. Layers of a stage split over its v chunks as evenly as possible (earlier chunks take the
 * remainder); the embedding runs in the model's first chunk and the output layer in its last.
 * Exact construction over a heuristic cost model. O(p·v·m) tasks (×4 iterations for 2BW).
 * @throws the errors of `evaluatePlan`; InvalidPlanError for `iterations` out of 2–64.
 */
export function lowerPlan(
  model: TransformerShape,
  cluster: string | PlanClusterInput | PlanCluster,
  plan: PlanInput | ParallelPlan,
  options: LowerPlanOptions = {},
): LoweredPipeline {
  return lowerWithEvaluation(model, cluster, plan, options).lowered
}

function lowerWithEvaluation(
  model: TransformerShape,
  cluster: string | PlanClusterInput | PlanCluster,
  planIn: PlanInput | ParallelPlan,
  options: LowerPlanOptions,
) {
  const { iterations, ...evalOpts } = options
  const { evaluation, detail: x } = evaluatePlanDetailed(model, cluster, planIn, evalOpts)
  const plan = evaluation.plan
  const p = plan.pipelineParallel
  const v = plan.chunksPerDevice
  const chunkLayers = plan.stageLayers.map((layers) =>
    Array.from({ length: v }, (_, c) => Math.floor(layers / v) + (c < layers % v ? 1 : 0)),
  )
  const perChunk = (f: (j: number, c: number, layers: number) => number) =>
    chunkLayers.map((row, j) => row.map((layers, c) => f(j, c, layers)))
  const first = (j: number, c: number) => j === 0 && c === 0
  const last = (j: number, c: number) => j === p - 1 && c === v - 1
  const timings: PipelineTimings = {
    schedule: plan.schedule,
    microbatches: plan.microbatches,
    forwardS: perChunk(
      (j, c, n) =>
        n * x.layerS.forwardS +
        (first(j, c) ? x.embeddingS.forwardS : 0) +
        (last(j, c) ? x.outputS.forwardS : 0),
    ),
    backwardS: perChunk(
      (j, c, n) =>
        n * x.layerS.backwardS +
        (first(j, c) ? x.embeddingS.backwardS : 0) +
        (last(j, c) ? x.outputS.backwardS : 0),
    ),
    tensorParallelForwardS: perChunk(
      (j, c, n) => n * x.layerTensorParallelS.forwardS + (first(j, c) ? x.embeddingTensorParallelS : 0),
    ),
    tensorParallelBackwardS: perChunk(
      (j, c, n) => n * x.layerTensorParallelS.backwardS + (last(j, c) ? x.outputTensorParallelS : 0),
    ),
    p2pS: x.p2pMessageS,
    dataParallelS: x.dataParallelCommS,
    dataParallelExposedS: x.zero3GatherS,
    overlapGradReduce: x.overlapGradReduce,
    optimizerS: x.optimizerS,
    tiedEmbeddingS: x.tiedEmbeddingS,
    ...(iterations === undefined ? {} : { iterations }),
  }
  return { lowered: lowerPipeline(timings), evaluation }
}

/**
 * Simulates a plan on the task graph of {@link lowerPlan} and returns the simulated iteration time, the closed-form
 * one of {@link evaluatePlan} beside it, per-device busy time, the critical path and the timeline. Where the two
 * differ, the simulation is the more faithful (it has no uniform-stage assumption); they agree within 0.1 % on
 * uniform stages with free point-to-point messages (lower.prop.test.ts). Exact for the task graph, heuristic cost
 * model. O(p·v·m) tasks.
 * @throws like {@link lowerPlan}.
 */
export function simulatePlan(
  model: TransformerShape,
  cluster: string | PlanClusterInput | PlanCluster,
  plan: PlanInput | ParallelPlan,
  options: LowerPlanOptions = {},
): PlanSimulation {
  const { lowered, evaluation } = lowerWithEvaluation(model, cluster, plan, options)
  return { ...simulateLoweredPipeline(lowered), closedFormIterationTimeS: evaluation.iterationTimeS }
}
