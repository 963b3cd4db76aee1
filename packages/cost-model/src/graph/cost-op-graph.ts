import { builtinOpKinds, opBytes, opEngine, opFlop, opGemm, tensorBytes, tensorElements } from '@dnnperf/ir'
import type { OpGraph, OpKindRegistry, OpNode, Phase, TensorSpec } from '@dnnperf/ir'
import { lookupProfile } from '../calibration/profile-table.js'
import type { ProfileTable } from '../calibration/profile-table.js'
import { collectiveCost } from '../collectives/collective.js'
import type { CollectiveKind } from '../collectives/collective.js'
import { MissingHardwareFieldError } from '../errors.js'
import type { AcceleratorSpec, ClusterSpec, CpuSpec, HardwareSpec } from '../hardware/types.js'
import { attentionCost } from '../ops/attention.js'
import { enginePeak, requireNonNegative } from '../ops/common.js'
import { cpuOpCost } from '../ops/cpu.js'
import { embeddingCost } from '../ops/embedding.js'
import { gemmCost } from '../ops/gemm.js'
import type { CtaTile } from '../ops/gemm.js'
import { rooflineCost } from '../ops/roofline.js'
import type { Bound, CostOptions, Engine, OpCost } from '../ops/types.js'
import { vectorOpCost } from '../ops/vector.js'
import type { VectorCycles } from '../ops/vector.js'
import type { CostFunctionRegistry } from './cost-functions.js'
import type { CostTotals, GraphMemory, LayerCost, OpGraphCost, OpGraphOpCost } from './types.js'

/** Options of {@link costOpGraph}. */
export interface CostOpGraphOptions extends CostOptions {
  /** Op kinds (default: the IR's built-in kinds). */
  readonly registry?: OpKindRegistry
  /** User cost functions per kind; they replace the built-in model for their kind. */
  readonly costFunctions?: CostFunctionRegistry
  /** Measured times by op signature; an entry overrides every model. */
  readonly profile?: ProfileTable
  /** Needed when the graph has collective ops. */
  readonly cluster?: ClusterSpec
  /** CTA tiles for tensor-core GEMMs. */
  readonly tiles?: readonly CtaTile[]
  /** Extra or replacement PHAZE vector-cycle rows. */
  readonly vectorCycles?: Readonly<Record<string, VectorCycles>>
  /** Bound vector ops by off-chip traffic too (default true). */
  readonly vectorMemoryTraffic?: boolean
  /** Library workspace to add to the memory total, bytes (default 0). */
  readonly workspaceBytes?: number
  /** CPUs: cores each op uses (default all). */
  readonly threads?: number
}

/** IR kinds → rows of the PHAZE vector-cycle table. Gradient kinds (`x_grad`, `x_wgrad`) use x's row. */
const PHAZE_ROW: Readonly<Record<string, string>> = {
  relu: 'relu',
  leaky_relu: 'relu',
  gelu: 'gelu',
  silu: 'silu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  dropout: 'dropout',
  scale: 'mul',
  add: 'add',
  mul: 'mul',
  layernorm: 'layernorm',
  rmsnorm: 'rmsnorm',
  batchnorm2d: 'batchnorm',
  softmax: 'softmax',
  maxpool2d: 'pool',
  avgpool2d: 'pool',
  adaptive_avgpool2d: 'mean',
  cross_entropy: 'logsoftmax',
}

const COLLECTIVE: Readonly<Record<string, CollectiveKind>> = {
  all_reduce: 'all-reduce',
  all_gather: 'all-gather',
  reduce_scatter: 'reduce-scatter',
  all_to_all: 'all-to-all',
  send: 'point-to-point',
}

function isFloat(dtype: string): boolean {
  return dtype.startsWith('fp') || dtype === 'bf16' || dtype === 'tf32'
}

/** The dtype whose peak applies: the first floating-point output, else input, else fp32. */
function computeDtype(op: OpNode): string {
  for (const t of [...op.outputs, ...op.inputs]) if (isFloat(t.dtype)) return t.dtype
  return 'fp32'
}

