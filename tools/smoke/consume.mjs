// An ES-module user's project: import the built packages by name and use them.
import assert from 'node:assert/strict'
import {
  deriveTrainingGraph,
  parseOpGraph,
  serializeOpGraph,
  summarizeModel,
  validateOpGraph,
} from '@dnnperf/ir'
import { buildModel, listModels } from '@dnnperf/models'

assert.ok(listModels().length >= 20)
const graph = buildModel('resnet50', { batchSize: 2 })
assert.equal(summarizeModel(graph).parameters, 25_557_032)
const training = deriveTrainingGraph(graph)
validateOpGraph(training)
assert.deepEqual(parseOpGraph(serializeOpGraph(training)), training)
console.log('esm ok')
