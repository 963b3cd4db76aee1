import type { DType } from '../dtype.js'
import { InvalidValueError, ShapeMismatchError } from '../errors.js'
import type { TensorSpec } from '../tensor.js'
import { formatTensorSpec, sameTensorSpec } from '../tensor.js'
import { builtinOpKinds } from './builtin-kinds.js'
import type { OpKindRegistry } from './registry.js'
import type { JsonValue, OpEdge, OpGraph, OpNode, ParamSpec, Phase } from './types.js'

/** A tensor produced inside a graph under construction: output `output` of node `node`. */
export interface TensorRef extends TensorSpec {
  readonly node: string
  readonly output: number
}

/** Options of {@link GraphBuilder.op}. */
export interface OpOptions {
  /** Node id suffix; the id is `${layer}/${name}` (deduplicated). Default: the kind. */
  readonly name?: string
  readonly params?: readonly ParamSpec[]
  readonly attrs?: { readonly [k: string]: JsonValue }
  /** Outputs for kinds that cannot infer them; checked against inference when the kind can. */
  readonly outputs?: readonly TensorSpec[]
  readonly phase?: Phase
  readonly flop?: number
  readonly bytes?: number
}

/**
 * Builds an {@link OpGraph} op by op, inferring output shapes through the registry, so a shape error surfaces
 * at the op that causes it (ShapeMismatchError naming the node).
 *
 * @example
 * const b = new GraphBuilder('mlp')
 * const x = b.input('x', [32, 784], 'fp32')
 * b.setLayer('fc1')
 * const h = b.op('linear', [x], { params: [b.param('fc1.weight', [784, 256])] })
 * const graph = b.build()
 */
export class GraphBuilder {
  readonly name: string
  readonly registry: OpKindRegistry
  readonly defaultDType: DType
  readonly #nodes: OpNode[] = []
  readonly #edges: OpEdge[] = []
  readonly #ids = new Set<string>()
  readonly #params = new Map<string, ParamSpec>()
  #layer: string | undefined
  #metadata: Record<string, JsonValue> = {}

  constructor(name: string, options: { registry?: OpKindRegistry; defaultDType?: DType } = {}) {
    this.name = name
    this.registry = options.registry ?? builtinOpKinds
    this.defaultDType = options.defaultDType ?? 'fp32'
  }

  /** Set the layer label of the ops added next (undefined clears it). */
  setLayer(layer: string | undefined): this {
    this.#layer = layer
    return this
  }

  /** Run `body` with ops labelled `layer`, then restore the previous label. */
  inLayer<T>(layer: string, body: () => T): T {
    const previous = this.#layer
    this.#layer = layer
    try {
      return body()
    } finally {
      this.#layer = previous
    }
  }

  /** Merge facts into the graph's metadata. */
  setMetadata(metadata: { readonly [k: string]: JsonValue }): this {
    this.#metadata = { ...this.#metadata, ...metadata }
    return this
  }

  /**
   * A parameter. Asking again for the same name returns the same (tied) parameter; its shape must agree.
   */
  param(name: string, shape: readonly number[], dtype: DType = this.defaultDType): ParamSpec {
    const existing = this.#params.get(name)
    if (existing !== undefined) {
      if (existing.shape.length !== shape.length || existing.shape.some((d, i) => d !== shape[i])) {
        throw new ShapeMismatchError({
          nodeId: name,
          detail: `parameter ${name} is tied with shape [${existing.shape.join(', ')}], asked for [${shape.join(', ')}]`,
        })
      }
      return existing
    }
    const p: ParamSpec = { name, shape: [...shape], dtype }
    this.#params.set(name, p)
    return p
  }

  /** A graph input. */
  input(name: string, shape: readonly number[], dtype: DType = this.defaultDType): TensorRef {
    const [ref] = this.opMulti('input', [], { name, attrs: { shape: [...shape], dtype } })
    return ref!
  }

  /** Add an op and return its first output. */
  op(kind: string, inputs: readonly TensorRef[], options: OpOptions = {}): TensorRef {
    const outs = this.opMulti(kind, inputs, options)
    if (outs.length === 0) {
      throw new ShapeMismatchError({
        nodeId: `${this.#layer ?? ''}/${options.name ?? kind}`,
        detail: `${kind} has no output`,
      })
    }
    return outs[0]!
  }

  /** Add an op and return all its outputs. */
  opMulti(kind: string, inputs: readonly TensorRef[], options: OpOptions = {}): TensorRef[] {
    const id = this.#freshId(options.name ?? kind)
    const def = this.registry.get(kind, id)
    const params = options.params ?? []
    const attrs = options.attrs ?? {}
    const inputSpecs = inputs.map((t): TensorSpec => ({ shape: t.shape, dtype: t.dtype }))
    let outputs: readonly TensorSpec[]
    if (def.inferOutputs) {
      outputs = def.inferOutputs({ id, kind, inputs: inputSpecs, params, attrs })
      if (options.outputs !== undefined) checkGivenOutputs(id, options.outputs, outputs)
    } else if (options.outputs !== undefined) {
      outputs = options.outputs
    } else {
      throw new InvalidValueError({
        at: id,
        field: 'outputs',
        value: undefined,
        expected: `explicit outputs for ${kind}`,
      })
    }
    const node: OpNode = {
      id,
      kind,
      inputs: inputSpecs,
      outputs: outputs.map((t) => ({ shape: [...t.shape], dtype: t.dtype })),
      params,
      attrs,
      phase: options.phase ?? 'forward',
      ...(this.#layer !== undefined ? { layer: this.#layer } : {}),
      ...(options.flop !== undefined ? { flop: options.flop } : {}),
      ...(options.bytes !== undefined ? { bytes: options.bytes } : {}),
    }
    this.#nodes.push(node)
    this.#ids.add(id)
    inputs.forEach((t, i) => {
      this.#edges.push({ from: t.node, to: id, fromOutput: t.output, toInput: i })
    })
    return node.outputs.map((t, i) => ({ ...t, node: id, output: i }))
  }

  /** The graph so far. Nodes are in insertion order, which is topological. */
  build(): OpGraph {
    return {
      name: this.name,
      nodes: [...this.#nodes],
      edges: [...this.#edges],
      controlEdges: [],
      metadata: { ...this.#metadata },
    }
  }

  #freshId(base: string): string {
    const stem = this.#layer !== undefined ? `${this.#layer}/${base}` : base
    if (!this.#ids.has(stem)) return stem
    let k = 1
    while (this.#ids.has(`${stem}#${k}`)) k++
    return `${stem}#${k}`
  }
}

function checkGivenOutputs(id: string, given: readonly TensorSpec[], inferred: readonly TensorSpec[]): void {
  const ok = given.length === inferred.length && given.every((t, i) => sameTensorSpec(t, inferred[i]!))
  if (!ok) {
    throw new ShapeMismatchError({
      nodeId: id,
      detail: `given outputs ${given.map(formatTensorSpec).join(', ')} differ from inferred ${inferred.map(formatTensorSpec).join(', ')}`,
    })
  }
}
