import type { OpGraph } from '@dnnperf/ir'
import { NotFoundError, summarizeModel } from '@dnnperf/ir'
import { buildA3c } from './cnn/a3c.js'
import { buildDenseNet121 } from './cnn/densenet.js'
import { buildInceptionV3 } from './cnn/inception-v3.js'
import { buildResNet50 } from './cnn/resnet.js'
import { buildVgg19 } from './cnn/vgg.js'
import { buildWgan } from './cnn/wgan.js'
import { buildDeepSpeech2 } from './rnn/deepspeech2.js'
import { buildGnmt } from './rnn/gnmt.js'
import { buildTransformer } from './transformer/build-transformer.js'
import { buildTransformerWmt } from './transformer/build-transformer-wmt.js'
import { transformerParameterCounts } from './transformer/parameter-counts.js'
import { TRANSFORMER_PRESETS } from './transformer/presets.js'
import type { TransformerConfig } from './transformer/types.js'
import type { BuildOptions, ModelBuilder, ModelFamily, ModelInfo } from './types.js'

interface Entry {
  readonly info: Omit<ModelInfo, 'parameters'>
  readonly build: ModelBuilder
  /** Parameter count without building, when a closed form exists. */
  readonly parameters?: number
}

const HF = 'Hugging Face config.json of'
const TRANSFORMER_SOURCES: Readonly<Record<string, readonly [ModelFamily, string]>> = {
  gpt2: ['gpt2', `${HF} gpt2 (Radford et al. 2019)`],
  gpt3: ['gpt3', 'Brown et al. 2020, Table 2.1 (GPT-2 architecture, context 2048)'],
  bert: ['bert', `${HF} bert-*-uncased, BertModel with pooler (Devlin et al. 2019)`],
  opt: ['opt', `${HF} facebook/opt-* (Zhang et al. 2022)`],
  llama2: ['llama', `${HF} meta-llama/Llama-2-*-hf (Touvron et al. 2023)`],
  llama3: ['llama', `${HF} meta-llama/Meta-Llama-3-* (Llama 3, 2024)`],
  mixtral: ['mixtral', `${HF} mistralai/Mixtral-8x7B-v0.1 (Jiang et al. 2024)`],
}

function describeTransformer(c: TransformerConfig): string {
  const attn = c.kvHeads === c.heads ? `${c.heads} heads` : `${c.heads} heads / ${c.kvHeads} KV (GQA)`
  const mlp = c.moe
    ? `${c.moe.experts} experts top-${c.moe.topK} (${c.activation})`
    : `${c.activation} MLP ${c.ffnHidden}`
  return `${c.kind} transformer: ${c.layers} layers, d=${c.hidden}, ${attn}, ${mlp}, vocab ${c.vocab}`
}

function transformerEntry(name: string, c: TransformerConfig): Entry {
  const prefix = name.replace(/-.*$/, '')
  const [family, source] = TRANSFORMER_SOURCES[prefix] ?? ['transformer', 'custom']
  return {
    info: {
      name,
      family,
      description: describeTransformer(c),
      source,
      defaultBatch: 1,
      defaultSeq: c.defaultSeqLen,
      defaultDType: 'bf16',
    },
    build: (options?: BuildOptions) => buildTransformer(c, options),
    parameters: transformerParameterCounts(c).total,
  }
}

