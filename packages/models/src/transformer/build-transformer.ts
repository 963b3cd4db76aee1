import type { JsonValue, OpGraph, ParamSpec, TensorRef } from '@dnnperf/ir'
import { GraphBuilder, InvalidValueError } from '@dnnperf/ir'
import { resolveOptions } from '../internal/options.js'
import type { BuildOptions } from '../types.js'
import { checkTransformerConfig } from './check-config.js'
import type { BlockNames } from './naming.js'
import { modelNames } from './naming.js'
import type { TransformerConfig } from './types.js'

/**
 * The forward graph of a decoder or encoder transformer, with every shape, dtype and parameter.
 *
 * Layers: `embed`, `h.0` … `h.{L-1}` (one per block), `head`. A pre-norm block is norm → QKV projection (fused,
 * or separate q/k/v for grouped-query attention) → reshape/transpose to heads → fused `attention` (causal for
 * decoders) → output projection → residual add → norm → MLP (GELU/ReLU, SwiGLU, or a top-k mixture of SwiGLU
 * experts) → add; post-norm blocks (BERT, OPT-350m) put each norm after its add. Decoders end with the final
 * norm, the LM head and a cross-entropy loss; encoders with BERT's pooler when `pooler` is set.
 *
 * Parameter names follow the family's Hugging Face state dict (weights stored [in, out]); a tied LM head names
 * the token table, so it counts once, and reads it transposed (`linear` with `transposeWeight`). Rotary embeddings are one broadcast `mul` on q and k each (a stand-in of equal memory
 * traffic). MoE experts each get ⌈tokens·topK/experts⌉ tokens (perfect balance). Dropout is omitted.
 *
 * Exact in parameters; FLOP follow the IR's op-kind rules. O(layers · experts) ops.
 *
 * @throws InvalidValueError (`INVALID_VALUE`) for a bad config or option, or a sequence longer than a learned
 * position table.
 */
