import type { ClusterSpec } from '@dnnperf/cost-model'
import { InvalidValueError, NotFoundError } from '@dnnperf/ir'
import { allReduceTimeS } from './all-reduce.js'
import { isComputeIntensiveKernel } from './classify.js'
import {
  addExecutor,
  cloneGraph,
  insertTask,
  removeGraphTasks,
  scaleTasks,
  selectTasks,
  unrollIterations,
} from './primitives.js'
import type { DependencyGraph, TaskClass } from './types.js'
import { exclusiveLaunches, reconstructBatchNorm } from './what-if-batchnorm.js'
import { changeDevice } from './what-if-device.js'

/** Options of the what-if recipes; each recipe reads the fields it needs. Defaults in brackets. */
export interface WhatIfOptions {
  /** AMP: divisor of tensor-core eligible kernels [3] and of other compute kernels [2] (Daydream §5.1). */
  readonly ampComputeSpeedup?: number
  readonly ampMemorySpeedup?: number
  /** `scale-class`: which class to scale and by what factor (e.g. 0.5 halves every communication kernel). */
  readonly taskClass?: TaskClass
  readonly factor?: number
  /** Data-parallel: rank count [from the recipe name, `ddp:8`], gradient bytes [trace estimate], bucket [25 MiB]. */
  readonly ranks?: number
  readonly gradientBytes?: number
  readonly bucketBytes?: number
  /** α–β link for the all-reduce [100 Gbit/s = 12.5e9 B/s, 5 µs], or a cost-model cluster. */
  readonly bandwidthBytesPerS?: number
  readonly latencyS?: number
  readonly cluster?: ClusterSpec
  /** DGC: fraction of gradient values sent [0.001]; values and indices both travel. Compression kernel time [0]. */
  readonly density?: number
  readonly compressionS?: number
  /** P3: bytes per gradient slice [200,000 = 50k fp32 parameters, as the P3 paper]. */
  readonly sliceBytes?: number
  /** vDNN: activation bytes of the iteration (required; traces do not record them) and PCIe bandwidth [12e9]. */
  readonly activationBytes?: number
  readonly pcieBandwidthBytesPerS?: number
  /** `gpu`: the preset the trace was recorded on (or `gpu:FROM:TO`) and the dtype of the peak used [fp32]. */
  readonly fromGpu?: string
  readonly gpuDtype?: string
  /** `reconstructed-bn`: factor on batch-norm kernels after fusing the following ReLU [0.5]. */
  readonly batchNormFactor?: number
}

/** Names accepted by {@link whatIf}; `ddp:N` and `dgc:N` carry the rank count. */
export const WHAT_IF_RECIPES: readonly string[] = [
  'amp',
  'fused-adam',
  'scale-class',
  'ddp',
  'dgc',
  'p3',
  'vdnn',
  'reconstructed-bn',
  'gpu',
  'no-optimizer',
]

/**
 * Applies a what-if recipe (Daydream §5) to a dependency graph and returns the transformed copy.
 *
 * - `amp`: GPU compute kernels shrink, tensor-core eligible ones (GEMM, convolution) by 3x, others by 2x;
 *   copies, communication and CPU work unchanged.
 * - `fused-adam`: optimizer-phase kernels and their launch calls are removed and one fused kernel with the
 *   summed duration is inserted where the first one ran (saves launch overheads, as Apex FusedAdam).
 * - `scale-class`: multiply every GPU task of `taskClass` by `factor`.
 * - `ddp:N`: data parallel from a single-GPU trace: gradients in buckets become ready along the backward
 *   kernels, each bucket all-reduced on a network link; the optimizer waits for the last bucket.
 * - `dgc:N`: `ddp:N` with gradients compressed to `density` (values + indices) plus `compressionS` per bucket.
 * - `p3:N`: Priority-based Parameter Propagation (Jayarajan et al. 2019): two iterations are unrolled; gradients
 *   are cut into `sliceBytes` slices as backward produces them, synchronised on a link that always sends the
 *   slice of the front-most layer first, and the next iteration's forward of a layer waits for its slices.
 *   Layers are matched by position (the k-th fraction of backward kernels holds the gradients of the k-th last
 *   fraction of forward kernels), since traces do not name the parameter of each backward kernel.
 * - `vdnn`: virtualised DNN memory (Rhu et al. 2016): each forward layer's input is copied to the host on an
 *   offload stream while the layer runs, and the next layer waits for that copy; in backward the input is copied
 *   back on a prefetch stream while the following layer's backward runs, and the layer's backward waits for it.
 *   `activationBytes` is split over layers in proportion to their forward GPU time; backward kernels are matched
 *   to layers by position (as in `p3`).
 * - `reconstructed-bn`: batch norm restructured (Jung et al., Daydream §5.3): the ReLU after each batch-norm kernel
 *   fused into it, batch-norm kernels × `batchNormFactor` [0.5].
 * - `gpu:TO` (with `fromGpu`) or `gpu:FROM:TO`: the trace moved to another `@dnnperf/cost-model` accelerator
 *   preset; compute-bound kernels scale by the peak FLOP/s ratio, memory-bound ones by the bandwidth ratio.
 * - `no-optimizer`: removes the optimizer phase (an upper bound on what optimizer work costs).
 * - `A+B`: recipes applied one after the other (`amp+fused-adam`).
 *
 * Heuristic (recipe factors are Daydream's defaults). O(V + E).
 *
 * @throws NotFoundError (`NOT_FOUND`) for an unknown recipe.
 * @throws InvalidValueError (`INVALID_VALUE`) for a bad factor, rank count, or when `ddp` has no gradient size.
 */
