import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder, InvalidValueError } from '@dnnperf/ir'
import { batchNorm, conv } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { BuildOptions } from '../types.js'

/** Options of {@link buildWgan}. */
export interface WganOptions extends BuildOptions {
  /** Latent size nz. Default 100. */
  readonly latent?: number
  /** Generator and critic base widths ngf = ndf. Default 64. */
  readonly width?: number
}

/**
 * WGAN (Arjovsky et al. 2017) with the DCGAN generator and critic of the authors' reference code
 * (`DCGAN_G`/`DCGAN_D` at isize 64, nz 100, nc 3, ngf = ndf = 64, no extra layers), the model TBD benchmarks on
 * down-sampled ImageNet.
 *
 * Generator: transposed convolutions nz→512 (4×4, stride 1), 512→256→128→64 (4×4, stride 2, pad 1) with batch
 * norm and ReLU, then 64→3 and tanh. Critic: convolutions 3→64 (LeakyReLU 0.2), 64→128→256→512 with batch norm
 * and LeakyReLU, then 512→1 (4×4, stride 1); no biases. 3,576,704 + 2,765,568 = 6,342,272 parameters.
 *
 * One training step's graph: the critic (tied weights) scores a real batch and a generated batch; the loss
 * compares the two scores (`mse_loss` stands in for WGAN's mean difference: same cost class, a scalar).
 * Layers: `G.{k}` and `D.{k}` per block (`D.real.k`, `D.fake.k`), `loss`. The image side is fixed at 64.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option or an image size other than 64.
 */
export function buildWgan(options: WganOptions = {}): OpGraph {
  const o = resolveOptions('wgan', options, { batchSize: 64, dtype: 'fp32', imageSize: 64 })
  if (o.imageSize !== 64) {
    throw new InvalidValueError({
      at: 'wgan',
      field: 'imageSize',
      value: o.imageSize,
      expected: '64 (the DCGAN critic ends in a 4×4 kernel)',
    })
  }
  const nz = positiveInt('wgan', 'latent', options.latent ?? 100)
  const w = positiveInt('wgan', 'width', options.width ?? 64)
  const B = o.batchSize
  const b = new GraphBuilder('wgan', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    imageSize: 64,
    dtype: o.dtype,
    architecture: 'wgan-dcgan',
    latent: nz,
    width: w,
  })
  const z = b.input('z', [B, nz, 1, 1])
  const real = b.input('images', [B, 3, 64, 64])

  const convT = (x: TensorRef, name: string, out: number, stride: number, padding: number) =>
    b.op('conv_transpose2d', [x], {
      name: 'convt',
      params: [b.param(`${name}.weight`, [x.shape[1]!, out, 4, 4])],
      attrs: { stride: [stride, stride], padding: [padding, padding] },
    })
  // generator: main.{k} indices as in the reference Sequential
  let g = b.inLayer('G.0', () => b.op('relu', [batchNorm(b, convT(z, 'G.main.0', 8 * w, 1, 0), 'G.main.1')]))
  const gWidths = [4 * w, 2 * w, w]
  gWidths.forEach((out, i) => {
    const k = 3 * (i + 1)
    g = b.inLayer(`G.${i + 1}`, () =>
      b.op('relu', [batchNorm(b, convT(g, `G.main.${k}`, out, 2, 1), `G.main.${k + 1}`)]),
    )
  })
  const fake = b.inLayer('G.4', () => b.op('tanh', [convT(g, 'G.main.12', 3, 2, 1)]))

  // critic, applied to both batches with the same (tied) parameters
  const critic = (x: TensorRef, tag: string): TensorRef => {
    let h = b.inLayer(`D.${tag}.0`, () =>
      b.op('leaky_relu', [conv(b, x, 'D.main.0', w, { kernel: 4, stride: 2, padding: 1 })], {
        attrs: { slope: 0.2 },
      }),
    )
    ;[2 * w, 4 * w, 8 * w].forEach((out, i) => {
      const k = 2 + 3 * i
      h = b.inLayer(`D.${tag}.${i + 1}`, () => {
        const c = conv(b, h, `D.main.${k}`, out, { kernel: 4, stride: 2, padding: 1 })
        return b.op('leaky_relu', [batchNorm(b, c, `D.main.${k + 1}`)], { attrs: { slope: 0.2 } })
      })
    })
    return b.inLayer(`D.${tag}.4`, () => conv(b, h, 'D.main.11', 1, { kernel: 4 }))
  }
  const scoreReal = critic(real, 'real')
  const scoreFake = critic(fake, 'fake')
  b.inLayer('loss', () => b.op('mse_loss', [scoreReal, scoreFake], { name: 'wasserstein' }))
  return b.build()
}
