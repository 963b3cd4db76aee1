import { InvalidValueError } from '@dnnperf/ir'
import type { OpKindRegistry, OpNode } from '@dnnperf/ir'
import type { AcceleratorSpec, ClusterSpec, CpuSpec } from '../hardware/types.js'
import type { Bound, CostOptions } from '../ops/types.js'

/** What a user cost function sees. */
export interface CostFunctionContext {
  readonly hw: AcceleratorSpec | CpuSpec
  readonly cluster: ClusterSpec | undefined
  /** The op kind registry in use (for `opFlop`, `opBytes`, `opGemm`). */
  readonly registry: OpKindRegistry
  /** FLOP and bytes of the op by its kind's rules. */
  readonly flop: number
  readonly bytes: number
  readonly options: CostOptions
}

/** What a user cost function returns: at least a latency; the rest is filled in. */
export interface CustomOpCost {
  readonly latencyS: number
  /** Default `custom`. */
  readonly bound?: Bound
  /** Default: the kind's FLOP rule. */
  readonly flops?: number
  /** Default: the kind's byte rule. */
  readonly bytes?: number
  readonly energyJ?: number
}

/** A cost function for one op kind. */
export type CostFunction = (op: OpNode, ctx: CostFunctionContext) => CustomOpCost

/**
 * User cost functions by op kind. A function registered here replaces the built-in model for its kind; a
 * profile-table entry still wins over it.
 */
export class CostFunctionRegistry {
  readonly #fns = new Map<string, CostFunction>()

  /**
   * Register `fn` for `kind`; `replace: true` overrides an existing one. Returns this registry.
   * @throws InvalidValueError when the kind is taken and `replace` is not set.
   */
  register(kind: string, fn: CostFunction, options: { replace?: boolean } = {}): this {
    if (this.#fns.has(kind) && options.replace !== true) {
      throw new InvalidValueError({
        at: `cost function "${kind}"`,
        field: 'kind',
        value: kind,
        expected: 'a kind without a cost function (pass { replace: true } to override)',
      })
    }
    this.#fns.set(kind, fn)
    return this
  }

  get(kind: string): CostFunction | undefined {
    return this.#fns.get(kind)
  }

  has(kind: string): boolean {
    return this.#fns.has(kind)
  }

  /** Registered kinds, sorted. */
  kinds(): string[] {
    return [...this.#fns.keys()].sort()
  }
}