export function whatIf(name: string, graph: DependencyGraph, options: WhatIfOptions = {}): DependencyGraph {
  if (name.includes('+')) return name.split('+').reduce((g, part) => whatIf(part.trim(), g, options), graph)
  const [recipe, arg, arg2] = name.split(':') as [string, string | undefined, string | undefined]
  switch (recipe) {
    case 'reconstructed-bn':
      return reconstructBatchNorm(graph, positive(options.batchNormFactor ?? 0.5, 'batchNormFactor'))
    case 'gpu': {
      const to = arg2 ?? arg
      const from = arg2 !== undefined ? arg : options.fromGpu
      if (to === undefined || from === undefined) {
        throw new InvalidValueError({
          at: 'whatIf gpu',
          field: to === undefined ? 'recipe' : 'fromGpu',
          value: name,
          expected: 'gpu:TO with options.fromGpu (or the trace device), or gpu:FROM:TO, preset names',
        })
      }
      return changeDevice(graph, from, to, options.gpuDtype)
    }
    case 'amp':
      return amp(graph, options)
    case 'fused-adam':
      return fusedAdam(graph)
    case 'scale-class': {
      const factor = positive(options.factor ?? Number(arg), 'factor')
      const cls = options.taskClass ?? 'computation'
      return scaleTasks(
        graph,
        selectTasks(graph, (i) => i.role === 'gpu' && i.taskClass === cls),
        factor,
      )
    }
    case 'ddp':
    case 'dgc':
      return dataParallel(graph, recipe, options.ranks ?? Number(arg ?? 8), options)
    case 'p3':
      return p3(graph, options.ranks ?? Number(arg ?? 8), options)
    case 'vdnn':
      return vdnn(graph, options)
    case 'no-optimizer': {
      const drop = selectTasks(
        graph,
        (i) => i.phase === 'optimizer' && (i.role === 'gpu' || i.role === 'runtime'),
      )
      return removeGraphTasks(graph, drop)
    }
    default:
      throw new NotFoundError({ what: 'what-if recipe', key: name, known: WHAT_IF_RECIPES })
  }
}

function positive(x: number, field: string): number {
  if (!Number.isFinite(x) || x <= 0)
    throw new InvalidValueError({ at: 'whatIf', field, value: x, expected: 'a finite number > 0' })
  return x
}

function amp(graph: DependencyGraph, options: WhatIfOptions): DependencyGraph {
  const c = positive(options.ampComputeSpeedup ?? 3, 'ampComputeSpeedup')
  const m = positive(options.ampMemorySpeedup ?? 2, 'ampMemorySpeedup')
  const sel = selectTasks(graph, (i) => i.role === 'gpu' && i.taskClass === 'computation')
  return scaleTasks(graph, sel, (i) => (isComputeIntensiveKernel(graph.tasks[i]!.info.name) ? 1 / c : 1 / m))
}

