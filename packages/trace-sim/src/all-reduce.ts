import { collectiveCost } from '@dnnperf/cost-model'
import type { ClusterSpec } from '@dnnperf/cost-model'
import { InvalidValueError } from '@dnnperf/ir'

/** Link parameters of the local α–β model. */
export interface AllReduceLink {
  readonly bandwidthBytesPerS: number
  readonly latencyS: number
}

/**
 * Time of an all-reduce of `bytes` over `ranks`, seconds. With a cost-model `cluster`, uses
 * `collectiveCost` (ring inside a node, hierarchical across nodes); otherwise the flat ring α–β formula
 * `2(n−1)/n · bytes / bandwidth + 2(n−1) · latency` (Thakur et al. 2005).
 *
 * Exact for the model. O(1). @throws InvalidValueError for negative bytes, ranks < 1 or a bandwidth <= 0.
 */
export function allReduceTimeS(
  bytes: number,
  ranks: number,
  link: AllReduceLink,
  cluster?: ClusterSpec,
): number {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new InvalidValueError({ at: 'allReduce', field: 'bytes', value: bytes, expected: 'finite >= 0' })
  }
  if (!Number.isInteger(ranks) || ranks < 1) {
    throw new InvalidValueError({
      at: 'allReduce',
      field: 'ranks',
      value: ranks,
      expected: 'an integer >= 1',
    })
  }
  if (cluster !== undefined) return collectiveCost(cluster, { kind: 'all-reduce', bytes, ranks }).latencyS
  if (!(link.bandwidthBytesPerS > 0) || !(link.latencyS >= 0)) {
    throw new InvalidValueError({
      at: 'allReduce',
      field: 'link',
      value: `${link.bandwidthBytesPerS} B/s, ${link.latencyS} s`,
      expected: 'bandwidth > 0 and latency >= 0',
    })
  }
  if (ranks === 1) return 0
  return ((2 * (ranks - 1)) / ranks) * (bytes / link.bandwidthBytesPerS) + 2 * (ranks - 1) * link.latencyS
}
