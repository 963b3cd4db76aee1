// A CommonJS user's project: require the built packages by name and use them.
const assert = require('node:assert/strict')
const ir = require('@dnnperf/ir')
const models = require('@dnnperf/models')

const graph = models.buildModel('gpt2', { batchSize: 1, seqLen: 128 })
const summary = ir.summarizeModel(graph)
assert.equal(summary.parameters, 124_439_808)
const text = ir.serializeOpGraph(graph)
assert.deepEqual(ir.parseOpGraph(text), graph)
assert.equal(ir.isDnnperfError(new ir.GraphCycleError({ nodeId: 'a', cycle: ['a', 'a'] })), true)
console.log('cjs ok')
