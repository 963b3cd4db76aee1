import { isDType } from '../dtype.js'
import { ShapeMismatchError } from '../errors.js'
import type { TensorSpec } from '../tensor.js'
import { formatTensorSpec, tensorBytes, tensorElements } from '../tensor.js'
import type { BackwardOpSpec, OpKindDef, OpSignature } from './registry.js'
import { OpKindRegistry } from './registry.js'
import type { OpNode, ParamSpec } from './types.js'

// FLOP conventions: a multiply-add is 2 FLOP; elementwise ops count the arithmetic per element given in each
// definition (e.g. GELU's tanh form as 8). Attention counts both GEMMs in full even when causal, as
// Megatron-LM's FLOP formula does; cost models may discount the masked half using the `causal` attribute.

const elems = tensorElements
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1)

function input(op: OpSignature | OpNode, i: number): TensorSpec {
  const t = op.inputs[i]
  if (t === undefined) throw new ShapeMismatchError({ nodeId: op.id, detail: `${op.kind} needs input ${i}` })
  return t
}
function output(op: OpNode, i = 0): TensorSpec {
  const t = op.outputs[i]
  if (t === undefined) throw new ShapeMismatchError({ nodeId: op.id, detail: `${op.kind} needs output ${i}` })
  return t
}
function param(op: OpSignature | OpNode, i: number): ParamSpec {
  const p = op.params[i]
  if (p === undefined)
    throw new ShapeMismatchError({ nodeId: op.id, detail: `${op.kind} needs parameter ${i}` })
  return p
}
function mismatch(op: OpSignature, detail: string): never {
  throw new ShapeMismatchError({ nodeId: op.id, detail })
}
function numAttr(op: OpSignature, name: string, fallback: number): number {
  const v = op.attrs[name]
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isFinite(v)) mismatch(op, `attribute ${name} must be a finite number`)
  return v
}
function pairAttr(op: OpSignature, name: string, fallback: number): [number, number] {
  const v = op.attrs[name]
  if (v === undefined) return [fallback, fallback]
  if (typeof v === 'number') return [v, v]
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
    return [v[0] as number, v[1] as number]
  return mismatch(op, `attribute ${name} must be a number or a pair of numbers`)
}
function rank(op: OpSignature, t: TensorSpec, min: number, what: string): void {
  if (t.shape.length < min) mismatch(op, `${what} ${formatTensorSpec(t)} needs rank >= ${min}`)
}
const last = (s: readonly number[]): number => s[s.length - 1] ?? 1

/** Broadcast two shapes NumPy-style, or throw naming the op. */
function broadcast(op: OpSignature, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1
    const y = b[b.length - n + i] ?? 1
    if (x !== y && x !== 1 && y !== 1)
      mismatch(op, `cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`)
    out.push(x === 1 ? y : x)
  }
  return out
}

/** A parameter's gradient has the parameter's shape and dtype. */
const paramTensor = (p: ParamSpec): TensorSpec => ({ shape: p.shape, dtype: p.dtype })

/**
 * Backward of an op with one data input and parameters: a data-gradient op when input 0 needs a gradient, and a
 * weight-gradient op producing every parameter's gradient. Both keep the forward op's attributes.
 */
function dataAndWeightGrads(
  op: OpNode,
  needs: readonly boolean[],
  data: { readonly kind: string; readonly inputs: readonly TensorSpec[] },
  weight: { readonly kind: string; readonly inputs: readonly TensorSpec[] },
): BackwardOpSpec[] {
  const out: BackwardOpSpec[] = []
  if (needs[0] === true) {
    out.push({
      kind: data.kind,
      role: 'data',
      inputIndices: [0],
      inputs: data.inputs,
      outputs: [input(op, 0)],
      attrs: op.attrs,
    })
  }
  if (op.params.length > 0) {
    out.push({
      kind: weight.kind,
      role: 'weight',
      inputs: weight.inputs,
      outputs: op.params.map(paramTensor),
      attrs: op.attrs,
    })
  }
  return out
}

/** Gradient op of the same shape as the forward input, named `${kind}_grad`. */
function gradKind(kind: string, engine: OpKindDef['engine'], flopPerElement: number): OpKindDef {
  return {
    kind: `${kind}_grad`,
    engine,
    description: `gradient of ${kind} with respect to its data inputs`,
    flop: (op) => flopPerElement * op.outputs.reduce((s, t) => s + elems(t), 0),
  }
}

/** Unary elementwise op: output is the input; `flopPerElement` each way. */
function unary(
  kind: string,
  flopPerElement: number,
  gradFlopPerElement: number,
  description: string,
): OpKindDef[] {
  return [
    {
      kind,
      engine: 'vector',
      description,
      inferOutputs: (op) => [input(op, 0)],
      flop: (op) => flopPerElement * elems(output(op)),
    },
    gradKind(kind, 'vector', gradFlopPerElement),
  ]
}

