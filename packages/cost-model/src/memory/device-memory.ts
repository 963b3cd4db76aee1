import { requireNonNegative } from '../ops/common.js'
import { modelStateBytes } from './model-states.js'
import type { ModelStateOptions } from './model-states.js'

/** Inputs of {@link deviceMemory}. */
export interface DeviceMemoryInput extends ModelStateOptions {
  /** Parameters held by this device (after tensor/pipeline sharding, before ZeRO). */
  readonly params: number
  /** Activations kept for backward at the peak, bytes (e.g. from `transformerStageActivationBytes`). */
  readonly activationBytes: number
  /** Library workspace (cuBLAS/cuDNN scratch), bytes. Default 0. */
  readonly workspaceBytes?: number
  /** Short-lived temporaries and allocator slack, bytes. Default 0. */
  readonly dynamicBytes?: number
  /** Device capacity, bytes, to report headroom. */
  readonly capacityBytes?: number
}

/** Per-device memory breakdown. */
export interface DeviceMemory {
  readonly weightsBytes: number
  readonly gradientsBytes: number
  readonly optimizerBytes: number
  readonly activationBytes: number
  readonly workspaceBytes: number
  readonly dynamicBytes: number
  readonly totalBytes: number
  /**
   * The same bytes in the categories of the TBD benchmark's memory profiler (Zhu et al., IISWC 2018): weights,
   * weight gradients, feature maps, workspace, dynamic. TBD has no optimizer category; optimizer state is
   * persistent per-parameter storage and is counted with the weights here.
   */
  readonly tbd: {
    readonly weightsBytes: number
    readonly weightGradientsBytes: number
    readonly featureMapsBytes: number
    readonly workspaceBytes: number
    readonly dynamicBytes: number
  }
  /** capacity − total, when a capacity was given (negative: does not fit). */
  readonly headroomBytes?: number
  readonly fits?: boolean
}

/**
 * Per-device memory of a training step: model states (weights, gradients, optimizer, with ZeRO sharding),
 * activations, workspace and temporaries, also in TBD's categories. Exact sum of its inputs. O(1).
 * @throws InvalidValueError for negative sizes or bad sharding options.
 */
export function deviceMemory(input: DeviceMemoryInput): DeviceMemory {
  const states = modelStateBytes(input.params, input)
  const activationBytes = requireNonNegative('device memory', 'activationBytes', input.activationBytes)
  const workspaceBytes = requireNonNegative('device memory', 'workspaceBytes', input.workspaceBytes ?? 0)
  const dynamicBytes = requireNonNegative('device memory', 'dynamicBytes', input.dynamicBytes ?? 0)
  const totalBytes = states.totalBytes + activationBytes + workspaceBytes + dynamicBytes
  const out: DeviceMemory = {
    weightsBytes: states.weightsBytes,
    gradientsBytes: states.gradientsBytes,
    optimizerBytes: states.optimizerBytes,
    activationBytes,
    workspaceBytes,
    dynamicBytes,
    totalBytes,
    tbd: {
      weightsBytes: states.weightsBytes + states.optimizerBytes,
      weightGradientsBytes: states.gradientsBytes,
      featureMapsBytes: activationBytes,
      workspaceBytes,
      dynamicBytes,
    },
  }
  if (input.capacityBytes === undefined) return out
  const cap = requireNonNegative('device memory', 'capacityBytes', input.capacityBytes)
  return { ...out, headroomBytes: cap - totalBytes, fits: totalBytes <= cap }
}
