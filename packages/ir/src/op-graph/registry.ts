import { InvalidValueError, UnknownOpKindError } from '../errors.js'
import type { TensorSpec } from '../tensor.js'
import { tensorBytes } from '../tensor.js'
import type { EngineClass, GradRole, JsonValue, OpNode, ParamSpec } from './types.js'

/** What an op kind's rules see before an op exists: its inputs, parameters and attributes. */
export interface OpSignature {
  readonly id: string
  readonly kind: string
  readonly inputs: readonly TensorSpec[]
  readonly params: readonly ParamSpec[]
  readonly attrs: { readonly [k: string]: JsonValue }
}

/** GEMM dimensions of a matrix op: `batch` independent (m × k) · (k × n) products. */
export interface GemmShape {
  readonly m: number
  readonly n: number
  readonly k: number
  readonly batch: number
}

/** One backward op that an op kind's backward rule asks for. */
export interface BackwardOpSpec {
  readonly kind: string
  readonly role: GradRole
  /** For `data` ops: which forward inputs this op produces the gradient of. */
  readonly inputIndices?: readonly number[]
  readonly inputs: readonly TensorSpec[]
  readonly outputs: readonly TensorSpec[]
  readonly attrs?: { readonly [k: string]: JsonValue }
  /** Suffix that tells several backward ops of one forward op apart in their ids. */
  readonly suffix?: string
}

/**
 * Everything the IR knows about one op kind. Users register their own with {@link OpKindRegistry.register}.
 *
 * `flop` and `bytes` are per op instance, in FLOP and bytes. `bytes` defaults to reading every input and
 * parameter and writing every output once.
 */
export interface OpKindDef {
  readonly kind: string
  readonly engine: EngineClass
  readonly description: string
  /** Output tensors; throw ShapeMismatchError when inputs do not fit. Absent: outputs must be given explicitly. */
  readonly inferOutputs?: (op: OpSignature) => TensorSpec[]
  readonly flop: (op: OpNode) => number
  readonly bytes?: (op: OpNode) => number
  /** For matrix ops: the GEMM the op performs, so cost models can tile it. */
  readonly gemm?: (op: OpNode) => GemmShape
  /** False for ops with no gradient (inputs, integer ops, collectives). Default true. */
  readonly differentiable?: boolean
  /**
   * Backward ops of one forward op. `needsInputGrad[i]` says whether input `i` needs a gradient (its producer
   * depends on a parameter). Absent: the default rule emits one `${kind}_grad` data op when any input needs one.
   */
  readonly backward?: (op: OpNode, needsInputGrad: readonly boolean[]) => BackwardOpSpec[]
}

/** Reads every input and parameter and writes every output once. */
export function defaultOpBytes(op: OpNode): number {
  let b = 0
  for (const t of op.inputs) b += tensorBytes(t)
  for (const t of op.outputs) b += tensorBytes(t)
  for (const p of op.params) b += tensorBytes(p)
  return b
}

/**
 * A set of op kinds. {@link builtinOpKinds} is shared and sealed; {@link createOpKindRegistry} gives a copy
 * that users extend with their own kinds and pass as the `registry` option.
 */
export class OpKindRegistry {
  readonly #defs = new Map<string, OpKindDef>()
  #sealed = false

  constructor(defs: Iterable<OpKindDef> = []) {
    for (const def of defs) this.register(def)
  }

  /** Add a kind; `replace: true` overrides an existing one. Returns this registry. */
  register(def: OpKindDef, options: { replace?: boolean } = {}): this {
    if (this.#sealed) {
      throw new InvalidValueError({
        at: 'OpKindRegistry',
        field: 'sealed',
        value: true,
        expected: 'a registry from createOpKindRegistry() (the built-in one is shared and read-only)',
      })
    }
    if (this.#defs.has(def.kind) && options.replace !== true) {
      throw new InvalidValueError({
        at: `op kind "${def.kind}"`,
        field: 'kind',
        value: def.kind,
        expected: 'a kind not registered yet (pass { replace: true } to override)',
      })
    }
    this.#defs.set(def.kind, def)
    return this
  }

  /** The definition of `kind`. @throws UnknownOpKindError (`UNKNOWN_OP_KIND`) naming `nodeId` when given. */
  get(kind: string, nodeId?: string): OpKindDef {
    const def = this.#defs.get(kind)
    if (def === undefined) throw new UnknownOpKindError({ kind, nodeId })
    return def
  }

  has(kind: string): boolean {
    return this.#defs.has(kind)
  }

  /** Registered kinds, sorted. */
  kinds(): string[] {
    return [...this.#defs.keys()].sort()
  }

  /** A mutable copy. */
  clone(): OpKindRegistry {
    return new OpKindRegistry(this.#defs.values())
  }

  /** Make this registry read-only. */
  seal(): this {
    this.#sealed = true
    return this
  }
}

/** FLOP of `op`: its explicit `flop` if set, else its kind's rule. */
export function opFlop(op: OpNode, registry: OpKindRegistry): number {
  return op.flop ?? registry.get(op.kind, op.id).flop(op)
}

/** Bytes moved by `op`: its explicit `bytes` if set, else its kind's rule (default: all inputs, params, outputs). */
export function opBytes(op: OpNode, registry: OpKindRegistry): number {
  if (op.bytes !== undefined) return op.bytes
  const def = registry.get(op.kind, op.id)
  return def.bytes ? def.bytes(op) : defaultOpBytes(op)
}

/** Engine class of `op`. */
export function opEngine(op: OpNode, registry: OpKindRegistry): EngineClass {
  return registry.get(op.kind, op.id).engine
}

/** GEMM dimensions of a matrix op, or undefined when its kind has none. */
export function opGemm(op: OpNode, registry: OpKindRegistry): GemmShape | undefined {
  return registry.get(op.kind, op.id).gemm?.(op)
}