/** Binary elementwise op with broadcasting. */
function binary(kind: string, flopPerElement: number, description: string): OpKindDef[] {
  return [
    {
      kind,
      engine: 'vector',
      description,
      inferOutputs: (op) => [
        { shape: broadcast(op, input(op, 0).shape, input(op, 1).shape), dtype: input(op, 0).dtype },
      ],
      flop: (op) => flopPerElement * elems(output(op)),
      backward: (op, needs) =>
        needs.flatMap((n, i): BackwardOpSpec[] =>
          n
            ? [
                {
                  kind: `${kind}_grad`,
                  role: 'data',
                  inputIndices: [i],
                  inputs: [output(op), ...op.inputs],
                  outputs: [input(op, i)],
                  suffix: `in${i}`,
                },
              ]
            : [],
        ),
    },
    gradKind(kind, 'vector', flopPerElement),
  ]
}

/** Normalisation with per-feature scale (and shift): data and weight gradients. */
function norm(kind: string, flop: number, dataGradFlop: number, weightGradFlop: number, description: string) {
  const defs: OpKindDef[] = [
    {
      kind,
      engine: 'vector',
      description,
      inferOutputs: (op) => {
        const x = input(op, 0)
        const feature = kind === 'batchnorm2d' ? (x.shape[1] ?? 0) : last(x.shape)
        for (const p of op.params) {
          if (elems(p) !== feature)
            mismatch(op, `parameter ${p.name} has ${elems(p)} elements, expected ${feature}`)
        }
        return [x]
      },
      flop: (op) => flop * elems(output(op)),
      backward: (op, needs) =>
        dataAndWeightGrads(
          op,
          needs,
          { kind: `${kind}_grad`, inputs: [output(op), input(op, 0)] },
          { kind: `${kind}_wgrad`, inputs: [output(op), input(op, 0)] },
        ),
    },
    gradKind(kind, 'vector', dataGradFlop),
    {
      kind: `${kind}_wgrad`,
      engine: 'vector',
      description: `gradient of ${kind} with respect to its scale and shift`,
      flop: (op) => weightGradFlop * elems(input(op, 0)),
    },
  ]
  return defs
}

function matmulOutputs(op: OpSignature): TensorSpec[] {
  const a = input(op, 0)
  const b = input(op, 1)
  rank(op, a, 2, 'left operand')
  rank(op, b, 2, 'right operand')
  const m = a.shape[a.shape.length - 2]!
  const k = last(a.shape)
  const kb = b.shape[b.shape.length - 2]!
  const n = last(b.shape)
  if (k !== kb)
    mismatch(op, `matmul inner dimensions differ: ${formatTensorSpec(a)} · ${formatTensorSpec(b)}`)
  const batch = broadcast(op, a.shape.slice(0, -2), b.shape.slice(0, -2))
  return [{ shape: [...batch, m, n], dtype: a.dtype }]
}
function matmulGemm(op: OpNode) {
  const a = input(op, 0)
  const out = output(op)
  const m = a.shape[a.shape.length - 2]!
  const k = last(a.shape)
  const n = last(out.shape)
  return { m, n, k, batch: prod(out.shape.slice(0, -2)) }
}
const transposeLast = (t: TensorSpec): TensorSpec => {
  const s = [...t.shape]
  const n = s.length
  if (n >= 2) [s[n - 2], s[n - 1]] = [s[n - 1]!, s[n - 2]!]
  return { shape: s, dtype: t.dtype }
}

/** Input and output features of a linear op: W is [in, out], or [out, in] with `transposeWeight`. */
function linearDims(op: OpSignature | OpNode): { inFeatures: number; outFeatures: number } {
  const w = param(op, 0)
  const t = op.attrs.transposeWeight === true
  return { inFeatures: (t ? w.shape[1] : w.shape[0]) ?? 0, outFeatures: (t ? w.shape[0] : w.shape[1]) ?? 0 }
}

/**
 * Linear layer `y = x · W + b`. W has shape [in, out], or [out, in] with attribute `transposeWeight: true`
 * (PyTorch's layout, and how a tied output layer reads the [vocab, d] embedding table).
 */
const linear: OpKindDef = {
  kind: 'linear',
  engine: 'matrix',
  description: 'fully connected layer y = x·W (+ b); W is [in, out], or [out, in] with attr transposeWeight',
  inferOutputs: (op) => {
    const x = input(op, 0)
    const w = param(op, 0)
    if (w.shape.length !== 2) mismatch(op, `weight ${w.name} must be 2-D, got [${w.shape.join(', ')}]`)
    const { inFeatures, outFeatures } = linearDims(op)
    if (last(x.shape) !== inFeatures) {
      mismatch(op, `input ${formatTensorSpec(x)} does not match weight [${w.shape.join(', ')}]`)
    }
    const b = op.params[1]
    if (b !== undefined && elems(b) !== outFeatures)
      mismatch(op, `bias ${b.name} must have ${outFeatures} elements`)
    return [{ shape: [...x.shape.slice(0, -1), outFeatures], dtype: x.dtype }]
  },
  flop: (op) => {
    const g = linear.gemm!(op)
    return 2 * g.m * g.n * g.k + (op.params.length > 1 ? g.m * g.n : 0)
  },
  gemm: (op) => {
    const x = input(op, 0)
    const { inFeatures, outFeatures } = linearDims(op)
    return { m: elems(x) / last(x.shape), k: inFeatures, n: outFeatures, batch: 1 }
  },
  backward: (op, needs) => {
    const x = input(op, 0)
    const w = param(op, 0)
    const { inFeatures, outFeatures } = linearDims(op)
    const rows = elems(x) / last(x.shape)
    const dt = x.dtype
    const out: BackwardOpSpec[] = []
    // dX = dY · Wᵀ: [rows, out] · [out, in]
    if (needs[0] === true) {
      out.push({
        kind: 'matmul',
        role: 'data',
        inputIndices: [0],
        inputs: [
          { shape: [rows, outFeatures], dtype: dt },
          { shape: [outFeatures, inFeatures], dtype: dt },
        ],
        outputs: [{ shape: [rows, inFeatures], dtype: dt }],
      })
    }
    // dW = Xᵀ · dY ([in, out]) or dYᵀ · X ([out, in]): the weight's stored layout
    const t = op.attrs.transposeWeight === true
    out.push({
      kind: 'matmul',
      role: 'weight',
      inputs: t
        ? [
            { shape: [outFeatures, rows], dtype: dt },
            { shape: [rows, inFeatures], dtype: dt },
          ]
        : [
            { shape: [inFeatures, rows], dtype: dt },
            { shape: [rows, outFeatures], dtype: dt },
          ],
      outputs: [{ shape: [...w.shape], dtype: dt }],
    })
    return out
  },
}

