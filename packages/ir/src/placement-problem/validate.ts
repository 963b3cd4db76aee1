import { InvalidValueError, SchemaVersionError } from '../errors.js'
import { type CompiledDag, compileDag } from '../graph/compiled-dag.js'
import { InconsistentEdgeCostError } from './errors.js'
import type { PlacementProblem, TensorParallelConfig } from './types.js'

/** Per-source transfer times may differ by this much (the reference programs' tolerance). */
export const EDGE_COST_TOLERANCE = 1e-6

const NUMERIC_CONFIG_FIELDS = [
  'timePerSampleS',
  'forwardS',
  'backwardS',
  'parameterBytes',
  'activationBytes',
  'memoryBytesPerMicrobatch',
  'memoryBytesFixed',
] as const

function checkNonNegative(at: string, field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidValueError({ at, field, value, expected: 'a finite number >= 0' })
  }
}

function checkCount(at: string, field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidValueError({ at, field, value, expected: 'an integer >= 0' })
  }
}

function checkConfig(at: string, field: string, config: TensorParallelConfig): void {
  for (const key of NUMERIC_CONFIG_FIELDS) {
    if (config[key] !== undefined) checkNonNegative(at, `${field}.${key}`, config[key])
  }
  for (const [neighbour, bytes] of Object.entries(config.syncBytesIn ?? {})) {
    checkNonNegative(at, `${field}.syncBytesIn.${neighbour}`, bytes)
  }
  for (const [neighbour, bytes] of Object.entries(config.syncBytesOut ?? {})) {
    checkNonNegative(at, `${field}.syncBytesOut.${neighbour}`, bytes)
  }
}

/**
 * Check a placement problem and return its compiled DAG (node `i` = `problem.nodes[i]`).
 *
 * Exact check, O(V + E + number of cost fields). Every time, byte count and size must be finite and >= 0;
 * device counts integers >= 0; node ids unique; edges between known nodes; the graph acyclic; and all
 * non-artificial out-edges of a node that carry `transferTime` must agree within {@link EDGE_COST_TOLERANCE}.
 *
 * @throws SchemaVersionError (`SCHEMA_VERSION`) for a schema version other than 1.
 * @throws InvalidValueError (`INVALID_VALUE`) naming the node (or edge `a->b`) and field of a bad number.
 * @throws DuplicateNodeError, DanglingEdgeError, GraphCycleError from {@link compileDag}.
 * @throws InconsistentEdgeCostError (`INCONSISTENT_EDGE_COST`) when a node's out-edges disagree on cost.
 */
export function validatePlacementProblem(problem: PlacementProblem): CompiledDag {
  if (problem.schemaVersion !== 1)
    throw new SchemaVersionError({ found: problem.schemaVersion, supported: 1 })
  const r = problem.resources
  if (r.acceleratorCount !== undefined) checkCount('resources', 'acceleratorCount', r.acceleratorCount)
  if (r.cpuCount !== undefined) checkCount('resources', 'cpuCount', r.cpuCount)
  if (r.microbatchCount !== undefined) checkCount('resources', 'microbatchCount', r.microbatchCount)
  if (r.acceleratorMemoryBytes !== undefined) {
    checkNonNegative('resources', 'acceleratorMemoryBytes', r.acceleratorMemoryBytes)
  }
  if (r.bandwidthBytesPerS !== undefined)
    checkNonNegative('resources', 'bandwidthBytesPerS', r.bandwidthBytesPerS)

  for (const node of problem.nodes) {
    const at = `node ${node.id}`
    if (typeof node.id !== 'string' || node.id === '') {
      throw new InvalidValueError({ at: 'node', field: 'id', value: node.id, expected: 'a non-empty string' })
    }
    if (node.role !== 'forward' && node.role !== 'backward') {
      throw new InvalidValueError({
        at,
        field: 'role',
        value: node.role,
        expected: '"forward" or "backward"',
      })
    }
    for (const [kind, time] of Object.entries(node.timeByDevice ?? {})) {
      checkNonNegative(at, `timeByDevice.${kind}`, time)
    }
    if (node.memoryBytes !== undefined) checkNonNegative(at, 'memoryBytes', node.memoryBytes)
    for (const [width, configs] of Object.entries(node.tensorParallel ?? {})) {
      configs.forEach((c, i) => {
        checkConfig(at, `tensorParallel.${width}[${i}]`, c)
      })
    }
  }

  const firstCost = new Map<string, { destId: string; cost: number }>()
  for (const edge of problem.edges) {
    const at = `edge ${edge.from}->${edge.to}`
    if (edge.bytes !== undefined) checkNonNegative(at, 'bytes', edge.bytes)
    if (edge.transferTime !== undefined) checkNonNegative(at, 'transferTime', edge.transferTime)
    for (const [width, bytes] of Object.entries(edge.bytesByTensorWidth ?? {})) {
      checkNonNegative(at, `bytesByTensorWidth.${width}`, bytes)
    }
    if (edge.transferTime === undefined || edge.artificial === true) continue
    const first = firstCost.get(edge.from)
    if (first === undefined) firstCost.set(edge.from, { destId: edge.to, cost: edge.transferTime })
    else if (Math.abs(first.cost - edge.transferTime) > EDGE_COST_TOLERANCE) {
      throw new InconsistentEdgeCostError({
        nodeId: edge.from,
        firstDestId: first.destId,
        firstCost: first.cost,
        otherDestId: edge.to,
        otherCost: edge.transferTime,
        tolerance: EDGE_COST_TOLERANCE,
      })
    }
  }

  return compileDag(
    problem.nodes.map((n) => n.id),
    problem.edges,
  )
}

/**
 * Forward/backward pairs of a training graph: for every co-location class holding exactly one forward and one
 * backward node, `[forwardId, backwardId]`, in node order of the forward node. O(V).
 */
export function forwardBackwardPairs(problem: PlacementProblem): Array<[string, string]> {
  const byClass = new Map<string, { forward: string[]; backward: string[] }>()
  for (const node of problem.nodes) {
    if (node.colorClass === undefined) continue
    let entry = byClass.get(node.colorClass)
    if (entry === undefined) {
      entry = { forward: [], backward: [] }
      byClass.set(node.colorClass, entry)
    }
    entry[node.role].push(node.id)
  }
  const pairs: Array<[string, string]> = []
  for (const node of problem.nodes) {
    if (node.role !== 'forward' || node.colorClass === undefined) continue
    const entry = byClass.get(node.colorClass)!
    if (entry.forward.length === 1 && entry.backward.length === 1) pairs.push([node.id, entry.backward[0]!])
  }
  return pairs
}
