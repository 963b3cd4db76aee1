import type { OpGraph, TensorRef } from '@dnnperf/ir'
import { GraphBuilder, InvalidValueError } from '@dnnperf/ir'
import { dense } from '../internal/layers.js'
import { positiveInt, resolveOptions } from '../internal/options.js'
import type { BuildOptions } from '../types.js'

/** Options of {@link buildTransformerWmt}. */
export interface TransformerWmtOptions extends BuildOptions {
  /** Vaswani et al. "big" (d 1024, ffn 4096, 16 heads) or "base" (512, 2048, 8). Default `big`. */
  readonly variant?: 'big' | 'base'
  /** Shared source/target vocabulary. Default 32,768 (the 32k joint subword vocabulary of WMT en–de). */
  readonly vocab?: number
  /** Target length; default `seqLen`. */
  readonly targetLen?: number
}

const VARIANTS = {
  big: { d: 1024, ffn: 4096, heads: 16, layers: 6 },
  base: { d: 512, ffn: 2048, heads: 8, layers: 6 },
} as const

/**
 * The Transformer for WMT translation (Vaswani et al. 2017), "big" by default (the size MLPerf Training's
 * translation benchmark uses), post-norm as in the paper and fairseq's `transformer_vaswani_wmt_en_de_big` (a
 * pre-norm variant would add two final norms, 4·d parameters): 6 encoder and 6 decoder layers, biased
 * projections, ReLU FFN, sinusoidal positions (an input, no parameters), and one embedding matrix shared by
 * source, target and the output projection.
 * Parameters: 176,357,376 + 1024·V for big (209,911,808 at V = 32,768) and 44,138,496 + 512·V for base.
 *
 * Parameter names follow fairseq (`encoder.layers.{i}.self_attn.q_proj`, `decoder.layers.{i}.encoder_attn…`).
 * Layers: `embed`, `encoder.{i}`, `decoder.{i}`, `head`. Ends with a cross-entropy loss. The tied output
 * projection reads the shared table transposed (`linear` with `transposeWeight`).
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a non-positive option.
 */
export function buildTransformerWmt(options: TransformerWmtOptions = {}): OpGraph {
  const o = resolveOptions('transformer-wmt', options, { batchSize: 64, seqLen: 64, dtype: 'fp32' })
  const variant = options.variant ?? 'big'
  if (variant !== 'big' && variant !== 'base') {
    throw new InvalidValueError({
      at: 'transformer-wmt',
      field: 'variant',
      value: variant,
      expected: 'big | base',
    })
  }
  const { d, ffn, heads, layers } = VARIANTS[variant]
  const V = positiveInt('transformer-wmt', 'vocab', options.vocab ?? 32768)
  const B = o.batchSize
  const S = o.seqLen
  const T = positiveInt('transformer-wmt', 'targetLen', options.targetLen ?? S)
  const hd = d / heads
  const name = `transformer-wmt-${variant}`
  const b = new GraphBuilder(name, { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    seqLen: S,
    targetLen: T,
    dtype: o.dtype,
    architecture: 'encoder-decoder',
    variant,
    vocab: V,
  })
  const src = b.input('source_ids', [B, S], 'int64')
  const tgt = b.input('target_ids', [B, T], 'int64')
  const srcPos = b.input('source_positions', [S, d])
  const tgtPos = b.input('target_positions', [T, d])
  const labels = b.input('labels', [B, T], 'int64')
  const table = () => b.param('encoder.embed_tokens.weight', [V, d])

  const embed = (ids: TensorRef, pos: TensorRef, tag: string) => {
    const e = b.op('embedding', [ids], { name: `${tag}_tokens`, params: [table()] })
    const scaled = b.op('scale', [e], { name: `${tag}_scale`, attrs: { factor: Math.sqrt(d) } })
    return b.op('add', [scaled, pos], { name: `${tag}_positions` })
  }
  const [srcX, tgtX] = b.inLayer('embed', () => [embed(src, srcPos, 'source'), embed(tgt, tgtPos, 'target')])

  const layerNorm = (x: TensorRef, n: string, opName: string) =>
    b.op('layernorm', [x], { name: opName, params: [b.param(`${n}.weight`, [d]), b.param(`${n}.bias`, [d])] })
  const heads4 = (t: TensorRef, len: number, tag: string) =>
    b.op(
      'transpose',
      [b.op('reshape', [t], { name: `${tag}_view`, attrs: { shape: [B, len, heads, hd] } })],
      {
        name: `${tag}_heads`,
        attrs: { perm: [0, 2, 1, 3] },
      },
    )
  const attention = (query: TensorRef, memory: TensorRef, n: string, causal: boolean, tag: string) => {
    const lq = query.shape[1]!
    const lk = memory.shape[1]!
    const q = heads4(dense(b, query, `${n}.q_proj`, d, true, `${tag}_q`), lq, `${tag}_q`)
    const k = heads4(dense(b, memory, `${n}.k_proj`, d, true, `${tag}_k`), lk, `${tag}_k`)
    const v = heads4(dense(b, memory, `${n}.v_proj`, d, true, `${tag}_v`), lk, `${tag}_v`)
    const y = b.op('attention', [q, k, v], { name: `${tag}_attention`, attrs: { causal } })
    const merged = b.op(
      'reshape',
      [b.op('transpose', [y], { name: `${tag}_merge`, attrs: { perm: [0, 2, 1, 3] } })],
      {
        name: `${tag}_merge_view`,
        attrs: { shape: [B, lq, d] },
      },
    )
    return dense(b, merged, `${n}.out_proj`, d, true, `${tag}_out`)
  }
  const ffnBlock = (x: TensorRef, n: string) =>
    dense(
      b,
      b.op('relu', [dense(b, x, `${n}.fc1`, ffn, true, 'fc1')], { name: 'relu' }),
      `${n}.fc2`,
      d,
      true,
      'fc2',
    )

  let x = srcX
  for (let i = 0; i < layers; i++) {
    const n = `encoder.layers.${i}`
    x = b.inLayer(`encoder.${i}`, () => {
      const a = layerNorm(
        b.op('add', [x, attention(x, x, `${n}.self_attn`, false, 'self')], { name: 'residual1' }),
        `${n}.self_attn_layer_norm`,
        'norm1',
      )
      return layerNorm(
        b.op('add', [a, ffnBlock(a, n)], { name: 'residual2' }),
        `${n}.final_layer_norm`,
        'norm2',
      )
    })
  }
  const memory = x
  let y = tgtX
  for (let i = 0; i < layers; i++) {
    const n = `decoder.layers.${i}`
    y = b.inLayer(`decoder.${i}`, () => {
      const s = layerNorm(
        b.op('add', [y, attention(y, y, `${n}.self_attn`, true, 'self')], { name: 'residual1' }),
        `${n}.self_attn_layer_norm`,
        'norm1',
      )
      const c = layerNorm(
        b.op('add', [s, attention(s, memory, `${n}.encoder_attn`, false, 'cross')], { name: 'residual2' }),
        `${n}.encoder_attn_layer_norm`,
        'norm2',
      )
      return layerNorm(
        b.op('add', [c, ffnBlock(c, n)], { name: 'residual3' }),
        `${n}.final_layer_norm`,
        'norm3',
      )
    })
  }
  b.inLayer('head', () => {
    const logits = b.op('linear', [y], {
      name: 'output_projection',
      params: [table()],
      attrs: { transposeWeight: true },
    })
    b.op('cross_entropy', [logits, labels], { name: 'loss' })
  })
  return b.build()
}
