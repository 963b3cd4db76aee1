import type { DType } from '../dtype.js'
import type { TensorSpec } from '../tensor.js'
import { tensorBytes } from '../tensor.js'
import { builtinOpKinds } from './builtin-kinds.js'
import type { BackwardOpSpec, OpKindRegistry } from './registry.js'
import { opFlop } from './registry.js'
import type { ControlEdge, OpEdge, OpGraph, OpNode, ParamSpec } from './types.js'
import { validateOpGraph } from './validate.js'

/** Options of {@link deriveTrainingGraph}. */
export interface TrainingGraphOptions {
  /** Default: the built-in kinds. */
  readonly registry?: OpKindRegistry
  /** Optimizer whose update ops to add; `none` adds no optimizer step. Default `adam`. */
  readonly optimizer?: 'adam' | 'sgd' | 'none'
  /** dtype of optimizer state (Adam moments, SGD momentum). Default `fp32`. */
  readonly optimizerStateDType?: DType
  /** Keep an fp32 master copy of low-precision weights in the update (mixed precision). Default false. */
  readonly masterWeights?: boolean
}

/**
 * The training graph of a forward graph: the forward ops, then backward ops in reverse order (a data-gradient
 * op per input that needs a gradient, a weight-gradient op per parameterised op), then one optimizer update per
 * parameter tensor.
 *
 * An op needs backward ops when it, or anything it depends on, has parameters. Backward ops depend on their
 * forward op (saved activations) and on the data-gradient ops of the forward op's consumers (control edges
 * carrying the gradient's bytes). Each update depends on every weight-gradient op of its (possibly tied)
 * parameter. O(V + E).
 *
 * Backward op ids are `${forwardId}:dgrad` and `${forwardId}:wgrad` (with a suffix when an op has several);
 * update ids are `opt:${paramName}`.
 */
export function deriveTrainingGraph(forward: OpGraph, options: TrainingGraphOptions = {}): OpGraph {
  const registry = options.registry ?? builtinOpKinds
  const optimizer = options.optimizer ?? 'adam'
  const stateDType = options.optimizerStateDType ?? 'fp32'
  const dag = validateOpGraph(forward, { registry })
  const nodes = forward.nodes
  const n = nodes.length

  // requiresGrad[i]: op i's output depends on a parameter through differentiable ops
  const requiresGrad = new Uint8Array(n)
  const producerOfInput: number[][] = nodes.map((node) => new Array<number>(node.inputs.length).fill(-1))
  for (const e of forward.edges)
    producerOfInput[dag.indexOf.get(e.to)!]![e.toInput] = dag.indexOf.get(e.from)!
  for (const i of dag.topoOrder) {
    const node = nodes[i]!
    if (registry.get(node.kind, node.id).differentiable === false) continue
    const upstream = producerOfInput[i]!.some((p) => p >= 0 && requiresGrad[p] === 1)
    if (node.params.length > 0 || upstream) requiresGrad[i] = 1
  }

  const newNodes: OpNode[] = [...nodes]
  const taken = new Set(nodes.map((node) => node.id))
  const controlEdges: ControlEdge[] = [...forward.controlEdges]
  // dataGradOps[i][k]: backward op producing the gradient of input k of forward op i
  const dataGradOps = nodes.map((node) => new Array<string | undefined>(node.inputs.length))
  const weightGradOps = new Map<string, string[]>() // param name → weight-gradient op ids
  const consumers: { node: number; input: number }[][] = nodes.map(() => [])
  for (const e of forward.edges) {
    consumers[dag.indexOf.get(e.from)!]!.push({ node: dag.indexOf.get(e.to)!, input: e.toInput })
  }

  for (let k = n - 1; k >= 0; k--) {
    const i = dag.topoOrder[k]!
    if (requiresGrad[i] !== 1) continue
    const fwd = nodes[i]!
    const needs = producerOfInput[i]!.map((p) => p >= 0 && requiresGrad[p] === 1)
    const def = registry.get(fwd.kind, fwd.id)
    const specs = def.backward ? def.backward(fwd, needs) : genericBackward(fwd, needs, registry)
    const gradInputs = consumers[i]!.flatMap(({ node, input }) => {
      const op = dataGradOps[node]![input]
      return op === undefined ? [] : [{ op, bytes: tensorBytes(nodes[node]!.inputs[input]!) }]
    })
    const multiple = (role: string) => specs.filter((s) => s.role === role).length > 1
    for (const spec of specs) {
      const roleTag = spec.role === 'data' ? 'dgrad' : 'wgrad'
      const id = `${fwd.id}:${roleTag}${multiple(spec.role) && spec.suffix ? `.${spec.suffix}` : ''}`
      const node: OpNode = {
        id: uniqueId(id, taken),
        kind: spec.kind,
        inputs: spec.inputs.map(copyTensor),
        outputs: spec.outputs.map(copyTensor),
        params: [],
        attrs: spec.attrs ?? {},
        phase: 'backward',
        gradOf: fwd.id,
        gradRole: spec.role,
        ...(fwd.layer !== undefined ? { layer: fwd.layer } : {}),
        ...(isGeneric(spec) ? { flop: opFlop(fwd, registry) } : {}),
      }
      newNodes.push(node)
      controlEdges.push({ from: fwd.id, to: node.id })
      for (const g of gradInputs) controlEdges.push({ from: g.op, to: node.id, bytes: g.bytes })
      if (spec.role === 'data') {
        for (const input of spec.inputIndices ?? []) dataGradOps[i]![input] = node.id
      } else {
        for (const p of fwd.params) {
          const list = weightGradOps.get(p.name) ?? []
          list.push(node.id)
          weightGradOps.set(p.name, list)
        }
      }
    }
  }

  if (optimizer !== 'none') {
    const seen = new Set<string>()
    for (const fwd of nodes) {
      for (const p of fwd.params) {
        if (seen.has(p.name)) continue
        seen.add(p.name)
        const grads = weightGradOps.get(p.name)
        if (grads === undefined) continue // frozen: nothing upstream needs a gradient
        const base = updateOp(p, fwd, optimizer, stateDType, options.masterWeights === true)
        const update = { ...base, id: uniqueId(base.id, taken) }
        newNodes.push(update)
        for (const g of grads) controlEdges.push({ from: g, to: update.id, bytes: tensorBytes(p) })
      }
    }
  }

  const edges: OpEdge[] = [...forward.edges]
  return {
    name: forward.name,
    nodes: newNodes,
    edges,
    controlEdges,
    metadata: { ...forward.metadata, training: true, optimizer },
  }
}

