import type { OpGraph } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { conv, dense, flatten } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { BuildOptions } from '../types.js'

/** Options of {@link buildA3c}. */
export interface A3cOptions extends BuildOptions {
  /** Discrete actions of the game. Default 6 (Atari Pong's action set). */
  readonly actions?: number
  /** Stacked frames per observation. Default 4. */
  readonly frames?: number
}

/**
 * The A3C actor-critic network (Mnih et al. 2016, experimental setup: "the network architecture from Mnih et
 * al. 2013"): 84×84 inputs of 4 stacked frames, conv 16×8×8 stride 4, conv 32×4×4 stride 2, a 256-unit fully connected layer (ReLU
 * after each), then a policy head (softmax over actions) and a value head. With 6 actions: 4,112 + 8,224 +
 * 663,808 + 1,542 + 257 = 677,943 parameters. `batchSize` is the rollout length times the actors batched
 * together. The loss adds a policy cross-entropy and a value regression.
 *
 * Layers: `conv1`, `conv2`, `fc`, `policy`, `value`, `loss`. `imageSize` defaults to 84.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option; ShapeMismatchError below 20 px.
 */
export function buildA3c(options: A3cOptions = {}): OpGraph {
  const o = resolveOptions('a3c', options, { batchSize: 20, dtype: 'fp32', imageSize: 84 })
  const actions = positiveInt('a3c', 'actions', options.actions ?? 6)
  const frames = positiveInt('a3c', 'frames', options.frames ?? 4)
  const B = o.batchSize
  const b = new GraphBuilder('a3c', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    imageSize: o.imageSize,
    dtype: o.dtype,
    architecture: 'a3c',
    actions,
    frames,
  })
  const obs = b.input('observations', [B, frames, o.imageSize, o.imageSize])
  const taken = b.input('actions', [B], 'int64')
  const returns = b.input('returns', [B, 1])
  let x = b.inLayer('conv1', () =>
    b.op('relu', [conv(b, obs, 'conv1', 16, { kernel: 8, stride: 4, bias: true })]),
  )
  x = b.inLayer('conv2', () => b.op('relu', [conv(b, x, 'conv2', 32, { kernel: 4, stride: 2, bias: true })]))
  x = b.inLayer('fc', () => b.op('relu', [dense(b, flatten(b, x), 'fc', 256)]))
  const logits = b.inLayer('policy', () => dense(b, x, 'policy', actions))
  const value = b.inLayer('value', () => dense(b, x, 'value', 1))
  b.inLayer('loss', () => {
    const policyLoss = b.op('cross_entropy', [logits, taken], { name: 'policy_loss' })
    const valueLoss = b.op('mse_loss', [value, returns], { name: 'value_loss' })
    b.op('add', [policyLoss, valueLoss], { name: 'total_loss' })
  })
  return b.build()
}
