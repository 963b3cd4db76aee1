import type { GraphBuilder, ParamSpec, TensorRef } from '@dnnperf/ir'

/** Options of {@link conv}. Kernel, stride and padding take a number or [h, w]. */
export interface ConvOptions {
  readonly kernel: number | readonly [number, number]
  readonly stride?: number | readonly [number, number]
  readonly padding?: number | readonly [number, number]
  readonly bias?: boolean
  readonly groups?: number
  /** Op name; default `conv`. */
  readonly opName?: string
}

const pair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]]

/** Convolution with parameters `${name}.weight` [out, in/groups, kh, kw] (and `${name}.bias`). */
export function conv(
  b: GraphBuilder,
  x: TensorRef,
  name: string,
  outChannels: number,
  o: ConvOptions,
): TensorRef {
  const [kh, kw] = pair(o.kernel)
  const groups = o.groups ?? 1
  const inChannels = x.shape[1]!
  const params: ParamSpec[] = [b.param(`${name}.weight`, [outChannels, inChannels / groups, kh, kw])]
  if (o.bias === true) params.push(b.param(`${name}.bias`, [outChannels]))
  return b.op('conv2d', [x], {
    name: o.opName ?? 'conv',
    params,
    attrs: {
      stride: pair(o.stride ?? 1),
      padding: pair(o.padding ?? 0),
      ...(groups !== 1 ? { groups } : {}),
    },
  })
}

/** Batch normalisation with `${name}.weight` and `${name}.bias` (running statistics are buffers, not parameters). */
export function batchNorm(b: GraphBuilder, x: TensorRef, name: string, opName = 'bn'): TensorRef {
  const c = x.shape[1]!
  return b.op('batchnorm2d', [x], {
    name: opName,
    params: [b.param(`${name}.weight`, [c]), b.param(`${name}.bias`, [c])],
  })
}

/** Fully connected layer `${name}.weight` [in, out] (and `${name}.bias`) over the last dimension. */
export function dense(
  b: GraphBuilder,
  x: TensorRef,
  name: string,
  outFeatures: number,
  bias = true,
  opName = 'fc',
): TensorRef {
  const inFeatures = x.shape[x.shape.length - 1]!
  const params: ParamSpec[] = [b.param(`${name}.weight`, [inFeatures, outFeatures])]
  if (bias) params.push(b.param(`${name}.bias`, [outFeatures]))
  return b.op('linear', [x], { name: opName, params })
}

/** Flatten NCHW (or any rank) to [N, rest]. */
export function flatten(b: GraphBuilder, x: TensorRef, opName = 'flatten'): TensorRef {
  return b.op('reshape', [x], { name: opName, attrs: { shape: [x.shape[0]!, -1] } })
}
