import type { DType, OpGraph } from '@dnnperf/ir'

/** Options every model builder takes. */
export interface BuildOptions {
  /** Microbatch size (samples per forward pass). Default: the model's `defaultBatch`. */
  readonly batchSize?: number
  /** Sequence length in tokens (transformers, GNMT) or input frames (DeepSpeech2). Default: the model's `defaultSeq`. */
  readonly seqLen?: number
  /** Element type of weights and activations. Default: `bf16` for transformers, `fp32` for CNN/RNN models. */
  readonly dtype?: DType
  /** Input image side in pixels, for CNNs. Default: the model's native size (224, or 299 for Inception-v3). */
  readonly imageSize?: number
}

/** Options of the image classifiers (ResNet-50, Inception-v3, VGG-19, DenseNet-121). */
export interface ImageClassifierOptions extends BuildOptions {
  /** Output classes. Default 1000 (ImageNet-1k). */
  readonly classes?: number
}

/** Which family a zoo model belongs to. */
export type ModelFamily =
  | 'gpt2'
  | 'gpt3'
  | 'bert'
  | 'opt'
  | 'llama'
  | 'mixtral'
  | 'transformer'
  | 'cnn'
  | 'rnn'
  | 'gan'
  | 'rl'

/** One entry of the model registry. Plain JSON. */
export interface ModelInfo {
  readonly name: string
  readonly family: ModelFamily
  readonly description: string
  /** Where the architecture comes from (paper, reference implementation). */
  readonly source: string
  readonly defaultBatch: number
  /** Default sequence length, for models that take one. */
  readonly defaultSeq?: number
  readonly defaultDType: DType
  /** Exact parameter count of the built graph (tied parameters once). */
  readonly parameters: number
}

/** A model builder: options in, IR forward graph out. */
export type ModelBuilder = (options?: BuildOptions) => OpGraph
