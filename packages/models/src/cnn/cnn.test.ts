import type { OpGraph } from '@dnnperf/ir'
import { summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildDenseNet121 } from './densenet.js'
import { buildInceptionV3 } from './inception-v3.js'
import { buildResNet50 } from './resnet.js'
import { buildVgg19 } from './vgg.js'

/** Multiply-accumulates of the convolutions and fully connected layers of a batch-1 graph. */
function macs(g: OpGraph): number {
  let total = 0
  for (const n of g.nodes) {
    if (n.kind === 'conv2d') {
      const w = n.params[0]!.shape
      const y = n.outputs[0]!.shape
      total += y[1]! * y[2]! * y[3]! * w[1]! * w[2]! * w[3]!
    }
    if (n.kind === 'linear') total += n.params[0]!.shape[0]! * n.params[0]!.shape[1]!
  }
  return total
}

describe('CNN parameter counts match torchvision', () => {
  it('resnet50 has 25,557,032 parameters', () => {
    expect(summarizeModel(buildResNet50({ batchSize: 1 })).parameters).toBe(25_557_032)
  })
  it('resnet101 (blocks 3-4-23-3) has 44,549,160 parameters', () => {
    expect(summarizeModel(buildResNet50({ batchSize: 1, blocks: [3, 4, 23, 3] })).parameters).toBe(44_549_160)
  })
  it('vgg19 has 143,667,240 parameters', () => {
    expect(summarizeModel(buildVgg19({ batchSize: 1 })).parameters).toBe(143_667_240)
  })
  it('densenet121 has 7,978,856 parameters', () => {
    expect(summarizeModel(buildDenseNet121({ batchSize: 1 })).parameters).toBe(7_978_856)
  })
  it('inception_v3 has 27,161,264 parameters with the auxiliary head and 23,834,568 without', () => {
    expect(summarizeModel(buildInceptionV3({ batchSize: 1 })).parameters).toBe(27_161_264)
    expect(summarizeModel(buildInceptionV3({ batchSize: 1, auxLogits: false })).parameters).toBe(23_834_568)
  })
})

describe('CNN forward FLOP', () => {
  it('resnet50 at 224² costs ≈ 4.1 GMAC = 8.2 GFLOP per image in convolutions and the classifier', () => {
    const s = summarizeModel(buildResNet50({ batchSize: 2 }))
    // convolutions + fc are 4.09 GMAC; BN, ReLU, pooling and adds add ~2%
    expect(s.forwardFlopsPerSample).toBeGreaterThan(8.1e9)
    expect(s.forwardFlopsPerSample).toBeLessThan(8.5e9)
  })
  it('resnet50 conv+fc MACs at 224² are exactly 4,089,184,256', () => {
    expect(macs(buildResNet50({ batchSize: 1 }))).toBe(4_089_184_256)
  })
  // torchvision's model cards list these "GFLOPS" (multiply-accumulates, rounded to 0.01 G)
  it.each([
    ['resnet50', () => buildResNet50({ batchSize: 1 }), 4.09],
    ['vgg19', () => buildVgg19({ batchSize: 1 }), 19.63],
    ['densenet121', () => buildDenseNet121({ batchSize: 1 }), 2.83],
    ['inception_v3', () => buildInceptionV3({ batchSize: 1, auxLogits: false }), 5.71],
  ])('%s has the GMAC torchvision publishes', (_, build, gmac) => {
    expect(Math.abs(macs(build()) / 1e9 - gmac)).toBeLessThan(0.006)
  })
  it('vgg19 at 224² is ≈ 19.6 GMAC per image', () => {
    const s = summarizeModel(buildVgg19({ batchSize: 1 }))
    expect(s.forwardFlopsPerSample / 2).toBeGreaterThan(19.5e9)
    expect(s.forwardFlopsPerSample / 2).toBeLessThan(19.8e9)
  })
  it('scales FLOP with image area and keeps parameters', () => {
    const a = summarizeModel(buildResNet50({ batchSize: 1, imageSize: 224 }))
    const b = summarizeModel(buildResNet50({ batchSize: 1, imageSize: 448 }))
    expect(b.parameters).toBe(a.parameters)
    expect(b.forwardFlopsPerSample / a.forwardFlopsPerSample).toBeGreaterThan(3.9)
  })
  it('rejects images too small for the strides with a typed error', () => {
    expect(() => buildVgg19({ imageSize: 16 })).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    )
    expect(() => buildVgg19({ batchSize: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'batchSize' }),
    )
  })
})