const matmul: OpKindDef = {
  kind: 'matmul',
  engine: 'matrix',
  description: 'batched matrix product [..., m, k] · [..., k, n] with broadcasting batch dimensions',
  inferOutputs: matmulOutputs,
  flop: (op) => {
    const g = matmulGemm(op)
    return 2 * g.m * g.n * g.k * g.batch
  },
  gemm: matmulGemm,
  backward: (op, needs) => {
    const a = input(op, 0)
    const b = input(op, 1)
    const dc = output(op)
    const out: BackwardOpSpec[] = []
    // dA = dC · Bᵀ and dB = Aᵀ · dC. An operand broadcast over batch dimensions gets the sum over them: the
    // summed batches fold into the GEMM's inner dimension, so the op has the operand's shape and the FLOP
    // of the forward product.
    const batchOf = (t: TensorSpec) => prod(t.shape.slice(0, -2))
    const outBatch = batchOf(dc)
    const m = dc.shape[dc.shape.length - 2]!
    const n = last(dc.shape)
    const k = last(a.shape)
    if (needs[0] === true) {
      const fold = outBatch / batchOf(a)
      const lead = a.shape.slice(0, -2)
      out.push({
        kind: 'matmul',
        role: 'data',
        inputIndices: [0],
        inputs:
          fold === 1
            ? [dc, transposeLast(b)]
            : [
                { shape: [...lead, m, fold * n], dtype: dc.dtype },
                { shape: [...lead, fold * n, k], dtype: b.dtype },
              ],
        outputs: [a],
        suffix: 'a',
      })
    }
    if (needs[1] === true) {
      const fold = outBatch / batchOf(b)
      const lead = b.shape.slice(0, -2)
      out.push({
        kind: 'matmul',
        role: 'data',
        inputIndices: [1],
        inputs:
          fold === 1
            ? [transposeLast(a), dc]
            : [
                { shape: [...lead, k, fold * m], dtype: a.dtype },
                { shape: [...lead, fold * m, n], dtype: dc.dtype },
              ],
        outputs: [b],
        suffix: 'b',
      })
    }
    return out
  },
}

function convOut(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1
}

/** 2-D convolution, NCHW, weight [outChannels, inChannels / groups, kh, kw]. */
const conv2d: OpKindDef = {
  kind: 'conv2d',
  engine: 'matrix',
  description:
    '2-D convolution, NCHW; weight [out, in/groups, kh, kw]; attrs stride, padding, dilation, groups',
  inferOutputs: (op) => {
    const x = input(op, 0)
    const w = param(op, 0)
    if (x.shape.length !== 4) mismatch(op, `input ${formatTensorSpec(x)} must be NCHW`)
    if (w.shape.length !== 4) mismatch(op, `weight ${w.name} must be [out, in/groups, kh, kw]`)
    const groups = numAttr(op, 'groups', 1)
    const [n, c, h, wd] = x.shape as [number, number, number, number]
    if (c !== w.shape[1]! * groups)
      mismatch(op, `input has ${c} channels, weight expects ${w.shape[1]! * groups}`)
    const [sh, sw] = pairAttr(op, 'stride', 1)
    const [ph, pw] = pairAttr(op, 'padding', 0)
    const [dh, dw] = pairAttr(op, 'dilation', 1)
    const ho = convOut(h, w.shape[2]!, sh, ph, dh)
    const wo = convOut(wd, w.shape[3]!, sw, pw, dw)
    if (ho < 1 || wo < 1) mismatch(op, `output would be ${ho}x${wo}`)
    return [{ shape: [n, w.shape[0]!, ho, wo], dtype: x.dtype }]
  },
  flop: (op) => {
    const w = param(op, 0)
    const y = output(op)
    return 2 * elems(y) * w.shape[1]! * w.shape[2]! * w.shape[3]! + (op.params.length > 1 ? elems(y) : 0)
  },
  gemm: (op) => {
    const w = param(op, 0)
    const y = output(op)
    const groups = typeof op.attrs.groups === 'number' ? op.attrs.groups : 1
    return {
      m: y.shape[0]! * y.shape[2]! * y.shape[3]!,
      n: w.shape[0]! / groups,
      k: w.shape[1]! * w.shape[2]! * w.shape[3]!,
      batch: groups,
    }
  },
  backward: (op, needs) => {
    const x = input(op, 0)
    const y = output(op)
    return dataAndWeightGrads(
      op,
      needs,
      { kind: 'conv2d_dgrad', inputs: [y, paramTensor(param(op, 0))] },
      { kind: 'conv2d_wgrad', inputs: [x, y] },
    )
  },
}