function genericBackward(op: OpNode, needs: readonly boolean[], registry: OpKindRegistry): BackwardOpSpec[] {
  const out: BackwardOpSpec[] = []
  const idx = needs.flatMap((need, i) => (need ? [i] : []))
  if (idx.length > 0) {
    const own = `${op.kind}_grad`
    out.push({
      kind: registry.has(own) ? own : 'generic_grad',
      role: 'data',
      inputIndices: idx,
      inputs: [...op.outputs, ...op.inputs],
      outputs: idx.map((i) => op.inputs[i]!),
    })
  }
  if (op.params.length > 0) {
    const own = `${op.kind}_wgrad`
    out.push({
      kind: registry.has(own) ? own : 'generic_wgrad',
      role: 'weight',
      inputs: [...op.outputs, ...op.inputs],
      outputs: op.params.map((p) => ({ shape: p.shape, dtype: p.dtype })),
    })
  }
  return out
}

const isGeneric = (spec: BackwardOpSpec) => spec.kind === 'generic_grad' || spec.kind === 'generic_wgrad'
const copyTensor = (t: TensorSpec): TensorSpec => ({ shape: [...t.shape], dtype: t.dtype })

function uniqueId(id: string, taken: Set<string>): string {
  // backward ids are built from unique forward ids, so a clash only comes from a user graph reusing the pattern
  let out = id
  for (let k = 1; taken.has(out); k++) out = `${id}#${k}`
  taken.add(out)
  return out
}

function updateOp(
  p: ParamSpec,
  owner: OpNode,
  optimizer: 'adam' | 'sgd',
  stateDType: DType,
  master: boolean,
): OpNode {
  const param: TensorSpec = { shape: [...p.shape], dtype: p.dtype }
  const state: TensorSpec = { shape: [...p.shape], dtype: stateDType }
  const masterCopy: TensorSpec[] =
    master && p.dtype !== 'fp32' ? [{ shape: [...p.shape], dtype: 'fp32' }] : []
  const states = optimizer === 'adam' ? [state, state] : [state]
  return {
    id: `opt:${p.name}`,
    kind: optimizer === 'adam' ? 'adam_update' : 'sgd_update',
    inputs: [param, param, ...states, ...masterCopy],
    outputs: [param, ...states, ...masterCopy],
    params: [],
    attrs: { param: p.name },
    phase: 'optimizer',
    gradOf: owner.id,
    ...(owner.layer !== undefined ? { layer: owner.layer } : {}),
  }
}
