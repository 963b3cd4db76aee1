import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { batchNorm, conv, dense, flatten } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { ImageClassifierOptions } from '../types.js'

/** Options of {@link buildInceptionV3}. */
export interface InceptionV3Options extends ImageClassifierOptions {
  /** Include torchvision's auxiliary classifier on Mixed_6e. Default true. */
  readonly auxLogits?: boolean
}

type Pair = number | readonly [number, number]

/** torchvision's BasicConv2d: bias-free convolution, batch norm, ReLU; parameters `${name}.conv`, `${name}.bn`. */
function basic(
  b: GraphBuilder,
  x: TensorRef,
  name: string,
  out: number,
  kernel: Pair,
  stride: Pair = 1,
  padding: Pair = 0,
) {
  const short = name.slice(name.lastIndexOf('.') + 1)
  const c = conv(b, x, `${name}.conv`, out, { kernel, stride, padding, opName: short })
  return b.op('relu', [batchNorm(b, c, `${name}.bn`, `${short}_bn`)], { name: `${short}_relu` })
}
const avgPool3 = (b: GraphBuilder, x: TensorRef) =>
  b.op('avgpool2d', [x], { name: 'avg_pool', attrs: { kernel: 3, stride: 1, padding: 1 } })
const maxPool3s2 = (b: GraphBuilder, x: TensorRef, name = 'max_pool') =>
  b.op('maxpool2d', [x], { name, attrs: { kernel: 3, stride: 2 } })
const cat = (b: GraphBuilder, xs: TensorRef[]) => b.op('concat', xs, { name: 'concat', attrs: { axis: 1 } })

function inceptionA(b: GraphBuilder, x: TensorRef, n: string, poolFeatures: number) {
  const b1 = basic(b, x, `${n}.branch1x1`, 64, 1)
  const b5 = basic(b, basic(b, x, `${n}.branch5x5_1`, 48, 1), `${n}.branch5x5_2`, 64, 5, 1, 2)
  let b3 = basic(b, x, `${n}.branch3x3dbl_1`, 64, 1)
  b3 = basic(b, basic(b, b3, `${n}.branch3x3dbl_2`, 96, 3, 1, 1), `${n}.branch3x3dbl_3`, 96, 3, 1, 1)
  const bp = basic(b, avgPool3(b, x), `${n}.branch_pool`, poolFeatures, 1)
  return cat(b, [b1, b5, b3, bp])
}
function inceptionB(b: GraphBuilder, x: TensorRef, n: string) {
  const b3 = basic(b, x, `${n}.branch3x3`, 384, 3, 2)
  let bd = basic(b, x, `${n}.branch3x3dbl_1`, 64, 1)
  bd = basic(b, basic(b, bd, `${n}.branch3x3dbl_2`, 96, 3, 1, 1), `${n}.branch3x3dbl_3`, 96, 3, 2)
  return cat(b, [b3, bd, maxPool3s2(b, x)])
}
function inceptionC(b: GraphBuilder, x: TensorRef, n: string, c7: number) {
  const b1 = basic(b, x, `${n}.branch1x1`, 192, 1)
  let b7 = basic(b, x, `${n}.branch7x7_1`, c7, 1)
  b7 = basic(b, b7, `${n}.branch7x7_2`, c7, [1, 7], 1, [0, 3])
  b7 = basic(b, b7, `${n}.branch7x7_3`, 192, [7, 1], 1, [3, 0])
  let bd = basic(b, x, `${n}.branch7x7dbl_1`, c7, 1)
  bd = basic(b, bd, `${n}.branch7x7dbl_2`, c7, [7, 1], 1, [3, 0])
  bd = basic(b, bd, `${n}.branch7x7dbl_3`, c7, [1, 7], 1, [0, 3])
  bd = basic(b, bd, `${n}.branch7x7dbl_4`, c7, [7, 1], 1, [3, 0])
  bd = basic(b, bd, `${n}.branch7x7dbl_5`, 192, [1, 7], 1, [0, 3])
  const bp = basic(b, avgPool3(b, x), `${n}.branch_pool`, 192, 1)
  return cat(b, [b1, b7, bd, bp])
}
function inceptionD(b: GraphBuilder, x: TensorRef, n: string) {
  const b3 = basic(b, basic(b, x, `${n}.branch3x3_1`, 192, 1), `${n}.branch3x3_2`, 320, 3, 2)
  let b7 = basic(b, x, `${n}.branch7x7x3_1`, 192, 1)
  b7 = basic(b, b7, `${n}.branch7x7x3_2`, 192, [1, 7], 1, [0, 3])
  b7 = basic(b, b7, `${n}.branch7x7x3_3`, 192, [7, 1], 1, [3, 0])
  b7 = basic(b, b7, `${n}.branch7x7x3_4`, 192, 3, 2)
  return cat(b, [b3, b7, maxPool3s2(b, x)])
}
function inceptionE(b: GraphBuilder, x: TensorRef, n: string) {
  const b1 = basic(b, x, `${n}.branch1x1`, 320, 1)
  const s3 = basic(b, x, `${n}.branch3x3_1`, 384, 1)
  const b3 = [
    basic(b, s3, `${n}.branch3x3_2a`, 384, [1, 3], 1, [0, 1]),
    basic(b, s3, `${n}.branch3x3_2b`, 384, [3, 1], 1, [1, 0]),
  ]
  const sd = basic(b, basic(b, x, `${n}.branch3x3dbl_1`, 448, 1), `${n}.branch3x3dbl_2`, 384, 3, 1, 1)
  const bd = [
    basic(b, sd, `${n}.branch3x3dbl_3a`, 384, [1, 3], 1, [0, 1]),
    basic(b, sd, `${n}.branch3x3dbl_3b`, 384, [3, 1], 1, [1, 0]),
  ]
  const bp = basic(b, avgPool3(b, x), `${n}.branch_pool`, 192, 1)
  return cat(b, [b1, ...b3, ...bd, bp])
}