function baseKind(kind: string): { base: string; grad: boolean } {
  for (const suffix of ['_wgrad', '_grad']) {
    if (kind.endsWith(suffix)) return { base: kind.slice(0, -suffix.length), grad: true }
  }
  return { base: kind, grad: false }
}

function pairAttr(op: OpNode, name: string): number {
  const v = op.attrs[name]
  if (typeof v === 'number') return v * v
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number')
    return v[0] * v[1]
  return 4
}

function zeroCost(engine: Engine, model: string): OpCost {
  return {
    latencyS: 0,
    flops: 0,
    bytes: 0,
    achievedFlopsPerS: 0,
    utilisation: 0,
    bound: 'none',
    engine,
    computeS: 0,
    memoryS: 0,
    launchS: 0,
    peakFlopPerS: 0,
    arithmeticIntensity: 0,
    ridgeFlopPerByte: 0,
    levels: [],
    model,
  }
}

/** The built-in model for one op. */
function modelOp(
  op: OpNode,
  hw: AcceleratorSpec,
  registry: OpKindRegistry,
  options: CostOpGraphOptions,
  flop: number,
  bytes: number,
): OpCost {
  const engine = opEngine(op, registry)
  const dtype = computeDtype(op)
  const gemmOpts = { ...options, ...(options.tiles ? { tiles: options.tiles } : {}) }
  const backward = op.phase === 'backward'
  switch (engine) {
    case 'none':
      return zeroCost('none', 'free')
    case 'collective': {
      if (op.kind === 'recv') return zeroCost('collective', 'charged-to-send')
      const kind = COLLECTIVE[op.kind]
      if (kind === undefined) return rooflineCost(hw, { flop, bytes, dtype, engine: 'memory' }, options)
      if (options.cluster === undefined) {
        throw new MissingHardwareFieldError({
          hardware: hw.name,
          field: 'cluster',
          detail: `op "${op.id}" (${op.kind}) needs a cluster description to cost its communication`,
        })
      }
      const big = (ts: readonly TensorSpec[]) => ts.reduce((m, t) => Math.max(m, tensorBytes(t)), 0)
      const s =
        op.kind === 'reduce_scatter' || op.kind === 'all_to_all'
          ? big(op.inputs)
          : Math.max(big(op.outputs), big(op.inputs))
      const group = op.attrs.groupSize
      const c = collectiveCost(options.cluster, {
        kind,
        bytes: s,
        ...(typeof group === 'number' ? { ranks: group } : {}),
        ...(op.attrs.crossNode === true ? { crossNode: true } : {}),
      })
      return {
        ...zeroCost('collective', c.algorithm),
        latencyS: c.latencyS,
        bytes: s,
        bound: c.latencyS > 0 ? 'communication' : 'none',
      }
    }
    case 'matrix': {
      if (op.kind === 'attention' || op.kind === 'attention_grad') {
        const q = op.inputs[op.kind === 'attention' ? 0 : 1]
        const k = op.inputs[op.kind === 'attention' ? 1 : 2]
        if (q !== undefined && k !== undefined && q.shape.length === 4 && k.shape.length === 4) {
          const [b, h, s, d] = q.shape as [number, number, number, number]
          return attentionCost(
            hw,
            {
              batch: b,
              heads: h,
              seq: s,
              kvSeq: k.shape[2]!,
              headDim: d,
              dtype,
              causal: op.attrs.causal === true,
              phase: op.kind === 'attention' ? 'forward' : 'backward',
            },
            gemmOpts,
          )
        }
      }
      const g = opGemm(op, registry)
      if (g !== undefined && g.m >= 1 && g.n >= 1 && g.k >= 1 && g.batch >= 1) {
        return gemmCost(hw, { ...g, dtype }, gemmOpts)
      }
      return rooflineCost(hw, { flop, bytes, dtype, engine: 'matrix' }, options)
    }
    case 'memory': {
      if (op.kind === 'embedding_wgrad') {
        const dy = op.inputs[0]
        const ids = op.inputs[1]
        const table = op.outputs[0]
        if (dy !== undefined && ids !== undefined && table !== undefined && table.shape.length === 2) {
          return embeddingCost(
            hw,
            {
              tokens: tensorElements(ids),
              hidden: table.shape[1]!,
              vocab: table.shape[0]!,
              dtype,
              phase: 'backward',
            },
            options,
          )
        }
      }
      return rooflineCost(hw, { flop, bytes, dtype, engine: 'memory' }, options)
    }
    case 'vector': {
      const { base, grad } = baseKind(op.kind)
      const row = PHAZE_ROW[base]
      const out = op.outputs[0]
      if (hw.vectorUnits === undefined || row === undefined || out === undefined) {
        return rooflineCost(hw, { flop, bytes, dtype, engine: 'vector' }, options)
      }
      // Binary ops cost the larger operand; reductions and losses read their (larger) input.
      const numel = Math.max(tensorElements(out), ...op.inputs.map((t) => tensorElements(t)))
      const lastIn = op.inputs[grad ? 1 : 0] ?? out
      const lastDim = lastIn.shape[lastIn.shape.length - 1] ?? 1
      return vectorOpCost(
        hw,
        {
          op: row,
          numel,
          dtype,
          phase: grad || backward ? 'backward' : 'forward',
          lastDim,
          kernelElems: pairAttr(op, 'kernel'),
          flop,
          bytes,
        },
        {
          ...options,
          ...(options.vectorCycles ? { cycles: options.vectorCycles } : {}),
          ...(options.vectorMemoryTraffic === false ? { memoryTraffic: false } : {}),
        },
      )
    }
  }
}