function fusedAdam(graph: DependencyGraph): DependencyGraph {
  const kernels = selectTasks(
    graph,
    (i) => i.role === 'gpu' && i.phase === 'optimizer' && i.taskClass === 'computation',
  )
  if (kernels.length < 2) {
    const out = cloneGraph(graph)
    out.warnings.push({
      code: 'WHAT_IF_NO_OP',
      message: 'fused-adam: fewer than two optimizer-phase kernels; nothing fused',
      count: 1,
    })
    return out
  }
  // Only drop launch calls that launch nothing else.
  const launches = new Set(exclusiveLaunches(graph, new Set(kernels)))
  const first = kernels.reduce((a, b) => (graph.tasks[b]!.order < graph.tasks[a]!.order ? b : a))
  const firstTask = graph.tasks[first]!
  const launchOfFirst = graph.dependencies.find((d) => d.kind === 'launch' && d.to === first)
  const totalS = kernels.reduce((s, k) => s + graph.tasks[k]!.durationS, 0)
  const calls = [...launches]
  const meanCallS =
    calls.length > 0 ? calls.reduce((s, k) => s + graph.tasks[k]!.durationS, 0) / calls.length : 0
  const firstCall = launchOfFirst !== undefined ? graph.tasks[launchOfFirst.from] : undefined
  const out = removeGraphTasks(graph, [...kernels, ...calls])
  let launch: number | undefined
  if (firstCall !== undefined && launchOfFirst !== undefined && launches.has(launchOfFirst.from)) {
    launch = insertTask(out, {
      executor: firstCall.executor,
      durationS: meanCallS,
      order: firstCall.order,
      name: 'fused optimizer launch',
      kind: 'runtime',
      taskClass: 'cpu',
      phase: 'optimizer',
    })
  }
  insertTask(out, {
    executor: firstTask.executor,
    durationS: totalS,
    order: firstTask.order,
    name: 'fused optimizer kernel',
    kind: 'kernel',
    taskClass: 'computation',
    phase: 'optimizer',
    after:
      launch !== undefined
        ? [{ task: launch, kind: 'launch', fromStart: true, lagS: launchOfFirst?.lagS ?? 0 }]
        : [],
  })
  return out
}

function dataParallel(
  graph: DependencyGraph,
  recipe: string,
  ranks: number,
  options: WhatIfOptions,
): DependencyGraph {
  if (!Number.isInteger(ranks) || ranks < 1) {
    throw new InvalidValueError({
      at: `whatIf ${recipe}`,
      field: 'ranks',
      value: ranks,
      expected: 'an integer >= 1',
    })
  }
  const gradientBytes = gradientBytesOf(graph, recipe, options)
  const out = cloneGraph(graph)
  const bucketBytes = positive(options.bucketBytes ?? 25 * 2 ** 20, 'bucketBytes')
  const density = options.density ?? 0.001
  const wireBytes = recipe === 'dgc' ? gradientBytes * Math.min(1, 2 * density) : gradientBytes
  const bucketCount = Math.max(1, Math.ceil(gradientBytes / bucketBytes))
  const link = {
    bandwidthBytesPerS: options.bandwidthBytesPerS ?? 12.5e9,
    latencyS: options.latencyS ?? 5e-6,
  }
  const bucketS = allReduceTimeS(wireBytes / bucketCount, ranks, link, options.cluster)
  let backward = selectTasks(
    out,
    (i) => i.role === 'gpu' && i.phase === 'backward' && i.taskClass === 'computation',
  )
  if (backward.length === 0) {
    out.warnings.push({
      code: 'NO_BACKWARD_PHASE',
      message: `${recipe}: no backward-phase kernels; buckets follow the last GPU kernel`,
      count: 1,
    })
    backward = selectTasks(out, (i) => i.role === 'gpu' && i.taskClass === 'computation')
  }
  if (backward.length === 0) {
    out.warnings.push({
      code: 'WHAT_IF_NO_OP',
      message: `${recipe}: no GPU kernels to attach gradients to`,
      count: 1,
    })
    return out
  }
  backward.sort((a, b) => out.tasks[a]!.order - out.tasks[b]!.order)
  const net = addExecutor(out, `all-reduce (${ranks} ranks)`, 'link')
  const comm: number[] = []
  for (let k = 0; k < bucketCount; k++) {
    const src =
      backward[Math.min(backward.length - 1, Math.ceil(((k + 1) * backward.length) / bucketCount) - 1)]!
    const srcTask = out.tasks[src]!
    if (recipe === 'dgc' && (options.compressionS ?? 0) > 0) {
      insertTask(out, {
        executor: srcTask.executor,
        durationS: options.compressionS ?? 0,
        order: srcTask.order + 0.25,
        name: `dgc compress bucket ${k}`,
        kind: 'kernel',
        phase: 'backward',
        after: [src],
      })
    }
    comm.push(
      insertTask(out, {
        executor: net,
        durationS: bucketS,
        order: srcTask.order + 0.5,
        name: `all-reduce bucket ${k}`,
        kind: 'comm',
        taskClass: 'communication',
        phase: 'backward',
        after: [{ task: src, kind: 'communication' }],
      }),
    )
  }
  const last = comm[comm.length - 1]!
  const lastBackwardOrder = out.tasks[backward[backward.length - 1]!]!.order
  const optimizer = selectTasks(
    out,
    (i, t) => i.role === 'gpu' && i.phase === 'optimizer' && t.order > lastBackwardOrder,
  )
  const stepEnd = selectTasks(out, (i) => i.role === 'marker' && i.name === 'step end')
  const waiters =
    optimizer.length > 0
      ? [optimizer.reduce((a, b) => (out.tasks[b]!.order < out.tasks[a]!.order ? b : a))]
      : stepEnd
  for (const w of waiters)
    out.dependencies.push({ from: last, to: w, kind: 'communication', lagS: 0, fromStart: false })
  return out
}