export function buildTransformer(config: TransformerConfig, options: BuildOptions = {}): OpGraph {
  checkTransformerConfig(config)
  const o = resolveOptions(config.name, options, {
    batchSize: 1,
    seqLen: config.defaultSeqLen,
    dtype: 'bf16',
  })
  if (config.positions === 'learned' && o.seqLen > config.maxPositions) {
    throw new InvalidValueError({
      at: config.name,
      field: 'seqLen',
      value: o.seqLen,
      expected: `at most maxPositions (${config.maxPositions}) for learned position embeddings`,
    })
  }
  const B = o.batchSize
  const S = o.seqLen
  const D = config.hidden
  const E = config.embedDim
  const V = config.vocab
  const names = modelNames(config.naming)
  const b = new GraphBuilder(config.name, { defaultDType: o.dtype })
  b.setMetadata({
    batchSize: B,
    seqLen: S,
    dtype: o.dtype,
    architecture: config.kind,
    config: config as unknown as JsonValue,
  })

  const weight = (name: string, shape: readonly number[]): ParamSpec => b.param(`${name}.weight`, shape)
  const linear = (
    x: TensorRef,
    name: string,
    inDim: number,
    outDim: number,
    opName: string,
    bias = config.bias,
  ) =>
    b.op('linear', [x], {
      name: opName,
      params: bias
        ? [weight(name, [inDim, outDim]), b.param(`${name}.bias`, [outDim])]
        : [weight(name, [inDim, outDim])],
    })
  const norm = (x: TensorRef, name: string, opName: string) =>
    config.norm === 'layernorm'
      ? b.op('layernorm', [x], { name: opName, params: [weight(name, [D]), b.param(`${name}.bias`, [D])] })
      : b.op('rmsnorm', [x], { name: opName, params: [weight(name, [D])] })

  // graph inputs, outside any layer
  const ids = b.input('input_ids', [B, S], 'int64')
  const positionIds = config.positions === 'learned' ? b.input('position_ids', [S], 'int64') : undefined
  const tokenTypeIds = config.tokenTypes > 0 ? b.input('token_type_ids', [B, S], 'int64') : undefined
  const rope = config.positions === 'rotary' ? b.input('rope_cos_sin', [S, config.headDim]) : undefined
  const decoder = config.kind === 'decoder'
  const labels = decoder ? b.input('labels', [B, S], 'int64') : undefined

  let x = b.inLayer('embed', () => {
    let h = b.op('embedding', [ids], { name: 'tokens', params: [weight(names.tokens, [V, E])] })
    if (E !== D) h = linear(h, names.projectIn, E, D, 'project_in', false)
    if (positionIds !== undefined) {
      const table = weight(names.positions, [config.maxPositions + config.positionOffset, D])
      h = b.op('add', [h, b.op('embedding', [positionIds], { name: 'positions', params: [table] })], {
        name: 'add_positions',
      })
    }
    if (tokenTypeIds !== undefined) {
      const table = weight(names.tokenTypes, [config.tokenTypes, D])
      h = b.op('add', [h, b.op('embedding', [tokenTypeIds], { name: 'token_types', params: [table] })], {
        name: 'add_token_types',
      })
    }
    return config.embeddingNorm ? norm(h, names.embedNorm, 'norm') : h
  })

  const toHeads = (t: TensorRef, heads: number, name: string) =>
    b.op(
      'transpose',
      [b.op('reshape', [t], { name: `${name}_view`, attrs: { shape: [B, S, heads, config.headDim] } })],
      {
        name: `${name}_heads`,
        attrs: { perm: [0, 2, 1, 3] },
      },
    )

  const attention = (a: TensorRef, n: BlockNames): TensorRef => {
    const qDim = config.heads * config.headDim
    const kvDim = config.kvHeads * config.headDim
    let q: TensorRef
    let k: TensorRef
    let v: TensorRef
    if (config.fusedQkv) {
      const qkv = linear(a, n.qkv, D, qDim + 2 * kvDim, 'qkv')
      ;[q, k, v] = b.opMulti('split', [qkv], {
        name: 'split_qkv',
        attrs: { axis: 2, sizes: [qDim, kvDim, kvDim] },
      }) as [TensorRef, TensorRef, TensorRef]
    } else {
      q = linear(a, n.q, D, qDim, 'q')
      k = linear(a, n.k, D, kvDim, 'k')
      v = linear(a, n.v, D, kvDim, 'v')
    }
    let qh = toHeads(q, config.heads, 'q')
    let kh = toHeads(k, config.kvHeads, 'k')
    const vh = toHeads(v, config.kvHeads, 'v')
    if (rope !== undefined) {
      qh = b.op('mul', [qh, rope], { name: 'rope_q' })
      kh = b.op('mul', [kh, rope], { name: 'rope_k' })
    }
    const y = b.op('attention', [qh, kh, vh], { name: 'attention', attrs: { causal: decoder } })
    const merged = b.op(
      'reshape',
      [b.op('transpose', [y], { name: 'merge_heads', attrs: { perm: [0, 2, 1, 3] } })],
      {
        name: 'merge_view',
        attrs: { shape: [B, S, qDim] },
      },
    )
    return linear(merged, n.o, qDim, D, 'o')
  }

  const swiglu = (m: TensorRef, gateName: string, upName: string, downName: string, prefix: string) => {
    const F = config.ffnHidden
    const gate = b.op('silu', [linear(m, gateName, D, F, `${prefix}gate`)], { name: `${prefix}silu` })
    const up = linear(m, upName, D, F, `${prefix}up`)
    return linear(b.op('mul', [gate, up], { name: `${prefix}glu` }), downName, F, D, `${prefix}down`)
  }

  const mixture = (m: TensorRef, n: BlockNames, experts: number, topK: number): TensorRef => {
    const T = B * S
    const flat = b.op('reshape', [m], { name: 'tokens_view', attrs: { shape: [T, D] } })
    const probs = b.op('softmax', [linear(flat, n.router, D, experts, 'router', false)], {
      name: 'router_softmax',
    })
    const [weights, chosen] = b.opMulti('topk', [probs], { name: 'topk', attrs: { k: topK } }) as [
      TensorRef,
      TensorRef,
    ]
    const capacity = Math.ceil((T * topK) / experts)
    const routed = b.opMulti('moe_dispatch', [flat, chosen], {
      name: 'dispatch',
      attrs: { experts, topK, capacity },
      outputs: Array.from({ length: experts }, () => ({ shape: [capacity, D], dtype: o.dtype })),
    })
    const outs = routed.map((t, e) => {
      const en = n.expert(e)
      return swiglu(t, en.gate, en.up, en.down, `expert.${e}.`)
    })
    const combined = b.op('moe_combine', [...outs, weights, chosen], {
      name: 'combine',
      attrs: { experts, topK },
      outputs: [{ shape: [T, D], dtype: o.dtype }],
    })
    return b.op('reshape', [combined], { name: 'combine_view', attrs: { shape: [B, S, D] } })
  }

  const mlp = (m: TensorRef, n: BlockNames): TensorRef => {
    if (config.moe !== undefined) return mixture(m, n, config.moe.experts, config.moe.topK)
    if (config.activation === 'swiglu') return swiglu(m, n.gate, n.up, n.down, '')
    const h = linear(m, n.fc1, D, config.ffnHidden, 'fc1')
    return linear(
      b.op(config.activation, [h], { name: config.activation }),
      n.fc2,
      config.ffnHidden,
      D,
      'fc2',
    )
  }

  const pre = config.normPlacement === 'pre'
  for (let i = 0; i < config.layers; i++) {
    const n = names.block(i)
    x = b.inLayer(`h.${i}`, () => {
      let h = b.op('add', [x, attention(pre ? norm(x, n.norm1, 'norm1') : x, n)], { name: 'residual1' })
      if (!pre) h = norm(h, n.norm1, 'norm1')
      let out = b.op('add', [h, mlp(pre ? norm(h, n.norm2, 'norm2') : h, n)], { name: 'residual2' })
      if (!pre) out = norm(out, n.norm2, 'norm2')
      return out
    })
  }

  b.inLayer('head', () => {
    let h = config.finalNorm ? norm(x, names.finalNorm, 'norm') : x
    if (E !== D) h = linear(h, names.projectOut, D, E, 'project_out', false)
    if (decoder) {
      let logits: TensorRef
      if (config.tieEmbeddings) {
        // tied head: logits = h · tableᵀ, reading the [V, d] token table in place
        logits = b.op('linear', [h], {
          name: 'lm_head',
          params: [weight(names.tokens, [V, E])],
          attrs: { transposeWeight: true },
        })
      } else {
        logits = linear(h, names.lmHead, E, V, 'lm_head', false)
      }
      b.op('cross_entropy', [logits, labels!], { name: 'loss' })
    } else if (config.pooler) {
      const first =
        S > 1
          ? b.opMulti('split', [h], { name: 'first_token', attrs: { axis: 1, sizes: [1, S - 1] } })[0]!
          : h
      const pooled = linear(
        b.op('reshape', [first], { name: 'first_view', attrs: { shape: [B, D] } }),
        names.pooler,
        D,
        D,
        'pooler',
        true,
      )
      b.op('tanh', [pooled], { name: 'pooler_tanh' })
    }
  })
  return b.build()
}
