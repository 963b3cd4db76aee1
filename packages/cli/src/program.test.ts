import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraphBuilder, serializeOpGraph, summarizeModel } from '@dnnperf/ir'
import { buildModel } from '@dnnperf/models'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.js'

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}

const dir = mkdtempSync(join(tmpdir(), 'dnnperf-cli-'))
function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('dnnperf models', () => {
  it('lists the zoo', async () => {
    const r = await cli('models', 'list', '--json')
    expect(r.code).toBe(0)
    const names = (JSON.parse(r.out) as { name: string }[]).map((m) => m.name)
    expect(names).toEqual(
      expect.arrayContaining(['gpt2-xl', 'bert-large', 'llama2-7b', 'resnet50', 'gpt3-175b']),
    )
  })

  it('shows a model as the library summary, field for field', async () => {
    const r = await cli('models', 'show', 'gpt2-xl', '--batch', '2', '--seq', '128', '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.out)
    expect(json).toEqual(summarizeModel(buildModel('gpt2-xl', { batchSize: 2, seqLen: 128 })))
    expect(json.parameters).toBe(1_557_611_200)
    for (const field of [
      'name',
      'parameters',
      'forwardFlopsPerSample',
      'layers',
      'weightBytes',
      'activationBytesPerSample',
    ]) {
      expect(json).toHaveProperty(field)
    }
    const human = await cli('models', 'show', 'gpt2-xl')
    expect(human.out).toContain('1,557,611,200')
  })

  it('builds from a Hugging Face config.json', async () => {
    const config = file('gpt2.json', {
      model_type: 'gpt2',
      n_embd: 768,
      n_head: 12,
      n_layer: 12,
      n_positions: 1024,
      vocab_size: 50257,
    })
    const r = await cli('models', 'show', '--hf-config', config, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).parameters).toBe(124_439_808)
  })

  it('fails with one line naming the error code', async () => {
    const unknown = await cli('models', 'show', 'gpt-17')
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/^dnnperf: error NOT_FOUND: .*gpt-17.*\n$/)
    const badBatch = await cli('models', 'show', 'gpt2', '--batch', '-3')
    expect(badBatch.code).toBe(1)
    expect(badBatch.err).toContain('error INVALID_VALUE')
    expect(badBatch.err).toContain('--batch')
    const missing = await cli('models', 'show', '--hf-config', join(dir, 'nope.json'))
    expect(missing.err).toContain('error NOT_FOUND')
  })
})

describe('dnnperf graph validate', () => {
  const b = new GraphBuilder('tiny')
  const x = b.input('x', [2, 4])
  b.op('linear', [x], { name: 'fc', params: [b.param('w', [4, 3])] })
  const good = JSON.parse(serializeOpGraph(b.build()))

  it('accepts a valid graph', async () => {
    const r = await cli('graph', 'validate', file('good.json', good), '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, name: 'tiny', nodes: 2, edges: 1 })
  })

  it('rejects a cycle, a dangling edge, an unknown kind and a NaN cost with their codes', async () => {
    const cyclic = { ...good, controlEdges: [{ from: 'fc', to: 'x' }] }
    const c = await cli('graph', 'validate', file('cyclic.json', cyclic))
    expect(c.code).toBe(1)
    expect(c.err).toMatch(/error GRAPH_CYCLE: .*"(x|fc)"/)
    const dangling = { ...good, edges: [...good.edges, { from: 'ghost', to: 'fc' }] }
    expect((await cli('graph', 'validate', file('dangling.json', dangling))).err).toContain(
      'GRAPH_DANGLING_EDGE',
    )
    const unknown = {
      ...good,
      nodes: good.nodes.map((n: { id: string }) => (n.id === 'fc' ? { ...n, kind: 'warp' } : n)),
    }
    expect((await cli('graph', 'validate', file('unknown.json', unknown))).err).toContain('UNKNOWN_OP_KIND')
    const nan = file('nan.json', JSON.stringify(good).replace('"kind":"linear"', '"kind":"linear","flop":-1'))
    expect((await cli('graph', 'validate', nan)).err).toContain('INVALID_VALUE')
    const json = await cli('graph', 'validate', file('cyclic2.json', cyclic), '--json')
    expect(JSON.parse(json.err).error.code).toBe('GRAPH_CYCLE')
    expect((await cli('graph', 'validate', file('broken.json', '{"schemaVersion": 1,'))).err).toContain(
      'FORMAT_INVALID',
    )
  })
})

describe('help and usage', () => {
  it('prints help for every command and exits 0', async () => {
    for (const argv of [
      ['--help'],
      ['models', '--help'],
      ['models', 'show', '--help'],
      ['graph', 'validate', '--help'],
      ['demo', '--help'],
    ]) {
      const r = await cli(...argv)
      expect(r.code).toBe(0)
      expect(r.out).toContain('Usage: dnnperf')
    }
  })

  it('exits 2 on an unknown command', async () => {
    const r = await cli('frobnicate')
    expect(r.code).toBe(2)
    expect(r.err).toContain('unknown command')
  })
})