function gradientBytesOf(graph: DependencyGraph, recipe: string, options: WhatIfOptions): number {
  const gradientBytes = options.gradientBytes ?? graph.gradientBytesEstimate
  if (gradientBytes === undefined || !(gradientBytes >= 0)) {
    throw new InvalidValueError({
      at: `whatIf ${recipe}`,
      field: 'gradientBytes',
      value: gradientBytes,
      expected: 'gradient bytes (the trace has no recorded optimizer shapes to estimate them from)',
    })
  }
  return gradientBytes
}

function p3(graph: DependencyGraph, ranks: number, options: WhatIfOptions): DependencyGraph {
  if (!Number.isInteger(ranks) || ranks < 1) {
    throw new InvalidValueError({
      at: 'whatIf p3',
      field: 'ranks',
      value: ranks,
      expected: 'an integer >= 1',
    })
  }
  const gradientBytes = gradientBytesOf(graph, 'p3', options)
  const sliceBytes = positive(options.sliceBytes ?? 200_000, 'sliceBytes')
  const out = unrollIterations(graph, 2)
  const byOrder = (a: number, b: number): number => out.tasks[a]!.order - out.tasks[b]!.order
  const backward = selectTasks(
    out,
    (i) =>
      i.role === 'gpu' && i.copy === undefined && i.phase === 'backward' && i.taskClass === 'computation',
  ).sort(byOrder)
  const forward = selectTasks(
    out,
    (i) => i.role === 'gpu' && i.copy === 1 && i.phase === 'forward' && i.taskClass === 'computation',
  ).sort(byOrder)
  if (backward.length === 0 || forward.length === 0) {
    out.warnings.push({
      code: 'WHAT_IF_NO_OP',
      message: 'p3: needs forward and backward kernels in the iteration',
      count: 1,
    })
    return out
  }
  const slices = Math.max(1, Math.ceil(gradientBytes / sliceBytes))
  const link = {
    bandwidthBytesPerS: options.bandwidthBytesPerS ?? 12.5e9,
    latencyS: options.latencyS ?? 5e-6,
  }
  const sliceS = allReduceTimeS(gradientBytes / slices, ranks, link, options.cluster)
  const net = addExecutor(out, `p3 link (${ranks} ranks, priority)`, 'link', 'priority')
  for (let k = 0; k < slices; k++) {
    // Slice k is the k-th produced by backward, i.e. belongs to layer position p from the front.
    const src = backward[Math.min(backward.length - 1, Math.ceil(((k + 1) * backward.length) / slices) - 1)]!
    const p = slices - 1 - k
    const comm = insertTask(out, {
      executor: net,
      durationS: sliceS,
      order: p,
      name: `p3 slice ${p}`,
      kind: 'comm',
      taskClass: 'communication',
      phase: 'backward',
      after: [{ task: src, kind: 'communication' }],
    })
    const dst = forward[Math.min(forward.length - 1, Math.floor((p * forward.length) / slices))]!
    out.dependencies.push({ from: comm, to: dst, kind: 'communication', lagS: 0, fromStart: false })
  }
  return out
}