/** Transposed 2-D convolution (WGAN generators), weight [in, out / groups, kh, kw]. */
const convTranspose2d: OpKindDef = {
  kind: 'conv_transpose2d',
  engine: 'matrix',
  description:
    'transposed 2-D convolution, NCHW; weight [in, out/groups, kh, kw]; attrs stride, padding, outputPadding',
  inferOutputs: (op) => {
    const x = input(op, 0)
    const w = param(op, 0)
    if (x.shape.length !== 4 || w.shape.length !== 4)
      mismatch(op, 'conv_transpose2d needs NCHW input and 4-D weight')
    const [n, c, h, wd] = x.shape as [number, number, number, number]
    const groups = numAttr(op, 'groups', 1)
    if (c !== w.shape[0]) mismatch(op, `input has ${c} channels, weight expects ${w.shape[0]}`)
    const [sh, sw] = pairAttr(op, 'stride', 1)
    const [ph, pw] = pairAttr(op, 'padding', 0)
    const [oh, ow] = pairAttr(op, 'outputPadding', 0)
    const ho = (h - 1) * sh - 2 * ph + w.shape[2]! + oh
    const wo = (wd - 1) * sw - 2 * pw + w.shape[3]! + ow
    if (ho < 1 || wo < 1) mismatch(op, `output would be ${ho}x${wo}`)
    return [{ shape: [n, w.shape[1]! * groups, ho, wo], dtype: x.dtype }]
  },
  // every input element is multiplied into kh·kw·out/groups outputs
  flop: (op) => {
    const w = param(op, 0)
    return 2 * elems(input(op, 0)) * w.shape[1]! * w.shape[2]! * w.shape[3]!
  },
  gemm: (op) => {
    const x = input(op, 0)
    const w = param(op, 0)
    return {
      m: x.shape[0]! * x.shape[2]! * x.shape[3]!,
      n: w.shape[1]! * w.shape[2]! * w.shape[3]!,
      k: w.shape[0]!,
      batch: 1,
    }
  },
  backward: (op, needs) => {
    const x = input(op, 0)
    const y = output(op)
    return dataAndWeightGrads(
      op,
      needs,
      { kind: 'conv_transpose2d_grad', inputs: [y, paramTensor(param(op, 0))] },
      { kind: 'conv_transpose2d_wgrad', inputs: [x, y] },
    )
  },
}

/** Backward convolutions cost what the forward costs: the same multiply-adds in another order. */
const convGrads: OpKindDef[] = [
  {
    kind: 'conv2d_dgrad',
    engine: 'matrix',
    description: 'gradient of conv2d with respect to its input; inputs [dY, W]',
    flop: (op) => {
      const dy = input(op, 0)
      const w = input(op, 1)
      return 2 * elems(dy) * w.shape[1]! * w.shape[2]! * w.shape[3]!
    },
    gemm: (op) => {
      const dy = input(op, 0)
      const w = input(op, 1)
      return {
        m: dy.shape[0]! * dy.shape[2]! * dy.shape[3]!,
        n: w.shape[1]!,
        k: w.shape[0]! * w.shape[2]! * w.shape[3]!,
        batch: 1,
      }
    },
  },
  {
    kind: 'conv2d_wgrad',
    engine: 'matrix',
    description: 'gradient of conv2d with respect to its weight (and bias); inputs [X, dY]',
    flop: (op) => {
      const dy = input(op, 1)
      const dw = output(op)
      return 2 * elems(dy) * (elems(dw) / dw.shape[0]!)
    },
    gemm: (op) => {
      const dy = input(op, 1)
      const dw = output(op)
      return {
        m: dw.shape[0]!,
        n: elems(dw) / dw.shape[0]!,
        k: dy.shape[0]! * dy.shape[2]! * dy.shape[3]!,
        batch: 1,
      }
    },
  },
  {
    kind: 'conv_transpose2d_grad',
    engine: 'matrix',
    description: 'gradient of conv_transpose2d with respect to its input (a forward convolution)',
    // inputs [dY, W]: a forward convolution of dY with W, one multiply-add per (x element, out/groups·kh·kw)
    flop: (op) => {
      const w = input(op, 1)
      return 2 * elems(output(op)) * w.shape[1]! * w.shape[2]! * w.shape[3]!
    },
  },
  {
    kind: 'conv_transpose2d_wgrad',
    engine: 'matrix',
    description: 'gradient of conv_transpose2d with respect to its weight',
    // inputs [X, dY], output dW [in, out/groups, kh, kw]
    flop: (op) => 2 * elems(input(op, 0)) * (elems(output(op)) / output(op).shape[0]!),
  },
]

