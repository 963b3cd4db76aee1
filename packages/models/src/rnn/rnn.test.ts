import { summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildDeepSpeech2 } from './deepspeech2.js'
import { buildGnmt } from './gnmt.js'

// one LSTM direction in PyTorch: W_ih [4H, I], W_hh [4H, H], b_ih and b_hh [4H]
const lstm = (i: number, h: number) => 4 * h * i + 4 * h * h + 8 * h

describe('GNMT (MLPerf rnn_translator layout)', () => {
  it('has 160,671,297 parameters at vocab 32,320 and width 1024 (hand count)', () => {
    const H = 1024
    const V = 32320
    const encoder = 2 * lstm(H, H) + lstm(2 * H, H) + 2 * lstm(H, H)
    const attention = 2 * H * H + H + 1 + H // linear_q, linear_k, normalize_bias, normalize_scalar, linear_att
    const decoder = lstm(H, H) + attention + 3 * lstm(2 * H, H) + (H * V + V)
    const expected = V * H + encoder + decoder
    expect(expected).toBe(160_671_297)
    expect(summarizeModel(buildGnmt({ batchSize: 2, seqLen: 7 })).parameters).toBe(expected)
  })

  it('scales with source and target lengths and keeps attention shapes [B, T, S]', () => {
    const g = buildGnmt({ batchSize: 3, seqLen: 5, targetLen: 9 })
    const softmax = g.nodes.find((n) => n.id === 'decoder.attention/softmax')!
    expect(softmax.outputs[0]!.shape).toEqual([3, 9, 5])
    const context = g.nodes.find((n) => n.id === 'decoder.attention/context')!
    expect(context.outputs[0]!.shape).toEqual([3, 9, 1024])
    expect(() => buildGnmt({ targetLen: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'targetLen' }),
    )
    expect(() => buildGnmt({ vocab: 2.5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'vocab' }),
    )
  })
})

describe('DeepSpeech2', () => {
  it('has 86,618,400 parameters with the default configuration (hand count)', () => {
    const conv = 32 * 41 * 11 + 32 + 2 * 32 + (32 * 32 * 21 * 11 + 32) + 2 * 32
    const rnnInput = 32 * 41 // 161 bins → 81 → 41 after the two frequency strides
    const rnns = 2 * lstm(rnnInput, 1024) + 4 * (2 * 1024 + 2 * lstm(1024, 1024))
    const fc = 2 * 1024 + 1024 * 29
    expect(conv + rnns + fc).toBe(86_618_400)
    expect(summarizeModel(buildDeepSpeech2({ batchSize: 2, seqLen: 100 })).parameters).toBe(86_618_400)
  })

  it('halves the frame count in the first convolution', () => {
    const g = buildDeepSpeech2({ batchSize: 2, seqLen: 100 })
    const rnn = g.nodes.find((n) => n.id === 'rnn.0/rnn_fwd')!
    expect(rnn.inputs[0]!.shape).toEqual([2, 50, 1312])
  })
})