/** The CPU model for one op: a roofline on the socket (collectives need a cluster of accelerators). */
function cpuModelOp(
  op: OpNode,
  cpu: CpuSpec,
  registry: OpKindRegistry,
  options: CostOpGraphOptions,
  flop: number,
  bytes: number,
): OpCost {
  const engine = opEngine(op, registry)
  if (engine === 'none') return zeroCost('none', 'free')
  if (engine === 'collective') {
    throw new MissingHardwareFieldError({
      hardware: cpu.name,
      field: 'cluster',
      detail: `op "${op.id}" (${op.kind}) is a collective; CPU targets have no cluster model`,
    })
  }
  const c = cpuOpCost(
    cpu,
    {
      flop,
      bytes,
      dtype: computeDtype(op),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    },
    options,
  )
  return { ...c, engine }
}

function cpuPeak(cpu: CpuSpec, op: OpNode, threads: number | undefined): number {
  const per = cpu.perCorePeakFlopPerS[computeDtype(op)] ?? 0
  return per * Math.min(cpu.cores, threads ?? cpu.cores)
}

function totals(ops: readonly OpGraphOpCost[], peaks: readonly number[]): CostTotals {
  let latencyS = 0
  let flops = 0
  let bytes = 0
  let busy = 0
  let energyJ = 0
  let hasEnergy = false
  const timeByBoundS: Record<string, number> = {}
  ops.forEach((o, i) => {
    latencyS += o.latencyS
    flops += o.flops
    bytes += o.bytes
    const peak = peaks[i]!
    if (peak > 0) busy += o.flops / peak
    timeByBoundS[o.bound] = (timeByBoundS[o.bound] ?? 0) + o.latencyS
    if (o.energyJ !== undefined) {
      energyJ += o.energyJ
      hasEnergy = true
    }
  })
  return {
    latencyS,
    flops,
    bytes,
    achievedFlopsPerS: latencyS > 0 ? flops / latencyS : 0,
    utilisation: latencyS > 0 ? busy / latencyS : 0,
    timeByBoundS,
    ...(hasEnergy ? { energyJ } : {}),
  }
}

