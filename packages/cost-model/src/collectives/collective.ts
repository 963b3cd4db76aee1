import { InvalidValueError } from '@dnnperf/ir'
import type { ClusterSpec, LinkSpec } from '../hardware/types.js'
import { requireNonNegative, requirePositiveInt } from '../ops/common.js'

/** Collective operations. */
export type CollectiveKind =
  | 'all-reduce'
  | 'reduce-scatter'
  | 'all-gather'
  | 'all-to-all'
  | 'broadcast'
  | 'reduce'
  | 'point-to-point'

/** Algorithms: `ring`, `tree` (double binary tree, all-reduce only), two-level `hierarchical`, `direct`. */
export type CollectiveAlgorithm = 'ring' | 'tree' | 'hierarchical' | 'direct'

/** One collective call. */
export interface CollectiveCall {
  readonly kind: CollectiveKind
  /**
   * Bytes of the full buffer S: for all-reduce the buffer each rank holds; for reduce-scatter the total input
   * per rank; for all-gather the total output per rank; for all-to-all what each rank holds for all peers
   * (nccl-tests convention). For point-to-point, the message.
   */
  readonly bytes: number
  /** Participating ranks (default: the whole cluster). Point-to-point ignores it. */
  readonly ranks?: number
  /** Default: `ring` inside a node; `hierarchical` for all-reduce across nodes, else `ring`. */
  readonly algorithm?: CollectiveAlgorithm
  /** Point-to-point only: the two ranks sit on different nodes. Default false. */
  readonly crossNode?: boolean
  /** Achieved fraction of link bandwidth (Calculon: 0.65 NVLink, 0.9 IB). Default 1. */
  readonly efficiency?: number
}

/** Time of a collective with its bandwidth figures. */
export interface CollectiveCost {
  readonly latencyS: number
  readonly bound: 'communication'
  readonly kind: CollectiveKind
  readonly algorithm: CollectiveAlgorithm
  readonly ranks: number
  readonly bytes: number
  /** α part (latency terms), s. */
  readonly latencyTermS: number
  /** β part (bandwidth terms), s. */
  readonly bandwidthTermS: number
  /** nccl-tests algbw = S / t, bytes/s. */
  readonly algBandwidthBytesPerS: number
  /** nccl-tests busbw = algbw · factor, bytes/s. */
  readonly busBandwidthBytesPerS: number
  /** Link class that bounds the bandwidth term. */
  readonly link: string
}

/** nccl-tests bus-bandwidth factor (doc/PERFORMANCE.md). */
function busFactor(kind: CollectiveKind, n: number): number {
  switch (kind) {
    case 'all-reduce':
      return (2 * (n - 1)) / n
    case 'reduce-scatter':
    case 'all-gather':
    case 'all-to-all':
      return (n - 1) / n
    default:
      return 1
  }
}

function flatRing(kind: CollectiveKind, n: number, s: number, alpha: number, beta: number): [number, number] {
  switch (kind) {
    case 'all-reduce':
      return [2 * (n - 1) * alpha, ((2 * (n - 1)) / n) * (s / beta)]
    case 'reduce-scatter':
    case 'all-gather':
    case 'all-to-all':
      return [(n - 1) * alpha, ((n - 1) / n) * (s / beta)]
    case 'broadcast':
    case 'reduce':
      return [(n - 1) * alpha, s / beta]
    case 'point-to-point':
      return [alpha, s / beta]
  }
}

/**
 * α–β time of a collective on a cluster's links.
 *
 * Ring: all-reduce 2(n−1)α + 2(n−1)/n·S/β; reduce-scatter, all-gather, all-to-all (n−1)α + (n−1)/n·S/β;
 * broadcast/reduce (pipelined chain) (n−1)α + S/β; point-to-point α + S/β. Tree all-reduce: 2⌈log₂n⌉α + 2S/β
 * (NCCL's tuner: tree algbw = busbw/2). Hierarchical all-reduce over g devices per node and N nodes:
 * intra reduce-scatter + inter all-reduce of each 1/g shard on g rails in parallel + intra all-gather.
 * A flat collective spanning nodes runs at the slower link's β and pays the inter-node α per step. On a
 * `fully-connected` node, all-to-all and direct algorithms use all n−1 peer links at once.
 * Sources: Thakur et al. 2005; nccl-tests PERFORMANCE.md; NCCL tuning.cc; cost-model reference §3. Exact for
 * the model. O(1).
 * @throws InvalidValueError for negative bytes, bad rank counts, ranks beyond the cluster or an algorithm the
 *   collective does not have.
 */
