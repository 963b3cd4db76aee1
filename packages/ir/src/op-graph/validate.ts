import type { CompiledDag } from '../graph/compiled-dag.js'
import { compileDag } from '../graph/compiled-dag.js'
import { isDType } from '../dtype.js'
import { DanglingEdgeError, DuplicateNodeError, InvalidValueError, ShapeMismatchError } from '../errors.js'
import type { TensorSpec } from '../tensor.js'
import { formatTensorSpec, sameTensorSpec } from '../tensor.js'
import { builtinOpKinds } from './builtin-kinds.js'
import type { OpKindRegistry } from './registry.js'
import { opBytes, opFlop } from './registry.js'
import type { OpGraph, OpNode } from './types.js'

/** Options shared by functions that read op kinds. */
export interface RegistryOptions {
  /** Op kinds to use. Default: the built-in kinds. */
  readonly registry?: OpKindRegistry
}

/**
 * Check an op graph completely and return its compiled DAG (tensor and control edges together).
 *
 * Checks: unique ids, known kinds, well-formed shapes and dtypes, tied parameters agreeing, explicit and
 * derived FLOP and byte counts finite and non-negative, outputs equal to what the kind infers, edges naming
 * existing nodes and ports whose tensors agree, and no cycle.
 *
 * @throws DuplicateNodeError, UnknownOpKindError, InvalidValueError, ShapeMismatchError, DanglingEdgeError,
 * GraphCycleError: each names the node (and field) at fault.
 */
export function validateOpGraph(graph: OpGraph, options: RegistryOptions = {}): CompiledDag {
  const registry = options.registry ?? builtinOpKinds
  const byId = new Map<string, OpNode>()
  const params = new Map<string, readonly number[]>()
  for (const node of graph.nodes) {
    if (typeof node.id !== 'string' || node.id.length === 0) {
      throw new InvalidValueError({ at: 'node', field: 'id', value: node.id, expected: 'a non-empty string' })
    }
    if (byId.has(node.id)) throw new DuplicateNodeError({ nodeId: node.id })
    byId.set(node.id, node)
    const def = registry.get(node.kind, node.id)
    node.inputs.forEach((t, i) => {
      checkTensor(node.id, `inputs[${i}]`, t)
    })
    node.outputs.forEach((t, i) => {
      checkTensor(node.id, `outputs[${i}]`, t)
    })
    for (const p of node.params) {
      checkTensor(node.id, `params.${p.name}`, p)
      const seen = params.get(p.name)
      if (seen !== undefined && (seen.length !== p.shape.length || seen.some((d, i) => d !== p.shape[i]))) {
        throw new ShapeMismatchError({ nodeId: node.id, detail: `tied parameter ${p.name} has two shapes` })
      }
      params.set(p.name, p.shape)
    }
    checkCost(node.id, 'flop', node.flop)
    checkCost(node.id, 'bytes', node.bytes)
    if (def.inferOutputs) {
      const inferred = def.inferOutputs(node)
      const ok =
        inferred.length === node.outputs.length &&
        inferred.every((t, i) => sameTensorSpec(t, node.outputs[i]!))
      if (!ok) {
        throw new ShapeMismatchError({
          nodeId: node.id,
          detail: `outputs ${node.outputs.map(formatTensorSpec).join(', ')} differ from what ${node.kind} infers: ${inferred.map(formatTensorSpec).join(', ')}`,
        })
      }
    }
    checkCost(node.id, 'flop', opFlop(node, registry))
    checkCost(node.id, 'bytes', opBytes(node, registry))
  }
  for (const e of graph.edges) {
    const from = byId.get(e.from)
    const to = byId.get(e.to)
    if (from === undefined) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.from })
    if (to === undefined) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.to })
    const produced = from.outputs[e.fromOutput]
    const consumed = to.inputs[e.toInput]
    if (produced === undefined) {
      throw new InvalidValueError({
        at: `${e.from}->${e.to}`,
        field: 'fromOutput',
        value: e.fromOutput,
        expected: `< ${from.outputs.length}`,
      })
    }
    if (consumed === undefined) {
      throw new InvalidValueError({
        at: `${e.from}->${e.to}`,
        field: 'toInput',
        value: e.toInput,
        expected: `< ${to.inputs.length}`,
      })
    }
    if (!sameTensorSpec(produced, consumed)) {
      throw new ShapeMismatchError({
        nodeId: e.to,
        detail: `input ${e.toInput} is ${formatTensorSpec(consumed)} but ${e.from} output ${e.fromOutput} is ${formatTensorSpec(produced)}`,
      })
    }
  }
  for (const e of graph.controlEdges) {
    if (!byId.has(e.from)) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.from })
    if (!byId.has(e.to)) throw new DanglingEdgeError({ from: e.from, to: e.to, missingNodeId: e.to })
    checkCost(`${e.from}->${e.to}`, 'bytes', e.bytes)
  }
  return compileDag(
    graph.nodes.map((n) => n.id),
    allEdges(graph),
  )
}

function* allEdges(graph: OpGraph): Iterable<{ from: string; to: string }> {
  yield* graph.edges
  yield* graph.controlEdges
}

function checkTensor(at: string, field: string, t: TensorSpec): void {
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidValueError({
      at,
      field: `${field}.shape`,
      value: JSON.stringify(t.shape),
      expected: 'non-negative integers',
    })
  }
  if (!isDType(t.dtype))
    throw new InvalidValueError({ at, field: `${field}.dtype`, value: t.dtype, expected: 'a dtype' })
}

function checkCost(at: string, field: string, value: number | undefined): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidValueError({ at, field, value, expected: 'a finite non-negative number' })
  }
}
