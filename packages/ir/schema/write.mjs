// Writes op-graph.schema.json from the built library, so the published file never drifts from the code.
import { writeFileSync } from 'node:fs'
import { opGraphJsonSchema } from '@dnnperf/ir'

writeFileSync(
  new URL('./op-graph.schema.json', import.meta.url),
  `${JSON.stringify(opGraphJsonSchema, null, 2)}\n`,
)