/** Token embedding lookup: indices [...] into a table [vocab, dim]. */
const embedding: OpKindDef = {
  kind: 'embedding',
  engine: 'memory',
  description: 'gather rows of a table [vocab, dim] at integer indices [...]',
  inferOutputs: (op) => {
    const idx = input(op, 0)
    const table = param(op, 0)
    if (table.shape.length !== 2) mismatch(op, `table ${table.name} must be 2-D`)
    if (!idx.dtype.startsWith('int')) mismatch(op, `indices must be an integer tensor, got ${idx.dtype}`)
    return [{ shape: [...idx.shape, table.shape[1]!], dtype: table.dtype }]
  },
  flop: () => 0,
  // reads the gathered rows and the indices, writes the output; never the whole table
  bytes: (op) => tensorBytes(input(op, 0)) + 2 * tensorBytes(output(op)),
  backward: (op) => [
    {
      kind: 'embedding_wgrad',
      role: 'weight',
      inputs: [output(op), input(op, 0)],
      outputs: [{ shape: param(op, 0).shape, dtype: param(op, 0).dtype }],
    },
  ],
}
const embeddingWgrad: OpKindDef = {
  kind: 'embedding_wgrad',
  engine: 'memory',
  description: 'scatter-add of output gradients into the embedding table gradient',
  flop: (op) => elems(input(op, 0)),
  bytes: (op) => 3 * tensorBytes(input(op, 0)) + tensorBytes(input(op, 1)),
}

/** Fused scaled-dot-product attention: q [B, H, S, D], k and v [B, Hkv, Skv, D], H a multiple of Hkv. */
const attention: OpKindDef = {
  kind: 'attention',
  engine: 'matrix',
  description: 'fused attention softmax(q·kᵀ/√d)·v; q [B,H,S,D], k/v [B,Hkv,Skv,D]; attr causal',
  inferOutputs: (op) => {
    const q = input(op, 0)
    const k = input(op, 1)
    const v = input(op, 2)
    if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4)
      mismatch(op, 'q, k, v must be [B, H, S, D]')
    const [b, h, , d] = q.shape as [number, number, number, number]
    const [bk, hk, sk, dk] = k.shape as [number, number, number, number]
    if (bk !== b || dk !== d || h % hk !== 0)
      mismatch(op, `k ${formatTensorSpec(k)} does not fit q ${formatTensorSpec(q)}`)
    if (v.shape[0] !== b || v.shape[1] !== hk || v.shape[2] !== sk) {
      mismatch(op, `v ${formatTensorSpec(v)} does not fit k ${formatTensorSpec(k)}`)
    }
    return [{ shape: [b, h, q.shape[2]!, v.shape[3]!], dtype: q.dtype }]
  },
  flop: (op) => {
    const [b, h, s, d] = input(op, 0).shape as [number, number, number, number]
    const skv = input(op, 1).shape[2]!
    return 4 * b * h * s * skv * d + 5 * b * h * s * skv
  },
  gemm: (op) => {
    const [b, h, s, d] = input(op, 0).shape as [number, number, number, number]
    return { m: s, n: input(op, 1).shape[2]!, k: d, batch: 2 * b * h }
  },
  bytes: (op) => op.inputs.reduce((s, t) => s + tensorBytes(t), 0) + tensorBytes(output(op)),
  backward: (op, needs) => {
    const idx = needs.flatMap((n, i) => (n ? [i] : []))
    if (idx.length === 0) return []
    return [
      {
        kind: 'attention_grad',
        role: 'data',
        inputIndices: idx,
        inputs: [output(op), ...op.inputs],
        outputs: idx.map((i) => input(op, i)),
        attrs: op.attrs,
      },
    ]
  },
}
/** FlashAttention's backward: five GEMMs of the forward's size, one of them recomputing the scores. */
const attentionGrad: OpKindDef = {
  kind: 'attention_grad',
  engine: 'matrix',
  description: 'backward of fused attention: dq, dk, dv (recomputes the scores)',
  flop: (op) => {
    const [b, h, s, d] = input(op, 1).shape as [number, number, number, number]
    const skv = input(op, 2).shape[2]!
    return 10 * b * h * s * skv * d + 8 * b * h * s * skv
  },
  gemm: (op) => {
    const [b, h, s, d] = input(op, 1).shape as [number, number, number, number]
    return { m: s, n: input(op, 2).shape[2]!, k: d, batch: 5 * b * h }
  },
}

