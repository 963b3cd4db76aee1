import type { ParamNaming } from './types.js'

/** Names of one block's parameter tensors (without `.weight`/`.bias`). */
export interface BlockNames {
  readonly norm1: string
  readonly qkv: string
  readonly q: string
  readonly k: string
  readonly v: string
  readonly o: string
  readonly norm2: string
  readonly fc1: string
  readonly fc2: string
  readonly gate: string
  readonly up: string
  readonly down: string
  readonly router: string
  readonly expert: (e: number) => { readonly gate: string; readonly up: string; readonly down: string }
}

/** Names of a model's parameter tensors, following the Hugging Face state dict of its family. */
export interface ModelNames {
  readonly tokens: string
  readonly positions: string
  readonly tokenTypes: string
  readonly embedNorm: string
  readonly projectIn: string
  readonly projectOut: string
  readonly block: (i: number) => BlockNames
  readonly finalNorm: string
  readonly lmHead: string
  readonly pooler: string
}

const llamaBlock = (p: string): BlockNames => ({
  norm1: `${p}.input_layernorm`,
  qkv: `${p}.self_attn.qkv_proj`,
  q: `${p}.self_attn.q_proj`,
  k: `${p}.self_attn.k_proj`,
  v: `${p}.self_attn.v_proj`,
  o: `${p}.self_attn.o_proj`,
  norm2: `${p}.post_attention_layernorm`,
  fc1: `${p}.mlp.fc1`,
  fc2: `${p}.mlp.fc2`,
  gate: `${p}.mlp.gate_proj`,
  up: `${p}.mlp.up_proj`,
  down: `${p}.mlp.down_proj`,
  router: `${p}.block_sparse_moe.gate`,
  // Mixtral: w1 is the gate, w3 the up and w2 the down projection
  expert: (e) => ({
    gate: `${p}.block_sparse_moe.experts.${e}.w1`,
    up: `${p}.block_sparse_moe.experts.${e}.w3`,
    down: `${p}.block_sparse_moe.experts.${e}.w2`,
  }),
})

const NAMINGS: Readonly<Record<ParamNaming, ModelNames>> = {
  gpt2: {
    tokens: 'transformer.wte',
    positions: 'transformer.wpe',
    tokenTypes: 'transformer.wtte',
    embedNorm: 'transformer.ln_emb',
    projectIn: 'transformer.project_in',
    projectOut: 'transformer.project_out',
    block: (i) => {
      const p = `transformer.h.${i}`
      return {
        norm1: `${p}.ln_1`,
        qkv: `${p}.attn.c_attn`,
        q: `${p}.attn.q_attn`,
        k: `${p}.attn.k_attn`,
        v: `${p}.attn.v_attn`,
        o: `${p}.attn.c_proj`,
        norm2: `${p}.ln_2`,
        fc1: `${p}.mlp.c_fc`,
        fc2: `${p}.mlp.c_proj`,
        gate: `${p}.mlp.c_gate`,
        up: `${p}.mlp.c_fc`,
        down: `${p}.mlp.c_proj`,
        router: `${p}.mlp.router`,
        expert: (e) => ({
          gate: `${p}.mlp.experts.${e}.c_gate`,
          up: `${p}.mlp.experts.${e}.c_fc`,
          down: `${p}.mlp.experts.${e}.c_proj`,
        }),
      }
    },
    finalNorm: 'transformer.ln_f',
    lmHead: 'lm_head',
    pooler: 'transformer.pooler',
  },
  bert: {
    tokens: 'embeddings.word_embeddings',
    positions: 'embeddings.position_embeddings',
    tokenTypes: 'embeddings.token_type_embeddings',
    embedNorm: 'embeddings.LayerNorm',
    projectIn: 'embeddings.project_in',
    projectOut: 'encoder.project_out',
    block: (i) => {
      const p = `encoder.layer.${i}`
      return {
        norm1: `${p}.attention.output.LayerNorm`,
        qkv: `${p}.attention.self.qkv`,
        q: `${p}.attention.self.query`,
        k: `${p}.attention.self.key`,
        v: `${p}.attention.self.value`,
        o: `${p}.attention.output.dense`,
        norm2: `${p}.output.LayerNorm`,
        fc1: `${p}.intermediate.dense`,
        fc2: `${p}.output.dense`,
        gate: `${p}.intermediate.gate`,
        up: `${p}.intermediate.dense`,
        down: `${p}.output.dense`,
        router: `${p}.intermediate.router`,
        expert: (e) => ({
          gate: `${p}.experts.${e}.gate`,
          up: `${p}.experts.${e}.up`,
          down: `${p}.experts.${e}.down`,
        }),
      }
    },
    finalNorm: 'encoder.LayerNorm',
    lmHead: 'cls.predictions.decoder',
    pooler: 'pooler.dense',
  },
  opt: {
    tokens: 'model.decoder.embed_tokens',
    positions: 'model.decoder.embed_positions',
    tokenTypes: 'model.decoder.embed_token_types',
    embedNorm: 'model.decoder.embed_layer_norm',
    projectIn: 'model.decoder.project_in',
    projectOut: 'model.decoder.project_out',
    block: (i) => {
      const p = `model.decoder.layers.${i}`
      return {
        norm1: `${p}.self_attn_layer_norm`,
        qkv: `${p}.self_attn.qkv_proj`,
        q: `${p}.self_attn.q_proj`,
        k: `${p}.self_attn.k_proj`,
        v: `${p}.self_attn.v_proj`,
        o: `${p}.self_attn.out_proj`,
        norm2: `${p}.final_layer_norm`,
        fc1: `${p}.fc1`,
        fc2: `${p}.fc2`,
        gate: `${p}.gate`,
        up: `${p}.fc1`,
        down: `${p}.fc2`,
        router: `${p}.router`,
        expert: (e) => ({
          gate: `${p}.experts.${e}.gate`,
          up: `${p}.experts.${e}.fc1`,
          down: `${p}.experts.${e}.fc2`,
        }),
      }
    },
    finalNorm: 'model.decoder.final_layer_norm',
    lmHead: 'lm_head',
    pooler: 'model.pooler',
  },
  llama: {
    tokens: 'model.embed_tokens',
    positions: 'model.embed_positions',
    tokenTypes: 'model.embed_token_types',
    embedNorm: 'model.embed_norm',
    projectIn: 'model.project_in',
    projectOut: 'model.project_out',
    block: (i) => llamaBlock(`model.layers.${i}`),
    finalNorm: 'model.norm',
    lmHead: 'lm_head',
    pooler: 'model.pooler',
  },
  mixtral: {
    tokens: 'model.embed_tokens',
    positions: 'model.embed_positions',
    tokenTypes: 'model.embed_token_types',
    embedNorm: 'model.embed_norm',
    projectIn: 'model.project_in',
    projectOut: 'model.project_out',
    block: (i) => llamaBlock(`model.layers.${i}`),
    finalNorm: 'model.norm',
    lmHead: 'lm_head',
    pooler: 'model.pooler',
  },
}

/** The parameter names of `naming`. */
export function modelNames(naming: ParamNaming): ModelNames {
  return NAMINGS[naming]
}
