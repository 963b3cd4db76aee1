import { dtypeBytes } from '../dtype.js'
import { tensorBytes, tensorElements } from '../tensor.js'
import { builtinOpKinds } from './builtin-kinds.js'
import { opFlop } from './registry.js'
import type { OpGraph } from './types.js'
import type { RegistryOptions } from './validate.js'
import { validateOpGraph } from './validate.js'

/** The headline numbers of a model graph. Plain JSON. */
export interface ModelSummary {
  readonly name: string
  /** Learnable parameters; tied parameters count once. */
  readonly parameters: number
  /** Forward FLOP for one sample (total forward FLOP over `batchSize`). */
  readonly forwardFlopsPerSample: number
  /** Distinct layer labels among forward ops. */
  readonly layers: number
  /** Bytes of all parameters in their stored dtype. */
  readonly weightBytes: number
  /**
   * Bytes of every forward op's outputs for one sample, except graph inputs and views (ops that move no
   * data): what a training step keeps for the backward pass without recomputation.
   */
  readonly activationBytesPerSample: number
  readonly batchSize: number
  readonly seqLen: number | null
  readonly forwardFlop: number
  readonly ops: number
}

/** Summarise a (forward or training) graph; counts only its forward ops. Validates first. */
export function summarizeModel(graph: OpGraph, options: RegistryOptions = {}): ModelSummary {
  const registry = options.registry ?? builtinOpKinds
  validateOpGraph(graph, { registry })
  const batchSize = typeof graph.metadata.batchSize === 'number' ? graph.metadata.batchSize : 1
  const seqLen = typeof graph.metadata.seqLen === 'number' ? graph.metadata.seqLen : null
  const layers = new Set<string>()
  let forwardFlop = 0
  let activationBytes = 0
  let ops = 0
  for (const node of graph.nodes) {
    if (node.phase !== 'forward') continue
    ops++
    if (node.layer !== undefined) layers.add(node.layer)
    forwardFlop += opFlop(node, registry)
    const def = registry.get(node.kind, node.id)
    const isView = def.engine === 'none'
    if (!isView) for (const t of node.outputs) activationBytes += tensorBytes(t)
  }
  // count each parameter once, by name
  let parameters = 0
  const counted = new Set<string>()
  let weightBytes = 0
  for (const node of graph.nodes) {
    if (node.phase !== 'forward') continue
    for (const p of node.params) {
      if (counted.has(p.name)) continue
      counted.add(p.name)
      parameters += tensorElements(p)
      weightBytes += tensorElements(p) * dtypeBytes(p.dtype)
    }
  }
  return {
    name: graph.name,
    parameters,
    forwardFlopsPerSample: forwardFlop / batchSize,
    layers: layers.size,
    weightBytes,
    activationBytesPerSample: activationBytes / batchSize,
    batchSize,
    seqLen,
    forwardFlop,
    ops,
  }
}
