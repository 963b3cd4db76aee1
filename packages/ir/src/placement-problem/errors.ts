import { DnnperfError } from '../errors.js'

/**
 * Out-edges of one node carry different transfer times. In the Tarnawski model the communication cost belongs
 * to the source node, so every out-edge of `nodeId` must carry the same `transferTime` (±`tolerance`).
 */
export class InconsistentEdgeCostError extends DnnperfError {
  readonly code = 'INCONSISTENT_EDGE_COST'
  override readonly name = 'InconsistentEdgeCostError'
  readonly nodeId: string
  readonly firstDestId: string
  readonly firstCost: number
  readonly otherDestId: string
  readonly otherCost: number
  readonly tolerance: number
  constructor(fields: {
    nodeId: string
    firstDestId: string
    firstCost: number
    otherDestId: string
    otherCost: number
    tolerance: number
  }) {
    super(
      `node "${fields.nodeId}": out-edge to "${fields.firstDestId}" costs ${fields.firstCost} but out-edge to ` +
        `"${fields.otherDestId}" costs ${fields.otherCost}; the cost belongs to the source node and must agree ` +
        `within ${fields.tolerance}`,
    )
    this.nodeId = fields.nodeId
    this.firstDestId = fields.firstDestId
    this.firstCost = fields.firstCost
    this.otherDestId = fields.otherDestId
    this.otherCost = fields.otherCost
    this.tolerance = fields.tolerance
  }
}
