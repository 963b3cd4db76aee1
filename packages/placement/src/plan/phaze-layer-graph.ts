import { REGIME_BYTES_PER_PARAM, transformerLayerActivationBytes } from '@dnnperf/cost-model'
import { dtypeBytes, InvalidValueError, isDType, validatePlacementProblem } from '@dnnperf/ir'
import type {
  PlacementEdge,
  PlacementNode,
  PlacementProblem,
  PlacementTraining,
  TensorParallelConfig,
} from '@dnnperf/ir'
import {
  CONFIG_ID,
  defaultBoundaryBandwidth,
  type ModeCosts,
  positiveIntegerOption,
  stateBytes,
  transformerCostTable,
} from './internal/layer-costs.js'
import { resolveTransformerShape } from './shape.js'
import type {
  PhazeLayerGraphOptions,
  PlanCluster,
  PlanClusterInput,
  RecomputeMode,
  TransformerShape,
} from './types.js'

const AT = 'costPhazeLayerGraph'
/** A traced layer's parameters must be within this fraction of the model's count. */
const PARAMETER_TOLERANCE = 0.01

type PartKind = 'embedding' | 'layer' | 'head'

/** What a costed node is made of: sizes at width 1 in bytes, from the DOT. */
interface Part {
  readonly kind: PartKind
  readonly parameterBytes: number
  readonly activationBytes: number
}

interface CostedNode {
  readonly id: string
  readonly name: string
  readonly parts: readonly Part[]
}

function traced(v: PlacementNode): { parameterBytes: number; activationBytes: number } {
  const widths = Object.keys(v.tensorParallel ?? {})
  if (widths.length !== 1 || widths[0] !== '1') {
    throw new InvalidValueError({
      at: `${AT} node ${v.id}`,
      field: 'tensorParallel',
      value: widths.join(', '),
      expected:
        'sizes at width "1" only (a layer graph traced without tensor parallelism, importPhazeLayerGraphDot)',
    })
  }
  const c = v.tensorParallel!['1']![0]
  const read = (field: 'parameterBytes' | 'activationBytes'): number => {
    const x = c?.[field]
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      throw new InvalidValueError({
        at: `${AT} node ${v.id}`,
        field: `tensorParallel.1.${field}`,
        value: x,
        expected: 'a finite number ≥ 0 (the DOT node attribute)',
      })
    }
    return x
  }
  return { parameterBytes: read('parameterBytes'), activationBytes: read('activationBytes') }
}

/**
 * A PHAZE layer graph (`importPhazeLayerGraphDot`: sizes, no times) costed with dnnperf's per-layer model, as a
 * placement problem for `planDownsetDp` that also exports with `exportPhaze`. The microbatch of b sequences is the
 * unit: times, edge bytes and the DP's objective are per microbatch, N = globalBatch/b.
 *
 * Reading the graph (PHAZE's layer labelling, phaze reference §4.1): node −1 is everything before the first decoder
 * layer (embedding), nodes 0…m−1 are decoder layers, and the final norm, output layer and loss sit in the last
 * traced layer. A graph with one traced layer (the Llama-2 files) is replicated to the model's L layers, each
 * copy taking layer 0's sizes and input-edge bytes, as PHAZE's solver does; a graph with L layers is used as is.
 * With `headPlacement: 'own-node'` (default) the head is split off the last traced layer into node "L" (fixing
 * PHAZE v1.0's copy of the head into every layer, §10 item 20); `phaze-v1` keeps it.
 *
 * Costing, per usable width t and recomputation mode, by the evaluator's per-layer model (`evaluatePlan` at
 * t, b; the same numbers as `layerGraphProblem`): forward and backward time of the embedding, a layer and the
 * head, with their tensor-parallel collectives. Memory from the DOT: parameter bytes /t; activation bytes scaled
 * by Korthikanti's ratio for the width and mode (layer: Table 2; embedding b·s·h/t; head 4·b·s·h/t·(1 + V/h))
 * over the same formula at t = 1 without recomputation. `memoryModel: 'dnnperf'` (default) adds model states of
 * the node's parameters under the evaluator's regime; `'phaze'` writes PHAZE records only and leaves memory to
 * PHAZE's rule in `planDownsetDp`. Each configuration also carries PHAZE's fields (`forwardS`, `backwardS`,
 * `parameterBytes`, `activationBytes`, `tensorParallelized`), so `exportPhaze` writes a PHAZE solver input; with
 * `dnnperf` memory that input keeps times and sizes but not the model-state bytes (PHAZE's format has only
 * SGD/Adam), so a DP on the re-imported file can differ where memory binds.
 *
 * Exact: the graph's structure, its parameter and activation sizes at t = 1 without recomputation, and the
 * replication rule. Heuristic: all times (closed-form per-layer model), the split of the last traced layer
 * between layer and head (parameters: the model's head count, rest to the layer; activations: in the ratio of the
 * Korthikanti estimates), the scaling of sizes to other widths (parameters /t, though norms are replicated) and
 * recomputation modes, and the recomputed layer's transient activations (not modelled). O(L · widths · modes).
 *
 * @throws InvalidValueError naming the field when the graph is not a PHAZE transformer layer graph (ids not −1
 *   and 0…m−1 with m ∈ {1, L}, sizes missing or at a width other than 1, no −1 → 0 edge), when a traced layer's
 *   parameters differ from the model's by more than 1 % (another model or dtype), when `microbatchSize` disagrees
 *   with the −1 → 0 edge or b does not divide the batch, or for bad options; errors of `evaluatePlan` for a bad
 *   model or cluster; the IR's validation errors for a malformed problem.
 * @example
 * const p = costPhazeLayerGraph(importPhazeLayerGraphDot(dot), llama2_7b, 'dgx-a100', { gpus: 8, globalBatch: 64 })
 * planDownsetDp(p).stages.length // pipeline stages of the best plan
 */