export function collectiveCost(cluster: ClusterSpec, call: CollectiveCall): CollectiveCost {
  const s = requireNonNegative('collective', 'bytes', call.bytes)
  const total = cluster.devicesPerNode * cluster.nodes
  const eta = call.efficiency ?? 1
  if (!Number.isFinite(eta) || eta <= 0) {
    throw new InvalidValueError({
      at: 'collective',
      field: 'efficiency',
      value: eta,
      expected: 'a number > 0',
    })
  }
  const derate = (l: LinkSpec): { alpha: number; beta: number; name: string } => ({
    alpha: l.latencyS,
    beta: l.bandwidthBytesPerS * eta,
    name: l.name,
  })
  const intra = derate(cluster.intraNode)
  const inter = derate(cluster.interNode)
  const kind = call.kind
  if (kind === 'point-to-point') {
    const l = call.crossNode ? inter : intra
    const [lat, bwt] = flatRing(kind, 2, s, l.alpha, l.beta)
    return result(kind, 'direct', 2, s, lat, bwt, l.name, 1)
  }
  const n = requirePositiveInt('collective', 'ranks', call.ranks ?? total)
  if (n > total) {
    throw new InvalidValueError({
      at: 'collective',
      field: 'ranks',
      value: n,
      expected: `at most ${total} (cluster size)`,
    })
  }
  if (n === 1) return result(kind, call.algorithm ?? 'ring', 1, s, 0, 0, intra.name, busFactor(kind, 1))
  const g = cluster.devicesPerNode
  const spansNodes = n > g
  const algorithm = call.algorithm ?? (spansNodes && kind === 'all-reduce' ? 'hierarchical' : 'ring')
  if (algorithm === 'tree' && kind !== 'all-reduce') {
    throw new InvalidValueError({
      at: 'collective',
      field: 'algorithm',
      value: 'tree',
      expected: 'ring, hierarchical or direct for this collective',
    })
  }
  const flat = spansNodes
    ? {
        alpha: Math.max(intra.alpha, inter.alpha),
        beta: Math.min(intra.beta, inter.beta),
        name: intra.beta <= inter.beta ? intra.name : inter.name,
      }
    : intra
  const fc = !spansNodes && cluster.topology === 'fully-connected'
  switch (algorithm) {
    case 'tree': {
      const lat = 2 * Math.ceil(Math.log2(n)) * flat.alpha
      return result(kind, algorithm, n, s, lat, (2 * s) / flat.beta, flat.name, busFactor(kind, n))
    }
    case 'direct': {
      // Every rank talks to every peer at once; per-peer links on a fully-connected node, one port otherwise.
      const beta = fc ? flat.beta * (n - 1) : flat.beta
      const [lat, bwt] = flatRing(kind, n, s, flat.alpha, beta)
      // The n−1 ring steps collapse into one concurrent round per phase, so α is paid per phase, not per step.
      return result(kind, algorithm, n, s, lat / (n - 1), bwt, flat.name, busFactor(kind, n))
    }
    case 'hierarchical': {
      if (!spansNodes || kind !== 'all-reduce') {
        const [lat, bwt] = flatRing(kind, n, s, flat.alpha, flat.beta)
        return result(kind, 'ring', n, s, lat, bwt, flat.name, busFactor(kind, n))
      }
      const nodes = Math.ceil(n / g)
      const local = Math.min(g, n)
      const lat = 2 * (local - 1) * intra.alpha + 2 * (nodes - 1) * inter.alpha
      const bwt =
        2 * (((local - 1) / local) * (s / intra.beta)) +
        ((2 * (nodes - 1)) / nodes) * (s / local / inter.beta)
      const bottleneck =
        ((local - 1) / local) * (s / intra.beta) >= ((nodes - 1) / nodes) * (s / local / inter.beta)
      return result(kind, algorithm, n, s, lat, bwt, bottleneck ? intra.name : inter.name, busFactor(kind, n))
    }
    default: {
      const beta = fc && kind === 'all-to-all' ? flat.beta * (n - 1) : flat.beta
      const [lat, bwt] = flatRing(kind, n, s, flat.alpha, beta)
      return result(kind, 'ring', n, s, lat, bwt, flat.name, busFactor(kind, n))
    }
  }
}

function result(
  kind: CollectiveKind,
  algorithm: CollectiveAlgorithm,
  ranks: number,
  bytes: number,
  latencyTermS: number,
  bandwidthTermS: number,
  link: string,
  factor: number,
): CollectiveCost {
  const latencyS = latencyTermS + bandwidthTermS
  const algBandwidthBytesPerS = latencyS > 0 ? bytes / latencyS : 0
  return {
    latencyS,
    bound: 'communication',
    kind,
    algorithm,
    ranks,
    bytes,
    latencyTermS,
    bandwidthTermS,
    algBandwidthBytesPerS,
    busBandwidthBytesPerS: algBandwidthBytesPerS * factor,
    link,
  }
}