function graphMemory(graph: OpGraph, capacityBytes: number, workspaceBytes: number): GraphMemory {
  const params = new Map<string, number>()
  let optimizerBytes = 0
  let hasBackward = false
  const needsSaved = new Set<string>()
  for (const op of graph.nodes) {
    for (const p of op.params) params.set(p.name, tensorBytes(p))
    if (op.phase === 'backward') {
      hasBackward = true
      if (op.gradOf !== undefined) needsSaved.add(op.gradOf)
    }
    if (op.phase === 'optimizer') for (const t of op.inputs.slice(2)) optimizerBytes += tensorBytes(t)
  }
  const producer = new Map<string, string>()
  for (const e of graph.edges) producer.set(`${e.to}#${e.toInput}`, `${e.from}#${e.fromOutput}`)
  const saved = new Map<string, number>()
  for (const op of graph.nodes) {
    if (op.phase !== 'forward' || !needsSaved.has(op.id)) continue
    op.inputs.forEach((t, i) => {
      const key = producer.get(`${op.id}#${i}`) ?? `${op.id}#in${i}`
      saved.set(key, tensorBytes(t))
    })
  }
  const weightsBytes = [...params.values()].reduce((a, b) => a + b, 0)
  const gradientsBytes = hasBackward ? weightsBytes : 0
  const activationBytes = [...saved.values()].reduce((a, b) => a + b, 0)
  const totalBytes = weightsBytes + gradientsBytes + optimizerBytes + activationBytes + workspaceBytes
  return {
    weightsBytes,
    gradientsBytes,
    optimizerBytes,
    activationBytes,
    workspaceBytes,
    totalBytes,
    capacityBytes,
    fits: totalBytes <= capacityBytes,
  }
}

/**
 * Costs every op of an operator graph on one device, one op after another, and aggregates per layer, per
 * phase (forward, backward, optimizer) and for the whole graph, with the reason for each number. The device is
 * an accelerator, a cluster (its device, with the cluster used for collectives) or a CPU (every op a socket
 * roofline, {@link cpuOpCost}).
 *
 * Per op, the first that applies: a profile-table entry (bound `profile`); a user cost function for the kind
 * (bound `custom` unless it says otherwise); the built-in model by engine class: matrix ops with a GEMM shape
 * → {@link gemmCost} (fused attention → {@link attentionCost}), vector ops → PHAZE cycle rules on chips with
 * vector units, else roofline; memory ops → roofline (embedding backward with its dense zero-fill);
 * collectives → {@link collectiveCost} on `options.cluster` (`recv` is charged to its `send`); `none` → 0.
 * Memory: unique parameters, one gradient each when there is a backward pass, optimizer state read by update
 * ops, and forward inputs of ops that have gradient ops (saved activations, an upper-bound heuristic).
 * Heuristic (analytic model). O(V + E) plus the per-op models.
 * @throws UnknownOpKindError for a kind the registry lacks; MissingHardwareFieldError (`cluster`) for a
 *   collective without a cluster; UnsupportedDtypeError for a dtype the hardware has no peak for.
 */
