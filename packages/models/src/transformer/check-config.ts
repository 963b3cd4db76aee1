import { InvalidValueError } from '@dnnperf/ir'
import { positiveInt } from '../internal/options.js'
import type { TransformerConfig } from './types.js'

/**
 * Check a transformer config once so the builder sees only consistent numbers.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) naming the config and the field: a non-positive or fractional
 * size, `heads` not a multiple of `kvHeads`, `topK` above `experts`, or an unknown enum value.
 */
export function checkTransformerConfig(c: TransformerConfig): void {
  const at = `transformer config ${c.name}`
  for (const field of [
    'hidden',
    'layers',
    'heads',
    'kvHeads',
    'headDim',
    'ffnHidden',
    'vocab',
    'maxPositions',
    'embedDim',
    'defaultSeqLen',
  ] as const) {
    positiveInt(at, field, c[field])
  }
  for (const field of ['positionOffset', 'tokenTypes'] as const) {
    const v = c[field]
    if (!Number.isSafeInteger(v) || v < 0)
      throw new InvalidValueError({ at, field, value: v, expected: 'a non-negative integer' })
  }
  if (c.heads % c.kvHeads !== 0) {
    throw new InvalidValueError({
      at,
      field: 'kvHeads',
      value: c.kvHeads,
      expected: `a divisor of heads (${c.heads})`,
    })
  }
  const oneOf = (field: keyof TransformerConfig, allowed: readonly string[]) => {
    if (!allowed.includes(c[field] as string))
      throw new InvalidValueError({ at, field, value: c[field], expected: allowed.join(' | ') })
  }
  oneOf('kind', ['decoder', 'encoder'])
  oneOf('naming', ['gpt2', 'bert', 'opt', 'llama', 'mixtral'])
  oneOf('positions', ['learned', 'rotary'])
  oneOf('norm', ['layernorm', 'rmsnorm'])
  oneOf('normPlacement', ['pre', 'post'])
  oneOf('activation', ['gelu', 'relu', 'swiglu'])
  if (c.moe !== undefined) {
    positiveInt(at, 'moe.experts', c.moe.experts)
    positiveInt(at, 'moe.topK', c.moe.topK)
    if (c.moe.topK > c.moe.experts) {
      throw new InvalidValueError({
        at,
        field: 'moe.topK',
        value: c.moe.topK,
        expected: `at most moe.experts (${c.moe.experts})`,
      })
    }
  }
}