const OTHER: readonly Entry[] = [
  {
    info: {
      name: 'resnet50',
      family: 'cnn',
      description: 'ResNet-50 v1.5, 224×224, 1000 classes',
      source: 'torchvision resnet50 (He et al. 2016)',
      defaultBatch: 32,
      defaultDType: 'fp32',
    },
    build: buildResNet50,
  },
  {
    info: {
      name: 'inception-v3',
      family: 'cnn',
      description: 'Inception-v3 with auxiliary classifier, 299×299, 1000 classes',
      source: 'torchvision inception_v3, aux_logits=True (Szegedy et al. 2016)',
      defaultBatch: 32,
      defaultDType: 'fp32',
    },
    build: buildInceptionV3,
  },
  {
    info: {
      name: 'vgg19',
      family: 'cnn',
      description: 'VGG-19 (configuration E, no batch norm), 224×224, 1000 classes',
      source: 'torchvision vgg19 (Simonyan and Zisserman 2015)',
      defaultBatch: 32,
      defaultDType: 'fp32',
    },
    build: buildVgg19,
  },
  {
    info: {
      name: 'densenet121',
      family: 'cnn',
      description: 'DenseNet-121, growth 32, 224×224, 1000 classes',
      source: 'torchvision densenet121 (Huang et al. 2017)',
      defaultBatch: 32,
      defaultDType: 'fp32',
    },
    build: buildDenseNet121,
  },
  {
    info: {
      name: 'gnmt',
      family: 'rnn',
      description: 'GNMT, 4+4 LSTM layers of 1024, Bahdanau attention, shared 32,320-token vocabulary',
      source: 'MLPerf Training reference rnn_translator (Wu et al. 2016)',
      defaultBatch: 128,
      defaultSeq: 50,
      defaultDType: 'fp32',
    },
    build: buildGnmt,
  },
  {
    info: {
      name: 'transformer-wmt',
      family: 'transformer',
      description:
        'Transformer big (6+6 layers, d=1024, 16 heads) for WMT en-de, shared 32,768-token vocabulary',
      source: 'Vaswani et al. 2017 "big" (post-norm, fairseq transformer_vaswani_wmt_en_de_big layout)',
      defaultBatch: 64,
      defaultSeq: 64,
      defaultDType: 'fp32',
    },
    build: buildTransformerWmt,
  },
  {
    info: {
      name: 'deepspeech2',
      family: 'rnn',
      description: 'DeepSpeech2: 2 conv + 5 bidirectional LSTM of 1024, CTC over 29 characters; seq = frames',
      source: 'Amodei et al. 2016; layout of deepspeech.pytorch (MLPerf v0.5 speech reference)',
      defaultBatch: 32,
      defaultSeq: 1000,
      defaultDType: 'fp32',
    },
    build: buildDeepSpeech2,
  },
  {
    info: {
      name: 'wgan',
      family: 'gan',
      description: 'WGAN with DCGAN generator and critic at 64×64 (nz 100, width 64)',
      source: 'Arjovsky et al. 2017, reference DCGAN_G/DCGAN_D',
      defaultBatch: 64,
      defaultDType: 'fp32',
    },
    build: buildWgan,
  },
  {
    info: {
      name: 'a3c',
      family: 'rl',
      description: 'A3C actor-critic for Atari: 2 conv + fc 256, policy (6 actions) and value heads, 84×84×4',
      source: 'Mnih et al. 2016 (network of Mnih et al. 2013)',
      defaultBatch: 20,
      defaultDType: 'fp32',
    },
    build: buildA3c,
  },
]

const ENTRIES: ReadonlyMap<string, Entry> = new Map(
  [...Object.entries(TRANSFORMER_PRESETS).map(([name, c]) => transformerEntry(name, c)), ...OTHER].map(
    (e) => [e.info.name, e],
  ),
)
const parameterCache = new Map<string, number>()

function entry(name: string): Entry {
  const e = ENTRIES.get(name)
  if (e === undefined) throw new NotFoundError({ what: 'model', key: name, known: [...ENTRIES.keys()] })
  return e
}

/**
 * Every model of the zoo with its family, description, source, defaults and exact parameter count.
 *
 * Transformer counts are closed-form; others come from building the model once at batch 1 (cached), so the
 * first call takes a few tens of milliseconds.
 */
export function listModels(): ModelInfo[] {
  return [...ENTRIES.values()].map((e) => {
    let parameters = e.parameters ?? parameterCache.get(e.info.name)
    if (parameters === undefined) {
      parameters = summarizeModel(e.build({ batchSize: 1 })).parameters
      parameterCache.set(e.info.name, parameters)
    }
    return { ...e.info, parameters }
  })
}

/**
 * The forward graph of zoo model `name` at the given microbatch size, sequence length and dtype (defaults from
 * {@link listModels}).
 *
 * @throws NotFoundError (`NOT_FOUND`) listing the known names; InvalidValueError (`INVALID_VALUE`) for a bad
 * option.
 * @example
 * summarizeModel(buildModel('gpt2', { batchSize: 8, seqLen: 1024 })).parameters // 124439808
 */
export function buildModel(name: string, options: BuildOptions = {}): OpGraph {
  return entry(name).build(options)
}

/** The transformer config behind a zoo name, or undefined for CNN/RNN models. */
export function transformerPreset(name: string): TransformerConfig | undefined {
  return TRANSFORMER_PRESETS[name]
}
