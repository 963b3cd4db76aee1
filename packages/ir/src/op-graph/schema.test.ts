import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { GraphBuilder } from './builder.js'
import { opGraphToDocument } from './json.js'
import { opGraphJsonSchema } from './schema.js'
import { deriveTrainingGraph } from './training.js'

const schemaFile = resolve(import.meta.dirname, '../../schema/op-graph.schema.json')

describe('published JSON Schema', () => {
  it('ships the same schema the library exports (regenerate: node packages/ir/schema/write.mjs)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(opGraphJsonSchema)),
    )
  })

  it('accepts documents the library writes and rejects broken ones', () => {
    const ajv = new Ajv2020({ strict: false })
    const validate = ajv.compile(opGraphJsonSchema)
    const b = new GraphBuilder('tiny')
    const x = b.input('x', [2, 4])
    b.op('linear', [x], { params: [b.param('w', [4, 3])] })
    const doc = JSON.parse(JSON.stringify(opGraphToDocument(deriveTrainingGraph(b.build()))))
    expect(validate(doc)).toBe(true)
    doc.nodes[1].inputs[0].shape[0] = -1
    expect(validate(doc)).toBe(false)
    expect(validate({ ...doc, schemaVersion: 2 })).toBe(false)
  })
})
