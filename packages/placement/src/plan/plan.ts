import { InvalidPlanError } from './errors.js'
import { resolveTransformerShape } from './shape.js'
import type {
  ParallelPlan,
  PipelineScheduleKind,
  PlanInput,
  RecomputeMode,
  TransformerShape,
  ZeroStage,
} from './types.js'

const SCHEDULES: readonly PipelineScheduleKind[] = ['gpipe', '1f1b', 'interleaved', '2bw']
const RECOMPUTE: readonly RecomputeMode[] = ['none', 'selective', 'full']

function positiveInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidPlanError({ field, value: v, reason: 'must be a positive integer' })
  }
  return v
}

/**
 * Parses the CLI spelling of a schedule: `gpipe`, `1f1b`, `2bw`, `interleaved` (v = 2) or `interleaved:V`.
 * Exact. O(1).
 * @throws InvalidPlanError (field `schedule`) for any other text or a V that is not an integer ≥ 2.
 */
export function parseSchedule(text: string): { schedule: PipelineScheduleKind; chunksPerDevice: number } {
  const [kind, arg, ...rest] = String(text).trim().toLowerCase().split(':')
  if (rest.length > 0 || !SCHEDULES.includes(kind as PipelineScheduleKind)) {
    throw new InvalidPlanError({
      field: 'schedule',
      value: text,
      reason: `expected ${SCHEDULES.join(' | ')} or interleaved:V`,
    })
  }
  const schedule = kind as PipelineScheduleKind
  if (arg === undefined) return { schedule, chunksPerDevice: schedule === 'interleaved' ? 2 : 1 }
  if (schedule !== 'interleaved') {
    throw new InvalidPlanError({
      field: 'schedule',
      value: text,
      reason: 'only interleaved takes a chunk count',
    })
  }
  const v = Number(arg)
  if (!Number.isInteger(v) || v < 2) {
    throw new InvalidPlanError({
      field: 'chunksPerDevice',
      value: arg,
      reason: 'interleaving needs an integer V ≥ 2',
    })
  }
  return { schedule, chunksPerDevice: v }
}

/** The CLI spelling of a plan's schedule (`interleaved:3`, `1f1b`, …). Inverse of {@link parseSchedule}. */
export function formatSchedule(plan: Pick<ParallelPlan, 'schedule' | 'chunksPerDevice'>): string {
  return plan.schedule === 'interleaved' ? `interleaved:${plan.chunksPerDevice}` : plan.schedule
}

/**
 * `p` stage sizes summing to `layers`, as even as possible. Extra layers go to the inner stages first, because
 * the first stage also holds the embedding and the last one the logits. Exact. O(p).
 */
export function balancedStageLayers(layers: number, stages: number): number[] {
  const base = Math.floor(layers / stages)
  const extra = layers % stages
  const out = new Array<number>(stages).fill(base)
  // Order in which stages receive an extra layer: 1, 2, …, p−2, then 0, then p−1.
  const order =
    stages <= 2
      ? [...Array(stages).keys()]
      : [...Array(stages - 2).keys()].map((i) => i + 1).concat([0, stages - 1])
  for (let k = 0; k < extra; k++) {
    const i = order[k]!
    out[i] = out[i]! + 1
  }
  return out
}

/**
 * Validates a plan against a model and fills in every default: d from `gpus`, m from `globalBatch`, balanced
 * stages, v = 2 for a bare `interleaved`. Rules checked (Narayanan et al. SC21; Korthikanti et al. 2022):
 * n = t·p·d; t divides the attention heads and key/value heads and the MLP width; p ≤ L; without explicit
 * `stageLayers`, p divides L; stages sum to L with at least one layer each; B = d·b·m; interleaving needs v ≥ 2, L divisible by p·v and m divisible by p; 2BW needs
 * m ≥ p; sequence parallelism needs t dividing s; ZeRO stage in 0–3; expert parallelism 1 (MoE not modelled).
 * Exact. O(p).
 * @throws InvalidPlanError naming the offending field.
 */
