/** @dnnperf/models: model zoo builders returning IR graphs. What is not exported here is private. */

// registry of named models
export { listModels, buildModel, transformerPreset } from './registry.js'
export type { BuildOptions, ImageClassifierOptions, ModelInfo, ModelFamily, ModelBuilder } from './types.js'

// decoder and encoder transformers from a config
export { buildTransformer } from './transformer/build-transformer.js'
export { gptConfig, TRANSFORMER_PRESETS } from './transformer/presets.js'
export type { GptConfigOptions } from './transformer/presets.js'
export { transformerParameterCounts } from './transformer/parameter-counts.js'
export type { TransformerConfig, TransformerParameterCounts, ParamNaming } from './transformer/types.js'

// Hugging Face config.json import
export { fromHuggingFaceConfig, transformerConfigFromHuggingFace } from './transformer/hf-config.js'
export type { HuggingFaceImportOptions } from './transformer/hf-config.js'

// encoder-decoder Transformer (WMT)
export { buildTransformerWmt } from './transformer/build-transformer-wmt.js'
export type { TransformerWmtOptions } from './transformer/build-transformer-wmt.js'

// CNN, GAN and RL benchmark models
export { buildResNet50 } from './cnn/resnet.js'
export type { ResNetOptions } from './cnn/resnet.js'
export { buildInceptionV3 } from './cnn/inception-v3.js'
export type { InceptionV3Options } from './cnn/inception-v3.js'
export { buildVgg19 } from './cnn/vgg.js'
export { buildDenseNet121 } from './cnn/densenet.js'
export { buildWgan } from './cnn/wgan.js'
export type { WganOptions } from './cnn/wgan.js'
export { buildA3c } from './cnn/a3c.js'
export type { A3cOptions } from './cnn/a3c.js'

// RNN benchmark models
export { buildGnmt } from './rnn/gnmt.js'
export type { GnmtOptions } from './rnn/gnmt.js'
export { buildDeepSpeech2 } from './rnn/deepspeech2.js'
export type { DeepSpeech2Options } from './rnn/deepspeech2.js'
