import { deriveTrainingGraph, summarizeModel } from '@dnnperf/ir'
import { describe, expect, it } from 'vitest'
import { buildModel, fromHuggingFaceConfig } from './index.js'

// The README's example, so it cannot rot.
describe('README example', () => {
  it('runs and prints the numbers it claims', () => {
    const gpt2 = buildModel('gpt2-xl', { batchSize: 4, seqLen: 1024, dtype: 'bf16' })
    const s = summarizeModel(gpt2)
    expect(s.parameters).toBe(1_557_611_200)
    expect((s.forwardFlopsPerSample / 1e12).toFixed(2)).toBe('3.52')
    expect(deriveTrainingGraph(gpt2).nodes.length).toBeGreaterThan(3 * gpt2.nodes.length - 300)
    const llama = fromHuggingFaceConfig(
      {
        model_type: 'llama',
        hidden_size: 4096,
        intermediate_size: 11008,
        num_attention_heads: 32,
        num_key_value_heads: 32,
        num_hidden_layers: 32,
        vocab_size: 32000,
        max_position_embeddings: 4096,
      },
      { batchSize: 1, seqLen: 4096 },
    )
    expect(summarizeModel(llama).parameters).toBe(6_738_415_616)
  })
})
