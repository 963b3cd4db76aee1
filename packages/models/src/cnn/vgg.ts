import type { OpGraph } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { conv, dense, flatten } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { ImageClassifierOptions } from '../types.js'

// torchvision's configuration "E": channel counts, with M for a 2×2 max pool
const VGG19: readonly (number | 'M')[] = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  512,
  'M',
]

/**
 * VGG-19 (Simonyan and Zisserman 2015, configuration E) exactly as torchvision's `vgg19` (no batch norm):
 * sixteen 3×3 convolutions with bias and ReLU in five pooled stages, adaptive average pooling to 7×7 and the
 * classifier 25088→4096→4096→classes (dropout omitted). 143,667,240 parameters at 1000 classes.
 *
 * Layers: `features.{k}` (one per convolution, the pool joining the convolution before it) and `classifier.{0,3,6}`.
 * Input [B, 3, s, s], default s = 224 (≈ 19.6 GMAC per image). Ends with a cross-entropy loss.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option; ShapeMismatchError for images under 32 px.
 */
export function buildVgg19(options: ImageClassifierOptions = {}): OpGraph {
  const o = resolveOptions('vgg19', options, { batchSize: 32, dtype: 'fp32', imageSize: 224 })
  const classes = positiveInt('vgg19', 'classes', options.classes ?? 1000)
  const b = new GraphBuilder('vgg19', { defaultDType: o.dtype })
  b.setMetadata({ batchSize: o.batchSize, imageSize: o.imageSize, dtype: o.dtype, architecture: 'vgg' })
  let x = b.input('images', [o.batchSize, 3, o.imageSize, o.imageSize])
  const labels = b.input('labels', [o.batchSize], 'int64')
  // torchvision's Sequential indices: each conv is followed by its ReLU, each M takes one slot
  let index = 0
  let layer = ''
  for (const item of VGG19) {
    if (item === 'M') {
      x = b.inLayer(layer, () => b.op('maxpool2d', [x], { name: 'pool', attrs: { kernel: 2, stride: 2 } }))
      index += 1
      continue
    }
    layer = `features.${index}`
    const name = layer
    x = b.inLayer(layer, () => b.op('relu', [conv(b, x, name, item, { kernel: 3, padding: 1, bias: true })]))
    index += 2
  }
  x = b.inLayer('classifier.0', () => {
    const pooled = flatten(b, b.op('adaptive_avgpool2d', [x], { name: 'avgpool', attrs: { outputSize: 7 } }))
    return b.op('relu', [dense(b, pooled, 'classifier.0', 4096)])
  })
  x = b.inLayer('classifier.3', () => b.op('relu', [dense(b, x, 'classifier.3', 4096)]))
  b.inLayer('classifier.6', () => {
    b.op('cross_entropy', [dense(b, x, 'classifier.6', classes), labels], { name: 'loss' })
  })
  return b.build()
}