function vdnn(graph: DependencyGraph, options: WhatIfOptions): DependencyGraph {
  const total = options.activationBytes
  if (total === undefined || !Number.isFinite(total) || total < 0) {
    throw new InvalidValueError({
      at: 'whatIf vdnn',
      field: 'activationBytes',
      value: total,
      expected: 'activation bytes of the iteration (not recorded in traces)',
    })
  }
  const bandwidth = positive(options.pcieBandwidthBytesPerS ?? 12e9, 'pcieBandwidthBytesPerS')
  const out = cloneGraph(graph)
  const byOrder = (a: number, b: number): number => out.tasks[a]!.order - out.tasks[b]!.order
  const bw = selectTasks(
    out,
    (i) => i.role === 'gpu' && i.phase === 'backward' && i.taskClass === 'computation',
  ).sort(byOrder)
  // Forward kernels before the first backward one (mislabelled stragglers later in the step are ignored).
  const bwStart = bw.length > 0 ? out.tasks[bw[0]!]!.order : Number.POSITIVE_INFINITY
  const fw = selectTasks(
    out,
    (i, t) => i.role === 'gpu' && i.phase === 'forward' && i.taskClass === 'computation' && t.order < bwStart,
  ).sort(byOrder)
  // Forward layers: runs of kernels with the same layer label, in order.
  const layers: number[][] = []
  let label: string | undefined
  for (const k of fw) {
    const l = out.tasks[k]!.info.layer ?? '?'
    if (layers.length === 0 || l !== label) layers.push([])
    layers[layers.length - 1]!.push(k)
    label = l
  }
  if (layers.length < 2 || bw.length < layers.length) {
    out.warnings.push({
      code: 'WHAT_IF_NO_OP',
      message: 'vdnn: needs two or more forward layers and their backward',
      count: 1,
    })
    return out
  }
  const fwTime = layers.map((ks) => ks.reduce((s, k) => s + out.tasks[k]!.durationS, 0))
  const fwTotal = fwTime.reduce((a, b) => a + b, 0)
  const bytes = fwTime.map((t) => (fwTotal > 0 ? (total * t) / fwTotal : total / layers.length))
  const offloadStream = addExecutor(out, 'vdnn offload stream (DtoH)', 'gpu')
  const prefetchStream = addExecutor(out, 'vdnn prefetch stream (HtoD)', 'gpu')
  const n = layers.length
  // Backward chunk j holds the gradients of forward layer n - 1 - j.
  const chunk = (layer: number): number[] => {
    const j = n - 1 - layer
    return bw.slice(Math.floor((j * bw.length) / n), Math.floor(((j + 1) * bw.length) / n))
  }
  for (let l = 0; l < n; l++) {
    const first = layers[l]![0]!
    const off = insertTask(out, {
      executor: offloadStream,
      durationS: bytes[l]! / bandwidth,
      order: out.tasks[first]!.order,
      name: `vdnn offload layer ${l}`,
      kind: 'memcpy',
      taskClass: 'memory',
      phase: 'forward',
      after: l === 0 ? [{ task: first, fromStart: true }] : [layers[l - 1]![layers[l - 1]!.length - 1]!],
    })
    if (l + 1 < n)
      out.dependencies.push({ from: off, to: layers[l + 1]![0]!, kind: 'sync', lagS: 0, fromStart: false })
    const mine = chunk(l)
    if (mine.length === 0) continue
    const after = l + 1 < n ? chunk(l + 1) : []
    const pre = insertTask(out, {
      executor: prefetchStream,
      durationS: bytes[l]! / bandwidth,
      order: out.tasks[mine[0]!]!.order - 0.5,
      name: `vdnn prefetch layer ${l}`,
      kind: 'memcpy',
      taskClass: 'memory',
      phase: 'backward',
      after:
        after.length > 0
          ? [{ task: after[0]!, fromStart: true }]
          : [layers[n - 1]![layers[n - 1]!.length - 1]!],
    })
    out.dependencies.push({ from: pre, to: mine[0]!, kind: 'sync', lagS: 0, fromStart: false })
  }
  return out
}
