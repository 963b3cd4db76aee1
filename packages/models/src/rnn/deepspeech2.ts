import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { conv } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import { recurrent } from '../internal/recurrent.js'
import type { BuildOptions } from '../types.js'

/** Options of {@link buildDeepSpeech2}. */
export interface DeepSpeech2Options extends BuildOptions {
  /** Spectrogram bins. Default 161 (16 kHz audio, 20 ms windows). */
  readonly frequencyBins?: number
  /** Bidirectional LSTM layers. Default 5. */
  readonly rnnLayers?: number
  /** LSTM width. Default 1024. */
  readonly hidden?: number
  /** Output characters including the CTC blank. Default 29. */
  readonly classes?: number
}

/**
 * DeepSpeech2 (Amodei et al. 2016) in the configuration of the PyTorch implementation used by the MLPerf v0.5
 * speech reference (deepspeech.pytorch): spectrogram [B, 1, 161, frames]; conv 32×(41×11) stride (2, 2) pad
 * (20, 5) and conv 32×(21×11) stride (2, 1) pad (10, 5), each with bias, batch norm and a clipped ReLU
 * (Hardtanh 0..20, modelled as `relu`); five bidirectional LSTM layers of 1024 whose directions are summed,
 * sequence-wise batch norm before every LSTM but the first; batch norm and a bias-free 1024→29 classifier; CTC
 * loss. 86,618,400 parameters with the defaults. `seqLen` is the number of input frames (default 1000 = 10 s).
 *
 * Layers: `conv1`, `conv2`, `rnn.{k}`, `fc`. Sequence-wise batch norm is `batchnorm2d` on [B·T, H].
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option.
 */
export function buildDeepSpeech2(options: DeepSpeech2Options = {}): OpGraph {
  const o = resolveOptions('deepspeech2', options, { batchSize: 32, seqLen: 1000, dtype: 'fp32' })
  const F = positiveInt('deepspeech2', 'frequencyBins', options.frequencyBins ?? 161)
  const L = positiveInt('deepspeech2', 'rnnLayers', options.rnnLayers ?? 5)
  const H = positiveInt('deepspeech2', 'hidden', options.hidden ?? 1024)
  const classes = positiveInt('deepspeech2', 'classes', options.classes ?? 29)
  const B = o.batchSize
  const b = new GraphBuilder('deepspeech2', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    seqLen: o.seqLen,
    dtype: o.dtype,
    architecture: 'deepspeech2',
    rnnLayers: L,
    hidden: H,
  })
  const spec = b.input('spectrogram', [B, 1, F, o.seqLen])
  const clip = { min: 0, max: 20 }
  let x = b.inLayer('conv1', () => {
    const c = conv(b, spec, 'conv.seq_module.0', 32, {
      kernel: [41, 11],
      stride: [2, 2],
      padding: [20, 5],
      bias: true,
    })
    return b.op(
      'relu',
      [b.op('batchnorm2d', [c], { name: 'bn', params: bnParams(b, 'conv.seq_module.1', 32) })],
      { attrs: clip },
    )
  })
  x = b.inLayer('conv2', () => {
    const c = conv(b, x, 'conv.seq_module.3', 32, {
      kernel: [21, 11],
      stride: [2, 1],
      padding: [10, 5],
      bias: true,
    })
    return b.op(
      'relu',
      [b.op('batchnorm2d', [c], { name: 'bn', params: bnParams(b, 'conv.seq_module.4', 32) })],
      { attrs: clip },
    )
  })
  const [, channels, freq, frames] = x.shape as [number, number, number, number]
  const labels = b.input('transcripts', [B, Math.max(1, Math.floor(frames / 4))], 'int64')
  // [B, C, F', T'] → [B, T', C·F'] for the recurrent layers
  let seq: TensorRef = b.inLayer('conv2', () =>
    b.op(
      'transpose',
      [b.op('reshape', [x], { name: 'features_view', attrs: { shape: [B, channels * freq, frames] } })],
      {
        name: 'to_sequence',
        attrs: { perm: [0, 2, 1] },
      },
    ),
  )
  const seqNorm = (t: TensorRef, name: string): TensorRef => {
    const width = t.shape[2]!
    const flat = b.op('reshape', [t], { name: 'bn_view', attrs: { shape: [B * frames, width] } })
    const n = b.op('batchnorm2d', [flat], { name: 'bn', params: bnParams(b, name, width) })
    return b.op('reshape', [n], { name: 'bn_unview', attrs: { shape: [B, frames, width] } })
  }
  for (let i = 0; i < L; i++) {
    seq = b.inLayer(`rnn.${i}`, () => {
      const input = i === 0 ? seq : seqNorm(seq, `rnns.${i}.batch_norm.module`)
      const fwd = recurrent(b, input, `rnns.${i}.rnn`, 'l0', H, 'lstm', 'rnn_fwd')
      const bwd = recurrent(b, input, `rnns.${i}.rnn`, 'l0_reverse', H, 'lstm', 'rnn_bwd')
      return b.op('add', [fwd, bwd], { name: 'sum_directions' })
    })
  }
  b.inLayer('fc', () => {
    const n = seqNorm(seq, 'fc.0.module.0')
    const logits = b.op('linear', [n], {
      name: 'fc',
      params: [b.param('fc.0.module.1.weight', [H, classes])],
    })
    b.op('ctc_loss', [b.op('softmax', [logits], { name: 'log_softmax' }), labels], { name: 'loss' })
  })
  return b.build()
}

function bnParams(b: GraphBuilder, name: string, channels: number) {
  return [b.param(`${name}.weight`, [channels]), b.param(`${name}.bias`, [channels])]
}
