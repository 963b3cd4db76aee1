/**
 * α–β collective times for a group of ranks whose placement on nodes is known. `collectiveCost` in
 * `@dnnperf/cost-model` assumes a group of n ranks fills nodes contiguously, which is wrong for data-parallel
 * groups strided by t (all peers on different nodes even when d ≤ 8).
 * TODO(cost-model): fold into `collectiveCost` as a `ranksPerNode` (group placement) option and delete this file.
 */

/** One link tier: per-device, per-direction bandwidth (already derated) and per-message latency. */
export interface Tier {
  readonly bandwidthBytesPerS: number
  readonly latencyS: number
}

export type GroupCollective = 'all-reduce' | 'reduce-scatter' | 'all-gather'

/**
 * Ring time on one tier: α + 2(n−1)/n·S/β for all-reduce, α + (n−1)/n·S/β for reduce-scatter and all-gather.
 * α is charged once per collective, as Calculon does (its tier latency is per operation, not per ring step:
 * calculon@caa4b11:calculon/network.py), because NCCL pipelines the ring steps of a large message.
 */
export function ringS(kind: GroupCollective, n: number, bytes: number, tier: Tier): number {
  if (n <= 1 || bytes <= 0) return 0
  const steps = kind === 'all-reduce' ? 2 * (n - 1) : n - 1
  return tier.latencyS + ((steps / n) * bytes) / tier.bandwidthBytesPerS
}

/**
 * Time of a collective over `ranks` devices, `perNode` of which share each node: one ring on the intra-node tier
 * when the group fits a node, one ring on the NICs when every rank is on its own node, otherwise two levels
 * (intra reduce-scatter, inter collective on 1/perNode shards over perNode rails in parallel, intra all-gather).
 * Source: cost-model reference §3.1 and §3.3 (Thakur et al. 2005; NCCL). Heuristic. O(1).
 */
export function groupCollectiveS(
  kind: GroupCollective,
  ranks: number,
  perNode: number,
  bytes: number,
  intra: Tier,
  inter: Tier,
): number {
  if (ranks <= 1 || bytes <= 0) return 0
  const g = Math.max(1, Math.min(perNode, ranks))
  if (g >= ranks) return ringS(kind, ranks, bytes, intra)
  if (g === 1) return ringS(kind, ranks, bytes, inter)
  const nodes = Math.ceil(ranks / g)
  const shard = bytes / g
  switch (kind) {
    case 'all-reduce':
      return (
        ringS('reduce-scatter', g, bytes, intra) +
        ringS('all-reduce', nodes, shard, inter) +
        ringS('all-gather', g, bytes, intra)
      )
    case 'reduce-scatter':
      return ringS('reduce-scatter', g, bytes, intra) + ringS('reduce-scatter', nodes, shard, inter)
    case 'all-gather':
      return ringS('all-gather', nodes, shard, inter) + ringS('all-gather', g, bytes, intra)
  }
}

/** Point-to-point message time: α + S/β. */
export function p2pS(bytes: number, tier: Tier): number {
  return bytes <= 0 ? 0 : tier.latencyS + bytes / tier.bandwidthBytesPerS
}

/** Greatest common divisor. */
function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/**
 * How a plan's groups sit on nodes of g devices under Megatron's rank order (tensor innermost, then data, then
 * pipeline): tensor groups are t consecutive ranks, data groups stride t, pipeline neighbours stride t·d.
 */
export function groupPlacement(t: number, d: number, g: number) {
  const tpPerNode = gcd(t, g)
  const dpPerNode = t >= g ? 1 : Math.max(1, Math.min(d, Math.floor(g / t)))
  const pipelineCrossNode = t * d >= g
  return { tpPerNode, dpPerNode, pipelineCrossNode }
}
