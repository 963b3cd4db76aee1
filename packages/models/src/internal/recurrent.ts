import type { GraphBuilder, TensorRef } from '@dnnperf/ir'

const GATES = { lstm: 4, gru: 3, rnn: 1 } as const

/**
 * One recurrent layer in one direction over x [B, S, I] with PyTorch's parameters for layer `suffix`
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`; `_reverse` for the backward direction).
 */
export function recurrent(
  b: GraphBuilder,
  x: TensorRef,
  module: string,
  suffix: string,
  hidden: number,
  cell: keyof typeof GATES = 'lstm',
  opName = 'rnn',
): TensorRef {
  const g = GATES[cell] * hidden
  const input = x.shape[x.shape.length - 1]!
  return b.op('rnn', [x], {
    name: opName,
    attrs: { cell, hiddenSize: hidden, reverse: suffix.endsWith('_reverse') },
    params: [
      b.param(`${module}.weight_ih_${suffix}`, [g, input]),
      b.param(`${module}.weight_hh_${suffix}`, [g, hidden]),
      b.param(`${module}.bias_ih_${suffix}`, [g]),
      b.param(`${module}.bias_hh_${suffix}`, [g]),
    ],
  })
}

/** Parameters of one LSTM direction: 4H·(I + H) + 8H. */
export const lstmParameters = (input: number, hidden: number): number =>
  4 * hidden * (input + hidden) + 8 * hidden