export function costOpGraph(
  graph: OpGraph,
  hardware: HardwareSpec,
  options: CostOpGraphOptions = {},
): OpGraphCost {
  if (hardware.kind === 'cluster') {
    return costOpGraph(graph, hardware.device, { ...options, cluster: options.cluster ?? hardware })
  }
  const hw = hardware
  const registry = options.registry ?? builtinOpKinds
  const bandwidth = hw.kind === 'cpu' ? hw.memoryBandwidthBytesPerS : hw.offChip.bandwidthBytesPerS
  const ops: OpGraphOpCost[] = []
  const peaks: number[] = []
  for (const op of graph.nodes) {
    const flop = opFlop(op, registry)
    const bytes = opBytes(op, registry)
    const engine = opEngine(op, registry) as Engine
    const measured = options.profile ? lookupProfile(options.profile, op) : undefined
    const custom = options.costFunctions?.get(op.kind)
    let cost: OpCost
    let source: OpGraphOpCost['source'] = 'model'
    if (measured !== undefined || custom !== undefined) {
      let latencyS: number
      let bound: Bound
      let f = flop
      let b = bytes
      let energyJ: number | undefined
      if (measured !== undefined) {
        latencyS = measured
        bound = 'profile'
        source = 'profile'
      } else {
        const r = custom!(op, { hw, cluster: options.cluster, registry, flop, bytes, options })
        latencyS = requireNonNegative(`cost function "${op.kind}" for op "${op.id}"`, 'latencyS', r.latencyS)
        bound = r.bound ?? 'custom'
        f = r.flops ?? flop
        b = r.bytes ?? bytes
        energyJ = r.energyJ
        source = 'custom'
      }
      let peak = 0
      if (hw.kind === 'cpu')
        peak = engine === 'none' || engine === 'collective' ? 0 : cpuPeak(hw, op, options.threads)
      else if (engine === 'matrix' || engine === 'vector') {
        const table = engine === 'vector' ? (hw.vectorPeakFlopPerS ?? hw.peakFlopPerS) : hw.peakFlopPerS
        // A custom or profiled op may use a dtype the model has no peak for: it then reports no utilisation.
        peak = table[computeDtype(op)] === undefined ? 0 : enginePeak(hw, computeDtype(op), engine)
      }
      cost = {
        ...zeroCost(engine, source),
        latencyS,
        bound,
        flops: f,
        bytes: b,
        peakFlopPerS: peak,
        achievedFlopsPerS: latencyS > 0 ? f / latencyS : 0,
        utilisation: latencyS > 0 && peak > 0 ? f / latencyS / peak : 0,
        arithmeticIntensity: b > 0 ? f / b : 0,
        ridgeFlopPerByte: peak / bandwidth,
        ...(energyJ !== undefined ? { energyJ } : {}),
      }
    } else {
      cost =
        hw.kind === 'cpu'
          ? cpuModelOp(op, hw, registry, options, flop, bytes)
          : modelOp(op, hw, registry, options, flop, bytes)
    }
    peaks.push(cost.peakFlopPerS)
    ops.push({
      id: op.id,
      kind: op.kind,
      phase: op.phase,
      ...(op.layer !== undefined ? { layer: op.layer } : {}),
      engine: cost.engine,
      latencyS: cost.latencyS,
      flops: cost.flops,
      bytes: cost.bytes,
      bound: cost.bound,
      ...(cost.limitingLevel !== undefined ? { limitingLevel: cost.limitingLevel } : {}),
      utilisation: cost.utilisation,
      achievedFlopsPerS: cost.achievedFlopsPerS,
      arithmeticIntensity: cost.arithmeticIntensity,
      rooflineRegion: cost.arithmeticIntensity >= cost.ridgeFlopPerByte ? 'compute' : 'memory',
      source,
      model: source === 'model' ? cost.model : source,
      ...(cost.energyJ !== undefined ? { energyJ: cost.energyJ } : {}),
    })
  }
  const byLayer = new Map<string, number[]>()
  ops.forEach((o, i) => {
    const key = o.layer ?? '(unlabelled)'
    const list = byLayer.get(key) ?? []
    list.push(i)
    byLayer.set(key, list)
  })
  const pick = (idx: readonly number[]) => ({ o: idx.map((i) => ops[i]!), p: idx.map((i) => peaks[i]!) })
  const phaseS = (idx: readonly number[], phase: Phase) =>
    idx.reduce((s, i) => s + (ops[i]!.phase === phase ? ops[i]!.latencyS : 0), 0)
  const layers: LayerCost[] = [...byLayer].map(([layer, idx]) => {
    const { o, p } = pick(idx)
    return {
      layer,
      ...totals(o, p),
      forwardS: phaseS(idx, 'forward'),
      backwardS: phaseS(idx, 'backward'),
      optimizerS: phaseS(idx, 'optimizer'),
      ops: idx.length,
    }
  })
  const phaseTotals = (phase: Phase) => {
    const idx = ops.flatMap((o, i) => (o.phase === phase ? [i] : []))
    const { o, p } = pick(idx)
    return totals(o, p)
  }
  return {
    graph: graph.name,
    hardware: hw.name,
    ops,
    layers,
    phases: {
      forward: phaseTotals('forward'),
      backward: phaseTotals('backward'),
      optimizer: phaseTotals('optimizer'),
    },
    total: totals(ops, peaks),
    memory: graphMemory(
      graph,
      hw.kind === 'cpu' ? hw.memoryCapacityBytes : hw.offChip.capacityBytes,
      requireNonNegative('options', 'workspaceBytes', options.workspaceBytes ?? 0),
    ),
  }
}