const rnnGates: Readonly<Record<string, number>> = { lstm: 4, gru: 3, rnn: 1 }
function rnnGemmFlop(op: OpNode): number {
  const x = input(op, 0)
  const gates = rnnGates[String(op.attrs.cell)] ?? 4
  const hidden = numAttr(op, 'hiddenSize', 0)
  const tokens = elems(x) / last(x.shape)
  return 2 * tokens * gates * hidden * (last(x.shape) + hidden)
}
/** One recurrent layer, one direction: x [B, S, I] → [B, S, H]. attrs cell lstm|gru|rnn, hiddenSize. */
const rnn: OpKindDef = {
  kind: 'rnn',
  engine: 'matrix',
  description: 'recurrent layer (one direction) over x [B, S, I]; attrs cell (lstm|gru|rnn), hiddenSize',
  inferOutputs: (op) => {
    const x = input(op, 0)
    const cell = String(op.attrs.cell ?? 'lstm')
    const gates = rnnGates[cell]
    if (gates === undefined) mismatch(op, `unknown cell "${cell}"`)
    const hidden = numAttr(op, 'hiddenSize', Number.NaN)
    if (!(hidden > 0)) mismatch(op, 'attribute hiddenSize must be positive')
    rank(op, x, 2, 'input')
    const wih = param(op, 0)
    if (wih.shape[0] !== gates * hidden || wih.shape[1] !== last(x.shape)) {
      mismatch(op, `weight ${wih.name} must be [${gates * hidden}, ${last(x.shape)}]`)
    }
    return [{ shape: [...x.shape.slice(0, -1), hidden], dtype: x.dtype }]
  },
  flop: (op) => rnnGemmFlop(op) + 10 * elems(output(op)),
  gemm: (op) => {
    const x = input(op, 0)
    const gates = rnnGates[String(op.attrs.cell)] ?? 4
    const hidden = numAttr(op, 'hiddenSize', 0)
    return { m: elems(x) / last(x.shape), n: gates * hidden, k: last(x.shape) + hidden, batch: 1 }
  },
  backward: (op, needs) =>
    dataAndWeightGrads(
      op,
      needs,
      { kind: 'rnn_grad', inputs: [output(op), input(op, 0)] },
      { kind: 'rnn_wgrad', inputs: [output(op), input(op, 0)] },
    ),
}
const rnnGrads: OpKindDef[] = [
  {
    kind: 'rnn_grad',
    engine: 'matrix',
    description: 'gradient of a recurrent layer with respect to its input and hidden state',
    flop: (op) => rnnGemmFlop({ ...op, inputs: [input(op, 1)] }) + 10 * elems(input(op, 0)),
  },
  {
    kind: 'rnn_wgrad',
    engine: 'matrix',
    description: 'gradient of a recurrent layer with respect to its weights',
    flop: (op) => rnnGemmFlop({ ...op, inputs: [input(op, 1)] }),
  },
]

function poolOutputs(op: OpSignature): TensorSpec[] {
  const x = input(op, 0)
  if (x.shape.length !== 4) mismatch(op, `input ${formatTensorSpec(x)} must be NCHW`)
  const [n, c, h, w] = x.shape as [number, number, number, number]
  const [kh, kw] = pairAttr(op, 'kernel', 2)
  const [sh, sw] = pairAttr(op, 'stride', kh)
  const [ph, pw] = pairAttr(op, 'padding', 0)
  const ceil = op.attrs.ceilMode === true
  const size = (d: number, k: number, s: number, p: number) => {
    const raw = (d + 2 * p - k) / s
    let o = (ceil ? Math.ceil(raw) : Math.floor(raw)) + 1
    if (ceil && (o - 1) * s >= d + p) o-- // the last window must start inside the input (PyTorch's rule)
    return o
  }
  const ho = size(h, kh, sh, ph)
  const wo = size(w, kw, sw, pw)
  if (ho < 1 || wo < 1) mismatch(op, `output would be ${ho}x${wo}`)
  return [{ shape: [n, c, ho, wo], dtype: x.dtype }]
}
function pool(kind: string, description: string): OpKindDef[] {
  return [
    {
      kind,
      engine: 'vector',
      description,
      inferOutputs: poolOutputs,
      flop: (op) => {
        const [kh, kw] = pairAttr(op, 'kernel', 2)
        return elems(output(op)) * kh * kw
      },
    },
    gradKind(kind, 'vector', 1),
  ]
}

const adaptiveAvgPool: OpKindDef[] = [
  {
    kind: 'adaptive_avgpool2d',
    engine: 'vector',
    description: 'average pooling to a fixed output size; attr outputSize (default 1)',
    inferOutputs: (op) => {
      const x = input(op, 0)
      if (x.shape.length !== 4) mismatch(op, `input ${formatTensorSpec(x)} must be NCHW`)
      const [oh, ow] = pairAttr(op, 'outputSize', 1)
      return [{ shape: [x.shape[0]!, x.shape[1]!, oh, ow], dtype: x.dtype }]
    },
    flop: (op) => elems(input(op, 0)),
  },
  gradKind('adaptive_avgpool2d', 'vector', 1),
]