export function resolvePlan(shape: TransformerShape, input: PlanInput): ParallelPlan {
  const x = resolveTransformerShape(shape)
  if (typeof input !== 'object' || input === null) {
    throw new InvalidPlanError({ field: '(root)', value: input, reason: 'a plan must be an object' })
  }
  const t = positiveInt('tensorParallel', input.tensorParallel ?? 1)
  const p = positiveInt('pipelineParallel', input.pipelineParallel ?? 1)
  let d: number
  let gpus: number
  if (input.dataParallel !== undefined) {
    d = positiveInt('dataParallel', input.dataParallel)
    gpus = t * p * d
    if (input.gpus !== undefined && positiveInt('gpus', input.gpus) !== gpus) {
      throw new InvalidPlanError({
        field: 'gpus',
        value: input.gpus,
        reason: `must equal t·p·d = ${t}·${p}·${d} = ${gpus}`,
      })
    }
  } else {
    if (input.gpus === undefined) {
      throw new InvalidPlanError({ field: 'gpus', value: undefined, reason: 'give gpus or dataParallel' })
    }
    gpus = positiveInt('gpus', input.gpus)
    if (gpus % (t * p) !== 0) {
      const field = gpus % t !== 0 ? 'tensorParallel' : 'pipelineParallel'
      throw new InvalidPlanError({
        field,
        value: field === 'tensorParallel' ? t : p,
        reason: `t·p = ${t * p} does not divide the ${gpus} GPUs`,
      })
    }
    d = gpus / (t * p)
  }
  if (x.heads % t !== 0) {
    throw new InvalidPlanError({
      field: 'tensorParallel',
      value: t,
      reason: `must divide the ${x.heads} attention heads`,
    })
  }
  if (x.kvHeads % t !== 0 && t % x.kvHeads !== 0) {
    throw new InvalidPlanError({
      field: 'tensorParallel',
      value: t,
      reason: `must divide (or be a multiple of) the ${x.kvHeads} key/value heads`,
    })
  }
  if (x.ffnHidden % t !== 0) {
    throw new InvalidPlanError({
      field: 'tensorParallel',
      value: t,
      reason: `must divide the MLP width ${x.ffnHidden}`,
    })
  }
  if (p > x.layers) {
    throw new InvalidPlanError({
      field: 'pipelineParallel',
      value: p,
      reason: `more stages than the ${x.layers} layers`,
    })
  }
  const sequenceParallel = input.sequenceParallel ?? false
  if (typeof sequenceParallel !== 'boolean') {
    throw new InvalidPlanError({
      field: 'sequenceParallel',
      value: sequenceParallel,
      reason: 'must be true or false',
    })
  }
  if (sequenceParallel && x.seq % t !== 0) {
    throw new InvalidPlanError({
      field: 'sequenceParallel',
      value: true,
      reason: `t = ${t} must divide the sequence length ${x.seq}`,
    })
  }
  const ep = positiveInt('expertParallel', input.expertParallel ?? 1)
  if (ep !== 1) {
    throw new InvalidPlanError({
      field: 'expertParallel',
      value: ep,
      reason: 'mixture-of-experts layers are not modelled yet; use 1',
    })
  }
  const zeroStage = input.zeroStage ?? 0
  if (![0, 1, 2, 3].includes(zeroStage)) {
    throw new InvalidPlanError({ field: 'zeroStage', value: zeroStage, reason: 'must be 0, 1, 2 or 3' })
  }
  const recompute = input.recompute ?? 'none'
  if (!RECOMPUTE.includes(recompute)) {
    throw new InvalidPlanError({
      field: 'recompute',
      value: recompute,
      reason: `expected ${RECOMPUTE.join(' | ')}`,
    })
  }
  const schedule = input.schedule ?? '1f1b'
  if (!SCHEDULES.includes(schedule)) {
    throw new InvalidPlanError({
      field: 'schedule',
      value: schedule,
      reason: `expected ${SCHEDULES.join(' | ')}`,
    })
  }
  const v = positiveInt('chunksPerDevice', input.chunksPerDevice ?? (schedule === 'interleaved' ? 2 : 1))
  if (schedule === 'interleaved' && v < 2) {
    throw new InvalidPlanError({
      field: 'chunksPerDevice',
      value: v,
      reason: 'interleaving needs at least 2 chunks per device',
    })
  }
  if (schedule !== 'interleaved' && v !== 1) {
    throw new InvalidPlanError({
      field: 'chunksPerDevice',
      value: v,
      reason: `schedule ${schedule} runs one chunk per device`,
    })
  }
  if (schedule === 'interleaved' && p < 2) {
    throw new InvalidPlanError({
      field: 'schedule',
      value: schedule,
      reason: 'interleaving needs at least 2 pipeline stages',
    })
  }
  const b = positiveInt('microbatchSize', input.microbatchSize ?? 1)
  let m: number
  if (input.microbatches !== undefined) {
    m = positiveInt('microbatches', input.microbatches)
    if (input.globalBatch !== undefined && positiveInt('globalBatch', input.globalBatch) !== d * b * m) {
      throw new InvalidPlanError({
        field: 'globalBatch',
        value: input.globalBatch,
        reason: `must equal d·b·m = ${d}·${b}·${m} = ${d * b * m}`,
      })
    }
  } else {
    if (input.globalBatch === undefined) {
      throw new InvalidPlanError({
        field: 'globalBatch',
        value: undefined,
        reason: 'give globalBatch or microbatches',
      })
    }
    const B = positiveInt('globalBatch', input.globalBatch)
    if (B % (d * b) !== 0) {
      throw new InvalidPlanError({
        field: 'globalBatch',
        value: B,
        reason: `must be a multiple of d·b = ${d}·${b} = ${d * b}`,
      })
    }
    m = B / (d * b)
  }
  let stageLayers: number[]
  const balancedStages = input.stageLayers === undefined
  if (input.stageLayers === undefined) {
    if (x.layers % p !== 0) {
      throw new InvalidPlanError({
        field: 'pipelineParallel',
        value: p,
        reason: `must divide the ${x.layers} layers (or give stageLayers, e.g. balancedStageLayers(L, p))`,
      })
    }
    stageLayers = balancedStageLayers(x.layers, p)
  } else {
    if (!Array.isArray(input.stageLayers) || input.stageLayers.length !== p) {
      throw new InvalidPlanError({
        field: 'stageLayers',
        value: input.stageLayers,
        reason: `must list ${p} stage sizes`,
      })
    }
    stageLayers = input.stageLayers.map((l, i) => positiveInt(`stageLayers[${i}]`, l))
    const sum = stageLayers.reduce((a, c) => a + c, 0)
    if (sum !== x.layers) {
      throw new InvalidPlanError({
        field: 'stageLayers',
        value: input.stageLayers,
        reason: `sum ${sum} differs from the ${x.layers} layers`,
      })
    }
  }
  if (schedule === 'interleaved') {
    if (x.layers % (p * v) !== 0 || stageLayers.some((l) => l !== x.layers / p)) {
      throw new InvalidPlanError({
        field: 'chunksPerDevice',
        value: v,
        reason: `interleaving needs L = ${x.layers} divisible by p·v = ${p * v} with equal stages`,
      })
    }
    if (m % p !== 0) {
      throw new InvalidPlanError({
        field: 'microbatches',
        value: m,
        reason: `interleaving needs m divisible by p = ${p}`,
      })
    }
  }
  if (schedule === '2bw' && m < p) {
    throw new InvalidPlanError({
      field: 'microbatches',
      value: m,
      reason: `PipeDream-2BW needs m ≥ p = ${p}`,
    })
  }
  return {
    gpus,
    tensorParallel: t,
    pipelineParallel: p,
    dataParallel: d,
    sequenceParallel,
    expertParallel: ep,
    zeroStage: zeroStage as ZeroStage,
    microbatchSize: b,
    microbatches: m,
    globalBatch: d * b * m,
    schedule,
    chunksPerDevice: v,
    recompute,
    stageLayers,
    balancedStages,
  }
}

