import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { batchNorm, conv, dense, flatten } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { ImageClassifierOptions } from '../types.js'

const GROWTH = 32
const BOTTLENECK = 4
const BLOCKS = [6, 12, 24, 16] as const

/**
 * DenseNet-121 (Huang et al. 2017) exactly as torchvision's `densenet121`: growth rate 32, blocks of
 * 6/12/24/16 dense layers (BN-ReLU-conv1×1 to 128 channels, BN-ReLU-conv3×3 to 32, concatenated to the
 * block's features), transitions halving channels and resolution, a final BN and a 1024→classes classifier.
 * 7,978,856 parameters at 1000 classes.
 *
 * Layers: `features.conv0` (stem), `features.denseblock{b}.denselayer{k}`, `features.transition{b}`, `classifier`.
 * Input [B, 3, s, s], default s = 224 (≈ 2.83 GMAC per image). Each dense layer concatenates its output onto
 * the running feature map, as torchvision's memory-hungry (non-checkpointed) path does. Ends with a loss.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option; ShapeMismatchError for tiny images.
 */
export function buildDenseNet121(options: ImageClassifierOptions = {}): OpGraph {
  const o = resolveOptions('densenet121', options, { batchSize: 32, dtype: 'fp32', imageSize: 224 })
  const classes = positiveInt('densenet121', 'classes', options.classes ?? 1000)
  const b = new GraphBuilder('densenet121', { defaultDType: o.dtype })
  b.setMetadata({ batchSize: o.batchSize, imageSize: o.imageSize, dtype: o.dtype, architecture: 'densenet' })
  const images = b.input('images', [o.batchSize, 3, o.imageSize, o.imageSize])
  const labels = b.input('labels', [o.batchSize], 'int64')

  let x = b.inLayer('features.conv0', () => {
    const c = conv(b, images, 'features.conv0', 64, { kernel: 7, stride: 2, padding: 3 })
    const h = b.op('relu', [batchNorm(b, c, 'features.norm0')])
    return b.op('maxpool2d', [h], { name: 'pool0', attrs: { kernel: 3, stride: 2, padding: 1 } })
  })

  const denseLayer = (input: TensorRef, name: string): TensorRef => {
    let h = b.op('relu', [batchNorm(b, input, `${name}.norm1`, 'norm1')], { name: 'relu1' })
    h = conv(b, h, `${name}.conv1`, BOTTLENECK * GROWTH, { kernel: 1, opName: 'conv1' })
    h = b.op('relu', [batchNorm(b, h, `${name}.norm2`, 'norm2')], { name: 'relu2' })
    h = conv(b, h, `${name}.conv2`, GROWTH, { kernel: 3, padding: 1, opName: 'conv2' })
    return b.op('concat', [input, h], { name: 'concat', attrs: { axis: 1 } })
  }

  BLOCKS.forEach((count, blockIndex) => {
    const block = `features.denseblock${blockIndex + 1}`
    for (let k = 1; k <= count; k++) {
      const name = `${block}.denselayer${k}`
      x = b.inLayer(name, () => denseLayer(x, name))
    }
    if (blockIndex < BLOCKS.length - 1) {
      const name = `features.transition${blockIndex + 1}`
      x = b.inLayer(name, () => {
        const h = b.op('relu', [batchNorm(b, x, `${name}.norm`, 'norm')])
        const c = conv(b, h, `${name}.conv`, x.shape[1]! / 2, { kernel: 1 })
        return b.op('avgpool2d', [c], { name: 'pool', attrs: { kernel: 2, stride: 2 } })
      })
    }
  })

  b.inLayer('classifier', () => {
    const h = b.op('relu', [batchNorm(b, x, 'features.norm5', 'norm5')])
    const pooled = flatten(b, b.op('adaptive_avgpool2d', [h], { name: 'avgpool', attrs: { outputSize: 1 } }))
    b.op('cross_entropy', [dense(b, pooled, 'classifier', classes), labels], { name: 'loss' })
  })
  return b.build()
}
