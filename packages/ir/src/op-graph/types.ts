import type { DType } from '../dtype.js'
import type { TensorSpec } from '../tensor.js'

/** Where an op sits in a training step. */
export type Phase = 'forward' | 'backward' | 'optimizer'

/**
 * Which hardware engine class executes an op: matrix (systolic array / tensor cores), vector (SIMD lanes),
 * memory (data movement: gathers, copies, layout changes), collective (communication), none (free).
 */
export type EngineClass = 'matrix' | 'vector' | 'memory' | 'collective' | 'none'

/** What a backward op computes: the gradient of an op's inputs (data) or of its parameters (weight). */
export type GradRole = 'data' | 'weight'

/** A JSON value, for op attributes and graph metadata. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue }

/** A learnable parameter. Ops that name the same parameter share (tie) it; it counts once. */
export interface ParamSpec {
  /** Graph-unique name, e.g. `h.3.attn.c_attn.weight`. */
  readonly name: string
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** One operator. Plain data: it serialises to JSON as is. */
export interface OpNode {
  readonly id: string
  readonly kind: string
  readonly inputs: readonly TensorSpec[]
  readonly outputs: readonly TensorSpec[]
  readonly params: readonly ParamSpec[]
  readonly attrs: { readonly [k: string]: JsonValue }
  readonly phase: Phase
  /** Layer label, used by layer contraction and per-layer reports. */
  readonly layer?: string
  /** For backward and optimizer ops: the forward op they derive from. */
  readonly gradOf?: string
  readonly gradRole?: GradRole
  /** Explicit FLOP count, overriding the op kind's rule (e.g. from a profile). */
  readonly flop?: number
  /** Explicit bytes moved, overriding the op kind's rule. */
  readonly bytes?: number
}

/** Output `fromOutput` of op `from` feeds input `toInput` of op `to`. Control edges have no tensor. */
export interface OpEdge {
  readonly from: string
  readonly to: string
  readonly fromOutput: number
  readonly toInput: number
}

/**
 * A dependency outside the tensor edges: a backward op waiting on the gradient its consumers produce (`bytes`
 * is that gradient's size), or a backward op waiting on its forward op (no bytes).
 */
export interface ControlEdge {
  readonly from: string
  readonly to: string
  readonly bytes?: number
}

/** An operator graph: a DAG of ops with tensor edges and, in training graphs, control edges. */
export interface OpGraph {
  readonly name: string
  readonly nodes: readonly OpNode[]
  readonly edges: readonly OpEdge[]
  readonly controlEdges: readonly ControlEdge[]
  /** Free-form facts about the graph: `batchSize`, `seqLen`, the builder config. */
  readonly metadata: { readonly [k: string]: JsonValue }
}
