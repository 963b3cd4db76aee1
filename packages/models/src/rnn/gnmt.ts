import type { OpGraph } from '@dnnperf/ir'
import { GraphBuilder } from '@dnnperf/ir'
import { dense } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import { recurrent } from '../internal/recurrent.js'
import type { BuildOptions } from '../types.js'

/** Options of {@link buildGnmt}. */
export interface GnmtOptions extends BuildOptions {
  /** Shared source/target vocabulary. Default 32,320 (MLPerf's 32k BPE, padded to a multiple of 8). */
  readonly vocab?: number
  /** LSTM width. Default 1024. */
  readonly hidden?: number
  /** Target length; default `seqLen`. */
  readonly targetLen?: number
}

/**
 * GNMT (Wu et al. 2016) in the 4-layer configuration of the MLPerf Training reference (`rnn_translator`,
 * `seq2seq/models/gnmt.py`): shared embeddings; encoder = one bidirectional LSTM layer, then three
 * unidirectional LSTM layers (residual from the third on); decoder = an attention LSTM with normalised Bahdanau
 * attention over the encoder outputs, then three LSTM layers fed [output, context] (residual from the second on)
 * and a biased classifier. With vocab 32,320 and width 1024: 160,671,297 parameters.
 *
 * Bahdanau attention is composed from IR kinds: linear_q (with normalize_bias as its bias) and linear_k, a
 * broadcast add to [B, T, S, H], tanh, linear_att ([H, 1], with the scalar normalize_scalar as its 1-element
 * bias: same count, same cost class), softmax and a batched matmul with the keys. Dropout is omitted.
 *
 * Layers: `embed`, `encoder.{0-3}`, `decoder.attention`, `decoder.{0-2}`, `classifier`. Ends with a loss.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option.
 */
export function buildGnmt(options: GnmtOptions = {}): OpGraph {
  const o = resolveOptions('gnmt', options, { batchSize: 128, seqLen: 50, dtype: 'fp32' })
  const V = positiveInt('gnmt', 'vocab', options.vocab ?? 32320)
  const H = positiveInt('gnmt', 'hidden', options.hidden ?? 1024)
  const B = o.batchSize
  const S = o.seqLen
  const T = positiveInt('gnmt', 'targetLen', options.targetLen ?? S)
  const b = new GraphBuilder('gnmt', { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    seqLen: S,
    targetLen: T,
    dtype: o.dtype,
    architecture: 'gnmt',
    vocab: V,
    hidden: H,
  })
  const src = b.input('source_ids', [B, S], 'int64')
  const tgt = b.input('target_ids', [B, T], 'int64')
  const labels = b.input('labels', [B, T], 'int64')
  const embedding = () => b.param('embedder.weight', [V, H])
  const [srcEmb, tgtEmb] = b.inLayer('embed', () => [
    b.op('embedding', [src], { name: 'source', params: [embedding()] }),
    b.op('embedding', [tgt], { name: 'target', params: [embedding()] }),
  ])

  // encoder
  let x = b.inLayer('encoder.0', () => {
    const fwd = recurrent(b, srcEmb, 'encoder.rnn_layers.0', 'l0', H, 'lstm', 'rnn_fwd')
    const bwd = recurrent(b, srcEmb, 'encoder.rnn_layers.0', 'l0_reverse', H, 'lstm', 'rnn_bwd')
    return b.op('concat', [fwd, bwd], { name: 'concat', attrs: { axis: 2 } })
  })
  for (let i = 1; i <= 3; i++) {
    x = b.inLayer(`encoder.${i}`, () => {
      const y = recurrent(b, x, `encoder.rnn_layers.${i}`, 'l0', H)
      return i >= 2 ? b.op('add', [y, x], { name: 'residual' }) : y
    })
  }
  const keys = x

  // decoder: attention LSTM and normalised Bahdanau attention
  const [att, context] = b.inLayer('decoder.attention', () => {
    const h = recurrent(b, tgtEmb, 'decoder.att_rnn.rnn', 'l0', H)
    const a = 'decoder.att_rnn.attn'
    const q = b.op('linear', [h], {
      name: 'linear_q',
      params: [b.param(`${a}.linear_q.weight`, [H, H]), b.param(`${a}.normalize_bias`, [H])],
    })
    const k = dense(b, keys, `${a}.linear_k`, H, false, 'linear_k')
    const sum = b.op(
      'add',
      [
        b.op('reshape', [q], { name: 'q_view', attrs: { shape: [B, T, 1, H] } }),
        b.op('reshape', [k], { name: 'k_view', attrs: { shape: [B, 1, S, H] } }),
      ],
      { name: 'score_sum' },
    )
    const score = b.op('linear', [b.op('tanh', [sum], { name: 'score_tanh' })], {
      name: 'linear_att',
      params: [b.param(`${a}.linear_att`, [H, 1]), b.param(`${a}.normalize_scalar`, [1])],
    })
    const p = b.op(
      'softmax',
      [b.op('reshape', [score], { name: 'score_view', attrs: { shape: [B, T, S] } })],
      { name: 'softmax' },
    )
    return [h, b.op('matmul', [p, keys], { name: 'context' })] as const
  })

  let y = att
  for (let i = 0; i < 3; i++) {
    y = b.inLayer(`decoder.${i}`, () => {
      const inp = b.op('concat', [y, context], { name: 'concat', attrs: { axis: 2 } })
      const out = recurrent(b, inp, `decoder.rnn_layers.${i}`, 'l0', H)
      return i >= 1 ? b.op('add', [out, y], { name: 'residual' }) : out
    })
  }
  b.inLayer('classifier', () => {
    const logits = dense(b, y, 'decoder.classifier.classifier', V, true, 'classifier')
    b.op('cross_entropy', [logits, labels], { name: 'loss' })
  })
  return b.build()
}
