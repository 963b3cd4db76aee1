import { getAcceleratorPreset, validateAccelerator } from '@dnnperf/cost-model'
import { InvalidValueError, NotFoundError } from '@dnnperf/ir'
import type { PlanCluster, PlanClusterInput } from './types.js'

/** Latencies of Calculon's NVLink and InfiniBand tiers (calculon@caa4b11:systems/a100_80g.json). */
const NVLINK_LATENCY_S = 10e-6
const IB_LATENCY_S = 20e-6

/**
 * Built-in clusters. Bandwidths are per device and per direction (NVIDIA prints bidirectional NVLink totals;
 * these are half of them). Sources in each `source`.
 */
const PRESETS: readonly PlanClusterInput[] = [
  {
    name: 'dgx-a100',
    source:
      'DGX A100 (Selene node): 8× A100-SXM4-80GB, NVLink 3 via NVSwitch 300 GB/s/dir per GPU (A100 datasheet: 600 GB/s bidir); one 200 Gb/s HDR InfiniBand NIC per GPU = 25 GB/s (Narayanan et al. SC21 §5; Korthikanti et al. §6)',
    device: 'a100-80gb',
    devicesPerNode: 8,
    intraNodeBandwidthBytesPerS: 300e9,
    interNodeBandwidthBytesPerS: 25e9,
  },
  {
    name: 'dgx-a100-40gb',
    source: 'DGX A100 with A100-SXM4-40GB: as dgx-a100 with 40 GB HBM2 at 1555 GB/s (A100 datasheet)',
    device: 'a100-40gb',
    devicesPerNode: 8,
    intraNodeBandwidthBytesPerS: 300e9,
    interNodeBandwidthBytesPerS: 25e9,
  },
  {
    name: 'dgx-h100',
    source:
      'DGX H100: 8× H100-SXM5-80GB, NVLink 4 450 GB/s/dir per GPU (datasheet: 900 GB/s bidir); one 400 Gb/s NIC per GPU = 50 GB/s (NIC count per GPU unverified)',
    device: 'h100-sxm',
    devicesPerNode: 8,
    intraNodeBandwidthBytesPerS: 450e9,
    interNodeBandwidthBytesPerS: 50e9,
  },
  {
    name: 'dgx-h200',
    source:
      'DGX/HGX H200: 8× H200 (141 GB HBM3e at 4.8 TB/s), NVLink 4 450 GB/s/dir per GPU (18 links, 900 GB/s bidir); 400 Gb/s NIC class per GPU = 50 GB/s (unverified)',
    device: 'h200',
    devicesPerNode: 8,
    intraNodeBandwidthBytesPerS: 450e9,
    interNodeBandwidthBytesPerS: 50e9,
  },
  {
    name: 'tpuv4-pod',
    source:
      'TPU v4-like pod: 4×4×4 ICI cubes of 64 chips (Cloud TPU v4 docs: 3D torus, 6 neighbours, 4096-chip pod); a ring along one torus axis uses two ICI links per chip, taken as 2 × 50 GB/s per direction (per-link rate unverified); cubes joined by optical switches at the same rate (unverified)',
    device: 'tpuv4-like',
    devicesPerNode: 64,
    intraNodeBandwidthBytesPerS: 100e9,
    interNodeBandwidthBytesPerS: 100e9,
    intraNodeLatencyS: 5e-6,
    interNodeLatencyS: 10e-6,
  },
]

/** Names of the built-in plan clusters. Exact. O(presets). */
export function listPlanClusters(): string[] {
  return PRESETS.map((c) => c.name!)
}

function positive(at: string, field: string, v: unknown, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new InvalidValueError({
      at,
      field,
      value: v,
      expected: integer ? 'a positive integer' : 'a finite number > 0',
    })
  }
  return v
}

/**
 * A validated cluster: a preset name from {@link listPlanClusters}, or a JSON object with `device` (an accelerator
 * preset of `@dnnperf/cost-model` such as `a100-80gb`, `h100-sxm`, `h200`, `tpuv4-like`, or an inline
 * accelerator description), `devicesPerNode`, `intraNodeBandwidthBytesPerS` and `interNodeBandwidthBytesPerS`
 * (per device, per direction), optional latencies (default 10 µs / 20 µs) and `nodes`. Exact. O(1).
 * @throws NotFoundError for an unknown cluster or device preset; InvalidValueError naming the bad field.
 */
export function resolvePlanCluster(cluster: string | PlanClusterInput | PlanCluster): PlanCluster {
  let input: PlanClusterInput
  if (typeof cluster === 'string') {
    const found = PRESETS.find((c) => c.name === cluster)
    if (found === undefined)
      throw new NotFoundError({ what: 'plan cluster', key: cluster, known: listPlanClusters() })
    input = found
  } else if (typeof cluster === 'object' && cluster !== null) {
    input = cluster as PlanClusterInput
  } else {
    throw new InvalidValueError({
      at: 'cluster',
      field: '(root)',
      value: cluster,
      expected: 'a preset name or an object',
    })
  }
  const at = `cluster ${input.name ?? '(unnamed)'}`
  let device = input.device
  if (typeof device === 'string') device = getAcceleratorPreset(device)
  else if (typeof device === 'object' && device !== null) device = validateAccelerator(device)
  else
    throw new InvalidValueError({
      at,
      field: 'device',
      value: device,
      expected: 'an accelerator preset name or description',
    })
  const nodes =
    input.nodes === undefined || input.nodes === null ? null : positive(at, 'nodes', input.nodes, true)
  return {
    name: input.name ?? `custom-${device.name}`,
    ...(input.source !== undefined ? { source: input.source } : {}),
    device,
    devicesPerNode: positive(at, 'devicesPerNode', input.devicesPerNode, true),
    intraNodeBandwidthBytesPerS: positive(
      at,
      'intraNodeBandwidthBytesPerS',
      input.intraNodeBandwidthBytesPerS,
      false,
    ),
    interNodeBandwidthBytesPerS: positive(
      at,
      'interNodeBandwidthBytesPerS',
      input.interNodeBandwidthBytesPerS,
      false,
    ),
    intraNodeLatencyS: nonNegative(at, 'intraNodeLatencyS', input.intraNodeLatencyS ?? NVLINK_LATENCY_S),
    interNodeLatencyS: nonNegative(at, 'interNodeLatencyS', input.interNodeLatencyS ?? IB_LATENCY_S),
    nodes,
  }
}

function nonNegative(at: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidValueError({ at, field, value: v, expected: 'a finite number ≥ 0' })
  }
  return v
}