/**
 * A plan read from JSON text or a parsed object: unknown keys are rejected, `schedule` may use the CLI spelling
 * (`interleaved:4`), then {@link resolvePlan} validates it against the model. Exact. O(p).
 * @throws InvalidPlanError for malformed JSON (field `(json)`), an unknown key or any rule of `resolvePlan`.
 */
export function planFromJson(shape: TransformerShape, json: string | unknown): ParallelPlan {
  let raw: unknown = json
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json)
    } catch (e) {
      throw new InvalidPlanError({
        field: '(json)',
        value: json.slice(0, 80),
        reason: `not JSON: ${(e as Error).message}`,
      })
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidPlanError({ field: '(root)', value: raw, reason: 'a plan must be a JSON object' })
  }
  const allowed = new Set([
    'gpus',
    'tensorParallel',
    'pipelineParallel',
    'dataParallel',
    'sequenceParallel',
    'expertParallel',
    'zeroStage',
    'microbatchSize',
    'microbatches',
    'globalBatch',
    'schedule',
    'chunksPerDevice',
    'recompute',
    'stageLayers',
    'balancedStages',
  ])
  const obj = raw as Record<string, unknown>
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key))
      throw new InvalidPlanError({ field: key, value: obj[key], reason: 'unknown plan field' })
  }
  let input = { ...obj } as Record<string, unknown>
  delete input.balancedStages
  if (obj.balancedStages === true) delete input.stageLayers
  if (typeof obj.schedule === 'string' && obj.schedule.includes(':')) {
    const s = parseSchedule(obj.schedule)
    if (obj.chunksPerDevice !== undefined && obj.chunksPerDevice !== s.chunksPerDevice) {
      throw new InvalidPlanError({
        field: 'chunksPerDevice',
        value: obj.chunksPerDevice,
        reason: `disagrees with schedule ${obj.schedule}`,
      })
    }
    input = { ...input, ...s }
  }
  return resolvePlan(shape, input as PlanInput)
}