/** Shape-only ops: views cost nothing; copies move bytes. */
const layout: OpKindDef[] = [
  {
    kind: 'reshape',
    engine: 'none',
    description: 'view with a new shape (attr shape; one dimension may be -1); no data moves',
    inferOutputs: (op) => {
      const x = input(op, 0)
      const raw = op.attrs.shape
      if (!Array.isArray(raw) || !raw.every((d) => typeof d === 'number' && Number.isInteger(d))) {
        mismatch(op, 'attribute shape must be an array of integers')
      }
      const shape = [...(raw as number[])]
      const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1)
      const free = shape.indexOf(-1)
      if (free >= 0) shape[free] = known === 0 ? 0 : elems(x) / known
      if (
        elems({ shape, dtype: x.dtype }) !== elems(x) ||
        !shape.every((d) => Number.isInteger(d) && d >= 0)
      ) {
        mismatch(op, `cannot view ${formatTensorSpec(x)} as [${raw.join(', ')}]`)
      }
      return [{ shape, dtype: x.dtype }]
    },
    flop: () => 0,
    bytes: () => 0,
    backward: (op, needs) =>
      needs[0] === true
        ? [
            {
              kind: 'reshape',
              role: 'data',
              inputIndices: [0],
              inputs: [output(op)],
              outputs: [input(op, 0)],
              attrs: { shape: [...input(op, 0).shape] },
            },
          ]
        : [],
  },
  {
    kind: 'transpose',
    engine: 'memory',
    description: 'permute dimensions (attr perm) and materialise the result',
    inferOutputs: (op) => {
      const x = input(op, 0)
      const perm = op.attrs.perm
      if (
        !Array.isArray(perm) ||
        perm.length !== x.shape.length ||
        [...perm].sort().some((p, i) => p !== i)
      ) {
        mismatch(op, `attribute perm must be a permutation of 0..${x.shape.length - 1}`)
      }
      return [{ shape: (perm as number[]).map((p) => x.shape[p]!), dtype: x.dtype }]
    },
    flop: () => 0,
    backward: (op, needs) => {
      if (needs[0] !== true) return []
      const perm = op.attrs.perm as number[]
      const inverse = perm.map((_, i) => perm.indexOf(i))
      return [
        {
          kind: 'transpose',
          role: 'data',
          inputIndices: [0],
          inputs: [output(op)],
          outputs: [input(op, 0)],
          attrs: { perm: inverse },
        },
      ]
    },
  },
  {
    kind: 'concat',
    engine: 'memory',
    description: 'concatenate inputs along attr axis',
    inferOutputs: (op) => {
      const first = input(op, 0)
      const axis = numAttr(op, 'axis', 1)
      const shape = [...first.shape]
      if (axis < 0 || axis >= shape.length) mismatch(op, `axis ${axis} out of range`)
      shape[axis] = 0
      for (const t of op.inputs) {
        if (
          t.shape.length !== first.shape.length ||
          t.shape.some((d, i) => i !== axis && d !== first.shape[i])
        ) {
          mismatch(
            op,
            `cannot concatenate ${formatTensorSpec(t)} with ${formatTensorSpec(first)} on axis ${axis}`,
          )
        }
        shape[axis]! += t.shape[axis]!
      }
      return [{ shape, dtype: first.dtype }]
    },
    flop: () => 0,
  },
  gradKind('concat', 'memory', 0),
  {
    kind: 'split',
    engine: 'none',
    description: 'split along attr axis into attr sizes (views)',
    inferOutputs: (op) => {
      const x = input(op, 0)
      const axis = numAttr(op, 'axis', x.shape.length - 1)
      const sizes = op.attrs.sizes
      if (!Array.isArray(sizes) || !sizes.every((s) => typeof s === 'number'))
        mismatch(op, 'attribute sizes must be numbers')
      const total = (sizes as number[]).reduce((a, b) => a + b, 0)
      if (total !== x.shape[axis]) mismatch(op, `sizes sum to ${total}, axis ${axis} has ${x.shape[axis]}`)
      return (sizes as number[]).map((s) => ({
        shape: x.shape.map((d, i) => (i === axis ? s : d)),
        dtype: x.dtype,
      }))
    },
    flop: () => 0,
    bytes: () => 0,
  },
  gradKind('split', 'memory', 0),
]

const softmax: OpKindDef[] = [
  {
    kind: 'softmax',
    engine: 'vector',
    description: 'softmax over the last dimension',
    inferOutputs: (op) => [input(op, 0)],
    flop: (op) => 5 * elems(output(op)),
  },
  gradKind('softmax', 'vector', 4),
]

/** Loss over logits [..., classes] and integer targets [...]; the output is a scalar. */
function loss(kind: string, description: string): OpKindDef[] {
  return [
    {
      kind,
      engine: 'vector',
      description,
      inferOutputs: () => [{ shape: [], dtype: 'fp32' }],
      flop: (op) => 5 * elems(input(op, 0)),
    },
    gradKind(kind, 'vector', 2),
  ]
}

/** Mixture-of-experts routing: choose top-k experts per token (attrs k). */
const moe: OpKindDef[] = [
  {
    kind: 'topk',
    engine: 'vector',
    description: 'top-k selection over the last dimension (attr k); outputs values and int64 indices',
    inferOutputs: (op) => {
      const x = input(op, 0)
      const k = numAttr(op, 'k', 1)
      if (k < 1 || k > last(x.shape)) mismatch(op, `k=${k} out of range for ${formatTensorSpec(x)}`)
      const shape = [...x.shape.slice(0, -1), k]
      return [
        { shape, dtype: x.dtype },
        { shape, dtype: 'int64' },
      ]
    },
    flop: (op) => elems(input(op, 0)) * Math.max(1, Math.ceil(Math.log2(numAttr(op, 'k', 1) + 1))),
  },
  gradKind('topk', 'vector', 1),
  {
    kind: 'moe_dispatch',
    engine: 'memory',
    description: 'permute tokens to their experts; outputs are given explicitly (one per expert)',
    flop: () => 0,
  },
  gradKind('moe_dispatch', 'memory', 0),
  {
    kind: 'moe_combine',
    engine: 'vector',
    description: 'weighted sum of expert outputs back into token order; output given explicitly',
    flop: (op) => 2 * elems(output(op)),
  },
  gradKind('moe_combine', 'vector', 2),
]

