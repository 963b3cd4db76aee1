import { DTYPES } from '../dtype.js'
import { OP_GRAPH_SCHEMA_VERSION } from './json.js'

const tensor = {
  type: 'object',
  required: ['shape', 'dtype'],
  properties: {
    shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
    dtype: { enum: [...DTYPES] },
  },
} as const

const cost = { type: 'number', minimum: 0 } as const

/**
 * JSON Schema (draft 2020-12) of the op-graph document; the same object ships as
 * `@dnnperf/ir/schema/op-graph.schema.json`. Structural only: shape agreement and acyclicity need
 * `validateOpGraph`.
 */
export const opGraphJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dnnperf.dev/schema/op-graph.schema.json',
  title: 'dnnperf operator graph',
  type: 'object',
  required: ['schemaVersion', 'name', 'nodes', 'edges'],
  properties: {
    format: { const: 'dnnperf.op-graph' },
    schemaVersion: { const: OP_GRAPH_SCHEMA_VERSION },
    name: { type: 'string' },
    metadata: { type: 'object' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', minLength: 1 },
          kind: { type: 'string', minLength: 1 },
          inputs: { type: 'array', items: tensor },
          outputs: { type: 'array', items: tensor },
          params: {
            type: 'array',
            items: {
              ...tensor,
              required: ['name', 'shape', 'dtype'],
              properties: { ...tensor.properties, name: { type: 'string' } },
            },
          },
          attrs: { type: 'object' },
          phase: { enum: ['forward', 'backward', 'optimizer'] },
          layer: { type: 'string' },
          gradOf: { type: 'string' },
          gradRole: { enum: ['data', 'weight'] },
          flop: cost,
          bytes: cost,
        },
      },
    },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to'],
        properties: {
          from: { type: 'string' },
          to: { type: 'string' },
          fromOutput: { type: 'integer', minimum: 0 },
          toInput: { type: 'integer', minimum: 0 },
        },
      },
    },
    controlEdges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { type: 'string' }, to: { type: 'string' }, bytes: cost },
      },
    },
  },
} as const