export function costPhazeLayerGraph(
  problem: PlacementProblem,
  model: TransformerShape,
  clusterIn: string | PlanClusterInput | PlanCluster,
  options: PhazeLayerGraphOptions,
): PlacementProblem {
  const at = `${AT} options`
  const K = positiveIntegerOption(at, 'gpus', options.gpus)
  const batch = positiveIntegerOption(at, 'globalBatch', options.globalBatch)
  const memoryModel = options.memoryModel ?? 'dnnperf'
  const headPlacement = options.headPlacement ?? 'own-node'
  if (memoryModel !== 'dnnperf' && memoryModel !== 'phaze') {
    throw new InvalidValueError({ at, field: 'memoryModel', value: memoryModel, expected: 'dnnperf | phaze' })
  }
  if (headPlacement !== 'own-node' && headPlacement !== 'phaze-v1') {
    throw new InvalidValueError({
      at,
      field: 'headPlacement',
      value: headPlacement,
      expected: 'own-node | phaze-v1',
    })
  }
  const modes: readonly RecomputeMode[] = options.recompute ?? ['none', 'full']
  if (memoryModel === 'phaze' && modes.some((m) => m !== 'none' && m !== 'full')) {
    throw new InvalidValueError({
      at,
      field: 'recompute',
      value: modes.join(', '),
      expected: "'none' and/or 'full' with memoryModel 'phaze' (PHAZE recomputes whole layers)",
    })
  }
  const shape = resolveTransformerShape(model)
  validatePlacementProblem(problem)

  // ---- the graph: node -1 and layers 0…m−1 ----
  const byId = new Map(problem.nodes.map((v) => [v.id, v]))
  for (const v of problem.nodes) {
    if (!/^-?\d+$/.test(v.id) || Number(v.id) < -1) {
      throw new InvalidValueError({
        at: `${AT} node ${v.id}`,
        field: 'id',
        value: v.id,
        expected: 'a PHAZE layer id: -1 (before the first layer) or a layer index 0, 1, …',
      })
    }
  }
  const embeddingNode = byId.get('-1')
  const m = problem.nodes.length - (embeddingNode === undefined ? 0 : 1)
  if (
    embeddingNode === undefined ||
    m < 1 ||
    !Array.from({ length: m }, (_, i) => byId.has(String(i))).every(Boolean)
  ) {
    throw new InvalidValueError({
      at: AT,
      field: 'nodes',
      value: problem.nodes.map((v) => v.id).join(', '),
      expected: 'node -1 and layers 0…m−1',
    })
  }
  const L = shape.layers
  if (m !== 1 && m !== L) {
    throw new InvalidValueError({
      at: AT,
      field: 'layers',
      value: m,
      expected: `1 (one traced layer, replicated) or the model's ${L} layers`,
    })
  }
  const inputEdge = problem.edges.find((e) => e.from === '-1' && e.to === '0')
  const inputBytes = inputEdge?.bytes ?? inputEdge?.bytesByTensorWidth?.['1']
  if (inputBytes === undefined || !(inputBytes > 0)) {
    throw new InvalidValueError({
      at: AT,
      field: 'edges',
      value: inputBytes,
      expected: 'an edge -1 -> 0 carrying the first layer input (b·s·h elements)',
    })
  }

  // ---- microbatch size from the layer input, b·s·h elements at the compute dtype ----
  const dtype = options.evaluate?.dtype ?? 'bf16'
  const e = isDType(dtype) ? dtypeBytes(dtype) : 2
  const sampleBytes = shape.seq * shape.hidden * e
  const inferred = inputBytes / sampleBytes
  const b = options.microbatchSize ?? inferred
  if (!Number.isInteger(b) || b <= 0 || Math.abs(b * sampleBytes - inputBytes) > 1e-9 * inputBytes) {
    throw new InvalidValueError({
      at,
      field: 'microbatchSize',
      value: options.microbatchSize,
      expected: `the microbatch of the graph: its -1 -> 0 edge carries ${inputBytes} B = ${inferred} × s·h·${e} B (s = ${shape.seq}, h = ${shape.hidden})`,
    })
  }
  if (batch % b !== 0) {
    throw new InvalidValueError({
      at,
      field: 'microbatchSize',
      value: b,
      expected: `a divisor of the global batch ${batch}`,
    })
  }
  const table = transformerCostTable(model, clusterIn, {
    at,
    gpus: K,
    microbatchSize: b,
    tensorWidths: options.tensorWidths,
    recompute: memoryModel === 'phaze' ? ['none'] : modes,
    evaluate: options.evaluate,
  })

  // ---- split the last traced layer into layer and head; check the parameters against the model ----
  const layerBytes = table.layerParameters * e
  const headBytes = table.outputParameters * e
  const last = String(m - 1)
  const sizes = new Map(problem.nodes.map((v) => [v.id, traced(v)]))
  for (let i = 0; i < m; i++) {
    const id = String(i)
    const expected = id === last ? layerBytes + headBytes : layerBytes
    const found = sizes.get(id)!.parameterBytes
    if (Math.abs(found / expected - 1) > PARAMETER_TOLERANCE) {
      throw new InvalidValueError({
        at: `${AT} node ${id}`,
        field: 'parameterBytes',
        value: found,
        expected: `≈ ${expected} B (±${PARAMETER_TOLERANCE * 100} %): one ${shape.name} decoder layer${id === last ? ' with the final norm and output layer' : ''} at ${e} B per parameter; is the graph of this model and dtype?`,
      })
    }
  }
  const actRef = {
    embedding: b * shape.seq * shape.hidden * e,
    layer: transformerLayerActivationBytes({
      seq: shape.seq,
      microBatch: b,
      hidden: shape.hidden,
      heads: shape.heads,
      tensorParallel: 1,
      sequenceParallel: false,
      recompute: 'none',
      flashAttention: options.evaluate?.flashAttention ?? false,
    }),
    head: 4 * b * shape.seq * shape.hidden * (1 + shape.vocab / shape.hidden),
  }
  const x = sizes.get(last)!
  const headPart: Part = {
    kind: 'head',
    parameterBytes: Math.min(headBytes, x.parameterBytes),
    activationBytes: (x.activationBytes * actRef.head) / (actRef.layer + actRef.head),
  }
  const lastLayerPart: Part = {
    kind: 'layer',
    parameterBytes: x.parameterBytes - headPart.parameterBytes,
    activationBytes: x.activationBytes - headPart.activationBytes,
  }
  const layerPart = (i: number): readonly Part[] => {
    const source = m === 1 ? 0 : i
    if (source === m - 1) return headPlacement === 'own-node' ? [lastLayerPart] : [lastLayerPart, headPart]
    const s = sizes.get(String(source))!
    return [{ kind: 'layer', ...s }]
  }
  const nodes: CostedNode[] = [
    { id: '-1', name: 'embedding', parts: [{ kind: 'embedding', ...sizes.get('-1')! }] },
    ...Array.from({ length: L }, (_, i) => ({
      id: String(i),
      name: 'ParallelTransformerLayer',
      parts: layerPart(i),
    })),
    ...(headPlacement === 'own-node' ? [{ id: String(L), name: 'output', parts: [headPart] }] : []),
  ]

  // ---- edges: the DOT's, or the replicated chain; the head hangs off the last layer ----
  const edgeList: { from: string; to: string; bytes: number }[] =
    m === 1
      ? Array.from({ length: L }, (_, i) => ({ from: String(i - 1), to: String(i), bytes: inputBytes }))
      : problem.edges.map((ed) => ({
          from: ed.from,
          to: ed.to,
          bytes: ed.bytes ?? ed.bytesByTensorWidth?.['1'] ?? 0,
        }))
  if (headPlacement === 'own-node') edgeList.push({ from: String(L - 1), to: String(L), bytes: inputBytes })
  const preds = new Map<string, string[]>()
  const succs = new Map<string, string[]>()
  for (const ed of edgeList) {
    preds.set(ed.to, [...(preds.get(ed.to) ?? []), ed.from])
    succs.set(ed.from, [...(succs.get(ed.from) ?? []), ed.to])
  }
  const zeros = (ids: readonly string[] | undefined) => Object.fromEntries((ids ?? []).map((id) => [id, 0]))

  // ---- configurations per width ----
  const pass = (c: ModeCosts, kind: PartKind) =>
    kind === 'embedding' ? c.embedding : kind === 'layer' ? c.layer : c.output
  const actRatio = (c: ModeCosts, kind: PartKind) =>
    kind === 'embedding'
      ? c.embeddingActivationBytes / actRef.embedding
      : kind === 'layer'
        ? c.layerActivationBytes / actRef.layer
        : c.outputActivationBytes / actRef.head
  const regimeBytes = REGIME_BYTES_PER_PARAM[table.regime]
  const costed: PlacementNode[] = nodes.map((v) => {
    const tp: Record<string, TensorParallelConfig[]> = {}
    for (const { t, modes: perMode } of table.widths) {
      tp[String(t)] = perMode.map((c) => {
        let forwardS = 0
        let backwardS = 0
        let paramBytesAtT = 0
        let activationBytes = 0
        for (const part of v.parts) {
          forwardS += pass(c, part.kind).forwardS
          backwardS += pass(c, part.kind).backwardS
          paramBytesAtT += part.parameterBytes / t
          activationBytes += part.activationBytes * actRatio(c, part.kind)
        }
        const params = paramBytesAtT / e
        const phaze: TensorParallelConfig = {
          forwardS,
          backwardS,
          parameterBytes: params * table.gradientBytesPerParam,
          activationBytes,
          tensorParallelized: t > 1,
        }
        if (memoryModel === 'phaze') return phaze
        return {
          id: CONFIG_ID[c.mode],
          timePerSampleS: forwardS + backwardS,
          memoryBytesPerMicrobatch: activationBytes,
          memoryBytesFixed: stateBytes(table, params),
          syncBytesIn: zeros(preds.get(v.id)),
          syncBytesOut: zeros(succs.get(v.id)),
          ...phaze,
        }
      })
    }
    return { id: v.id, name: v.name, role: 'forward', tensorParallel: tp }
  })
  const widthKeys = table.widths.map((w) => String(w.t))
  const edges: PlacementEdge[] = edgeList.map((ed) => ({
    ...ed,
    bytesByTensorWidth: Object.fromEntries(widthKeys.map((w) => [w, ed.bytes])),
  }))
  const training: PlacementTraining = {
    activationRecomputation: modes.includes('full'),
    // PHAZE knows SGD (no optimizer state) and Adam (one more P).
    optimizer: regimeBytes.optimizer > 0 ? 'Adam' : 'SGD',
    transformerLayerCount: L,
  }
  const out: PlacementProblem = {
    schemaVersion: 1,
    format: 'phaze',
    timeUnit: 's',
    nodes: costed,
    edges,
    resources: {
      acceleratorCount: K,
      acceleratorMemoryBytes: table.cluster.device.offChip.capacityBytes,
      bandwidthBytesPerS: options.bandwidthBytesPerS ?? defaultBoundaryBandwidth(table.cluster, K),
      microbatchCount: batch / b,
    },
    training,
  }
  validatePlacementProblem(out)
  return out
}