/** Communication inside a graph (tensor- or expert-parallel layers). attrs groupSize. */
const collectives: OpKindDef[] = [
  'all_reduce',
  'all_gather',
  'reduce_scatter',
  'all_to_all',
  'send',
  'recv',
].map(
  (kind): OpKindDef => ({
    kind,
    engine: 'collective',
    description: `${kind.replace('_', '-')} collective; outputs given explicitly when they differ from the input`,
    flop: () => 0,
    differentiable: false,
  }),
)

/** Optimizer updates, one op per parameter tensor (or group). */
const optimizers: OpKindDef[] = [
  {
    kind: 'sgd_update',
    engine: 'vector',
    description: 'SGD with momentum: v = μv + g; p -= lr·v. inputs [param, grad, momentum]',
    flop: (op) => 3 * elems(input(op, 0)),
    differentiable: false,
  },
  {
    kind: 'adam_update',
    engine: 'vector',
    description: 'Adam/AdamW step: inputs [param, grad, m, v], outputs [param, m, v]',
    // moments (4), bias correction and update (6), weight decay (2)
    flop: (op) => 12 * elems(input(op, 0)),
    differentiable: false,
  },
]

/** Gradients of user kinds that define no backward rule; the derivation sets their `flop` explicitly. */
const genericGrads: OpKindDef[] = [
  {
    kind: 'generic_grad',
    engine: 'vector',
    description: 'data gradient of an op kind without a backward rule',
    flop: (op) => op.flop ?? 0,
  },
  {
    kind: 'generic_wgrad',
    engine: 'vector',
    description: 'weight gradient of an op kind without a backward rule',
    flop: (op) => op.flop ?? 0,
  },
]

const source: OpKindDef = {
  kind: 'input',
  engine: 'none',
  description: 'a graph input; attrs shape and dtype',
  inferOutputs: (op) => {
    const shape = op.attrs.shape
    const dtype = op.attrs.dtype
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
    ) {
      mismatch(op, 'attribute shape must be an array of non-negative integers')
    }
    if (!isDType(dtype)) mismatch(op, `attribute dtype ${String(dtype)} is not a dtype`)
    return [{ shape: shape as number[], dtype }]
  },
  flop: () => 0,
  bytes: () => 0,
  differentiable: false,
}

/** Every built-in op kind, in definition order. */
export const BUILTIN_OP_KINDS: readonly OpKindDef[] = [
  source,
  linear,
  matmul,
  conv2d,
  convTranspose2d,
  ...convGrads,
  embedding,
  embeddingWgrad,
  attention,
  attentionGrad,
  rnn,
  ...rnnGrads,
  ...unary('relu', 1, 1, 'max(x, 0)'),
  ...unary('leaky_relu', 2, 2, 'leaky ReLU'),
  ...unary('gelu', 8, 12, 'GELU (tanh approximation)'),
  ...unary('silu', 4, 6, 'x·sigmoid(x)'),
  ...unary('sigmoid', 4, 3, 'logistic sigmoid'),
  ...unary('tanh', 4, 3, 'hyperbolic tangent'),
  ...unary('dropout', 2, 1, 'dropout with a random mask (attr p)'),
  ...unary('scale', 1, 1, 'multiply by a constant (attr factor)'),
  ...binary('add', 1, 'elementwise sum with broadcasting'),
  ...binary('mul', 1, 'elementwise product with broadcasting'),
  ...softmax,
  ...norm('layernorm', 8, 14, 4, 'layer normalisation over the last dimension, params [scale, shift]'),
  ...norm('rmsnorm', 5, 9, 3, 'RMS normalisation over the last dimension, param [scale]'),
  ...norm('batchnorm2d', 8, 12, 4, 'batch normalisation over channels of NCHW, params [scale, shift]'),
  ...pool('maxpool2d', 'max pooling; attrs kernel, stride, padding, ceilMode'),
  ...pool('avgpool2d', 'average pooling; attrs kernel, stride, padding, ceilMode'),
  ...adaptiveAvgPool,
  ...layout,
  ...loss('cross_entropy', 'softmax cross-entropy loss of logits [..., classes] against integer targets'),
  ...loss('ctc_loss', 'connectionist temporal classification loss'),
  ...loss('mse_loss', 'mean squared error'),
  ...moe,
  ...collectives,
  ...optimizers,
  ...genericGrads,
]

/** The built-in kinds, shared and read-only. */
export const builtinOpKinds: OpKindRegistry = new OpKindRegistry(BUILTIN_OP_KINDS).seal()

/** A fresh registry holding the built-in kinds, for users to add their own. */
export function createOpKindRegistry(): OpKindRegistry {
  return builtinOpKinds.clone()
}

/** Elementwise FLOP helper exported for user-defined kinds. */
export function elementwiseFlop(perElement: number) {
  return (op: OpNode): number => perElement * op.outputs.reduce((s, t) => s + elems(t), 0)
}
