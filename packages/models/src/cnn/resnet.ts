import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder, InvalidValueError } from '@dnnperf/ir'
import { batchNorm, conv, dense, flatten } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { ImageClassifierOptions } from '../types.js'

/** Options of {@link buildResNet50}. */
export interface ResNetOptions extends ImageClassifierOptions {
  /** Bottleneck blocks per stage. Default [3, 4, 6, 3] (ResNet-50); [3, 4, 23, 3] gives ResNet-101. */
  readonly blocks?: readonly [number, number, number, number]
}

/**
 * ResNet-50 (He et al. 2016) exactly as torchvision's `resnet50`: bottleneck blocks with the stride on the
 * 3×3 convolution ("v1.5"), bias-free convolutions with batch norm, a 1×1 projection on each stage's first
 * block, global average pooling and a 2048→classes classifier. 25,557,032 parameters at 1000 classes.
 *
 * Layers: `stem`, `layer{1-4}.{k}` (one per bottleneck block), `head`. Input images [B, 3, s, s], default
 * s = 224 (≈ 4.1 GMAC forward per image). Ends with a cross-entropy loss. O(blocks) ops.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option.
 */
export function buildResNet50(options: ResNetOptions = {}): OpGraph {
  const o = resolveOptions('resnet50', options, { batchSize: 32, dtype: 'fp32', imageSize: 224 })
  const blocks = options.blocks ?? [3, 4, 6, 3]
  if (blocks.length !== 4) {
    throw new InvalidValueError({
      at: 'resnet50',
      field: 'blocks',
      value: JSON.stringify(blocks),
      expected: 'four block counts',
    })
  }
  for (const [i, n] of blocks.entries()) positiveInt('resnet50', `blocks[${i}]`, n)
  const classes = positiveInt('resnet50', 'classes', options.classes ?? 1000)
  const b = new GraphBuilder('resnet50', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: o.batchSize,
    imageSize: o.imageSize,
    dtype: o.dtype,
    architecture: 'resnet',
    blocks: [...blocks],
  })
  const images = b.input('images', [o.batchSize, 3, o.imageSize, o.imageSize])
  const labels = b.input('labels', [o.batchSize], 'int64')

  let x = b.inLayer('stem', () => {
    const c = b.op('relu', [
      batchNorm(b, conv(b, images, 'conv1', 64, { kernel: 7, stride: 2, padding: 3 }), 'bn1'),
    ])
    return b.op('maxpool2d', [c], { attrs: { kernel: 3, stride: 2, padding: 1 } })
  })

  const bottleneck = (input: TensorRef, name: string, width: number, stride: number): TensorRef => {
    const out = width * 4
    let h = b.op(
      'relu',
      [
        batchNorm(
          b,
          conv(b, input, `${name}.conv1`, width, { kernel: 1, opName: 'conv1' }),
          `${name}.bn1`,
          'bn1',
        ),
      ],
      { name: 'relu1' },
    )
    h = b.op(
      'relu',
      [
        batchNorm(
          b,
          conv(b, h, `${name}.conv2`, width, { kernel: 3, stride, padding: 1, opName: 'conv2' }),
          `${name}.bn2`,
          'bn2',
        ),
      ],
      { name: 'relu2' },
    )
    h = batchNorm(b, conv(b, h, `${name}.conv3`, out, { kernel: 1, opName: 'conv3' }), `${name}.bn3`, 'bn3')
    let shortcut = input
    if (stride !== 1 || input.shape[1] !== out) {
      const proj = conv(b, input, `${name}.downsample.0`, out, { kernel: 1, stride, opName: 'downsample' })
      shortcut = batchNorm(b, proj, `${name}.downsample.1`, 'downsample_bn')
    }
    return b.op('relu', [b.op('add', [h, shortcut], { name: 'residual' })], { name: 'relu3' })
  }

  blocks.forEach((count, stage) => {
    const width = 64 * 2 ** stage
    for (let k = 0; k < count; k++) {
      const name = `layer${stage + 1}.${k}`
      const stride = k === 0 && stage > 0 ? 2 : 1
      x = b.inLayer(name, () => bottleneck(x, name, width, stride))
    }
  })

  b.inLayer('head', () => {
    const pooled = flatten(b, b.op('adaptive_avgpool2d', [x], { name: 'avgpool', attrs: { outputSize: 1 } }))
    b.op('cross_entropy', [dense(b, pooled, 'fc', classes), labels], { name: 'loss' })
  })
  return b.build()
}
