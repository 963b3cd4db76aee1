import { getAcceleratorPreset } from '@dnnperf/cost-model'
import type { AcceleratorSpec } from '@dnnperf/cost-model'
import { InvalidValueError } from '@dnnperf/ir'
import { isComputeIntensiveKernel } from './classify.js'
import { scaleTasks, selectTasks } from './primitives.js'
import type { DependencyGraph } from './types.js'

/** Per-kernel duration factors for moving a trace from one accelerator preset to another. */
export interface DeviceScaling {
  readonly from: string
  readonly to: string
  /** Factor on compute-bound kernels: peak FLOP/s of `from` ÷ peak FLOP/s of `to` (for `dtype`). */
  readonly computeFactor: number
  /** Factor on memory-bound kernels: off-chip bandwidth of `from` ÷ that of `to`. */
  readonly memoryFactor: number
}

function peak(spec: AcceleratorSpec, dtype: string, name: string): number {
  const p = spec.peakFlopPerS[dtype]
  if (p === undefined || !(p > 0)) {
    throw new InvalidValueError({
      at: `whatIf gpu (${name})`,
      field: 'gpuDtype',
      value: dtype,
      expected: `a dtype in the preset's peak table (${Object.keys(spec.peakFlopPerS).join(', ')})`,
    })
  }
  return p
}

/**
 * The duration factors of the `gpu` recipe between two `@dnnperf/cost-model` accelerator presets (names or
 * aliases, e.g. `v100`, `a100-80gb`, `h100`): a roofline ratio, peak FLOP/s for compute-bound kernels and
 * off-chip bandwidth for memory-bound ones. Heuristic (no occupancy, cache or clock effects). O(1).
 *
 * @throws NotFoundError (`NOT_FOUND`) for an unknown preset; InvalidValueError for a dtype missing from a preset.
 */
export function deviceScaling(from: string, to: string, dtype = 'fp32'): DeviceScaling {
  const a = getAcceleratorPreset(from)
  const b = getAcceleratorPreset(to)
  return {
    from: a.name,
    to: b.name,
    computeFactor: peak(a, dtype, from) / peak(b, dtype, to),
    memoryFactor: a.offChip.bandwidthBytesPerS / b.offChip.bandwidthBytesPerS,
  }
}

/**
 * `gpu:TO` (with `fromGpu`) or `gpu:FROM:TO`: every GPU computation kernel scaled by the roofline ratio of the two
 * presets, tensor-core eligible kernels (GEMM, convolution: the AMP split) as compute-bound, the others as
 * memory-bound. Copies, fills and communication keep their times (they depend on PCIe/NVLink/network, not the
 * device roofline); CPU work is unchanged. Heuristic. O(V + E).
 */
export function changeDevice(
  graph: DependencyGraph,
  from: string,
  to: string,
  dtype?: string,
): DependencyGraph {
  const s = deviceScaling(from, to, dtype)
  const kernels = selectTasks(graph, (i) => i.role === 'gpu' && i.taskClass === 'computation')
  return scaleTasks(graph, kernels, (k) =>
    isComputeIntensiveKernel(graph.tasks[k]!.info.name) ? s.computeFactor : s.memoryFactor,
  )
}

/**
 * The cost-model preset name for a device name as Kineto records it (`deviceProperties[].name`, e.g. `NVIDIA
 * A100-SXM4-80GB`, `Tesla V100-SXM2-32GB`), or undefined when no preset matches. Heuristic (name matching). O(1).
 */
export function presetOfDeviceName(deviceName: string | undefined): string | undefined {
  if (deviceName === undefined) return undefined
  const norm = deviceName
    .toLowerCase()
    .replace(/^(nvidia|tesla|amd|instinct)\s+/g, '')
    .replace(/^(tesla|instinct)\s+/, '')
    .trim()
    .replace(/\s+/g, '-')
  for (const candidate of [norm, norm.split('-')[0] ?? norm]) {
    try {
      return getAcceleratorPreset(candidate).name
    } catch {
      // try the next spelling
    }
  }
  return undefined
}