/**
 * Inception-v3 (Szegedy et al. 2016) exactly as torchvision's `inception_v3(aux_logits=True)`: the stem, three
 * InceptionA, InceptionB, four InceptionC, the auxiliary classifier on Mixed_6e, InceptionD and two InceptionE
 * blocks; bias-free convolutions with batch norm. 27,161,264 parameters at 1000 classes (with the auxiliary
 * head; 23,834,568 without).
 *
 * Layers: `stem` and one per torchvision module (`Mixed_5b` … `Mixed_7c`, `AuxLogits`), then `head`. Input
 * [B, 3, s, s], default s = 299 (≈ 5.7 GMAC per image). Training sums the main and auxiliary cross-entropy
 * losses (torchvision weights the auxiliary one by 0.4; the weight does not change cost).
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option; ShapeMismatchError below 75 px.
 */
export function buildInceptionV3(options: InceptionV3Options = {}): OpGraph {
  const o = resolveOptions('inception-v3', options, { batchSize: 32, dtype: 'fp32', imageSize: 299 })
  const classes = positiveInt('inception-v3', 'classes', options.classes ?? 1000)
  const aux = options.auxLogits ?? true
  const b = new GraphBuilder('inception-v3', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: o.batchSize,
    imageSize: o.imageSize,
    dtype: o.dtype,
    architecture: 'inception',
    auxLogits: aux,
  })
  const images = b.input('images', [o.batchSize, 3, o.imageSize, o.imageSize])
  const labels = b.input('labels', [o.batchSize], 'int64')

  let x = b.inLayer('stem', () => {
    let h = basic(b, images, 'Conv2d_1a_3x3', 32, 3, 2)
    h = basic(b, h, 'Conv2d_2a_3x3', 32, 3)
    h = basic(b, h, 'Conv2d_2b_3x3', 64, 3, 1, 1)
    h = maxPool3s2(b, h, 'maxpool1')
    h = basic(b, h, 'Conv2d_3b_1x1', 80, 1)
    h = basic(b, h, 'Conv2d_4a_3x3', 192, 3)
    return maxPool3s2(b, h, 'maxpool2')
  })
  const stage = (name: string, body: (n: string) => TensorRef) => {
    x = b.inLayer(name, () => body(name))
  }
  stage('Mixed_5b', (n) => inceptionA(b, x, n, 32))
  stage('Mixed_5c', (n) => inceptionA(b, x, n, 64))
  stage('Mixed_5d', (n) => inceptionA(b, x, n, 64))
  stage('Mixed_6a', (n) => inceptionB(b, x, n))
  stage('Mixed_6b', (n) => inceptionC(b, x, n, 128))
  stage('Mixed_6c', (n) => inceptionC(b, x, n, 160))
  stage('Mixed_6d', (n) => inceptionC(b, x, n, 160))
  stage('Mixed_6e', (n) => inceptionC(b, x, n, 192))
  const auxLoss = aux
    ? b.inLayer('AuxLogits', () => {
        let h = b.op('avgpool2d', [x], { name: 'avg_pool', attrs: { kernel: 5, stride: 3 } })
        h = basic(b, h, 'AuxLogits.conv0', 128, 1)
        h = basic(b, h, 'AuxLogits.conv1', 768, 5)
        h = flatten(b, b.op('adaptive_avgpool2d', [h], { name: 'adaptive_pool', attrs: { outputSize: 1 } }))
        return b.op('cross_entropy', [dense(b, h, 'AuxLogits.fc', classes), labels], { name: 'aux_loss' })
      })
    : undefined
  stage('Mixed_7a', (n) => inceptionD(b, x, n))
  stage('Mixed_7b', (n) => inceptionE(b, x, n))
  stage('Mixed_7c', (n) => inceptionE(b, x, n))
  b.inLayer('head', () => {
    const pooled = flatten(b, b.op('adaptive_avgpool2d', [x], { name: 'avgpool', attrs: { outputSize: 1 } }))
    const loss = b.op('cross_entropy', [dense(b, pooled, 'fc', classes), labels], { name: 'loss' })
    if (auxLoss !== undefined) b.op('add', [loss, auxLoss], { name: 'total_loss' })
  })
  return b.build()
}
