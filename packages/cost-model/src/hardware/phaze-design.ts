import { InvalidValueError } from '@dnnperf/ir'
import type { AcceleratorSpec } from './types.js'

/** One PHAZE design point: the tuple of PHAZE's `Estimator/architecture.py`. */
export interface PhazeDesign {
  readonly numTensorCores: number
  readonly numVectorCores: number
  /** Tensor-core PE columns ("width"); vector cores have this many lanes unless `vectorWidth` is given. */
  readonly width: number
  /** Tensor-core PE rows ("depth"). */
  readonly depth: number
  readonly vectorWidth?: number
  readonly glbBytes: number
}

/** Options of {@link phazeAccelerator}. Defaults reproduce PHAZE v1.0's constants with the clock fixed. */
export interface PhazeAcceleratorOptions {
  readonly name?: string
  /** Default 1.05e9 Hz (PHAZE v1.0 wrote 1.05e6 by mistake). */
  readonly clockHz?: number
  /** Default 32 GiB. */
  readonly hbmBytes?: number
  /** Default 128 16-bit words per cycle (PHAZE's DRAM boundary), i.e. 256 B · clock. */
  readonly offChipBandwidthBytesPerS?: number
  /** Default 256 words/cycle (PHAZE v1.0's GLB boundary). */
  readonly glbBandwidthBytesPerS?: number
  /** Default 64 words/cycle per core (PHAZE's per-core SRAM boundary). */
  readonly coreSramBandwidthBytesPerS?: number
}

const WORD_BYTES = 2

function checkPow2(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new InvalidValueError({ at: 'phaze design', field, value: v, expected: 'an integer >= 1' })
  }
}

/**
 * Per-core SRAM of a PHAZE core, bytes: max(1 KiB, 16·w·d) (PHAZE's `L2_Buffer`, `estimator_wrapper.py`).
 * Exact. O(1).
 */
export function phazeCoreSramBytes(width: number, depth: number): number {
  return Math.max(1024, 16 * width * depth)
}

/**
 * Builds an {@link AcceleratorSpec} for a PHAZE-style design: `numTensorCores` systolic arrays of depth×width
 * PEs, `numVectorCores` SIMD units, per-core SRAM, one global buffer (GLB) and HBM.
 *
 * Returns a validated-by-construction spec. Peak FLOP/s for fp16/bf16 = 2 · PEs · clock (one 16-bit MAC per
 * PE per cycle). Bandwidths follow PHAZE v1.0's Sunstone call (`tc_estimator.py:57`): 64/256/128 words per
 * cycle at the per-core SRAM, GLB and DRAM boundaries; whether Sunstone reads these as words is unverified.
 * Source: Wang et al., ICML 2024 (PHAZE). Exact. O(1).
 * @throws InvalidValueError for a non-positive count or size.
 */
export function phazeAccelerator(
  design: PhazeDesign,
  options: PhazeAcceleratorOptions = {},
): AcceleratorSpec {
  checkPow2('numTensorCores', design.numTensorCores)
  checkPow2('numVectorCores', design.numVectorCores)
  checkPow2('width', design.width)
  checkPow2('depth', design.depth)
  checkPow2('glbBytes', design.glbBytes)
  const vw = design.vectorWidth ?? design.width
  checkPow2('vectorWidth', vw)
  const f = options.clockHz ?? 1.05e9
  const pes = design.numTensorCores * design.width * design.depth
  const peak = 2 * pes * f
  const lanes = design.numVectorCores * vw
  const coreSram = options.coreSramBandwidthBytesPerS ?? 64 * WORD_BYTES * f
  const glbBw = options.glbBandwidthBytesPerS ?? 256 * WORD_BYTES * f
  const offBw = options.offChipBandwidthBytesPerS ?? 128 * WORD_BYTES * f
  const name =
    options.name ??
    `phaze-${design.numTensorCores}tc${design.depth}x${design.width}-${design.numVectorCores}vc${vw}-${design.glbBytes / 2 ** 20}MiB`
  return {
    kind: 'accelerator',
    name,
    source:
      'PHAZE design template (Wang et al., ICML 2024; msr-fiddle/phaze@fed7cde Estimator/architecture.py)',
    clockHz: f,
    matrixUnits: { kind: 'systolic', count: design.numTensorCores, rows: design.depth, cols: design.width },
    vectorUnits: { count: design.numVectorCores, lanes: vw },
    peakFlopPerS: { fp16: peak, bf16: peak, int8: peak },
    vectorPeakFlopPerS: { fp16: 2 * lanes * f, bf16: 2 * lanes * f, fp32: 2 * lanes * f },
    onChip: [
      {
        name: 'core-sram',
        capacityBytes: phazeCoreSramBytes(design.width, design.depth),
        bandwidthBytesPerS: coreSram * design.numTensorCores,
        writeBandwidthBytesPerS: coreSram * design.numTensorCores,
        perUnit: true,
      },
      {
        name: 'glb',
        capacityBytes: design.glbBytes,
        bandwidthBytesPerS: glbBw,
        writeBandwidthBytesPerS: glbBw,
      },
    ],
    offChip: {
      capacityBytes: options.hbmBytes ?? 32 * 2 ** 30,
      bandwidthBytesPerS: offBw,
      writeBandwidthBytesPerS: offBw,
    },
    kernelLaunchS: 0,
    energy: {
      // Accelergy table-plugin rows shipped with PHAZE (45 nm): intmac 3.2 pJ plus Sunstone's hard-coded
      // 2.2 pJ per MAC; DRAM 100 pJ per 64-bit access; SRAM 1.5 pJ per 16-bit access (the table row, used
      // for both on-chip levels because PHAZE's CACTI energies are not published).
      macJ: 5.4e-12,
      vectorOpJ: 3.2e-12,
      offChipJPerByte: 100e-12 / 8,
      onChipJPerByte: [1.5e-12 / 2, 1.5e-12 / 2],
    },
  }
}
