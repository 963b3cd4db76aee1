import { InvalidValueError } from '@dnnperf/ir'
import { phazeCoreSramBytes } from '../hardware/phaze-design.js'
import type { PhazeDesign } from '../hardware/phaze-design.js'

/** Area of a PHAZE-style design, with its parts. */
export interface PhazeAreaResult {
  readonly areaUm2: number
  readonly areaMm2: number
  /** Tensor-core PEs (MAC + 32 B register file each), µm². */
  readonly tensorPeUm2: number
  /** Tensor cores' per-core SRAM, µm². */
  readonly tensorSramUm2: number
  /** Vector lanes (MAC + 12 B register file each), µm². */
  readonly vectorLaneUm2: number
  /** Vector cores' per-core SRAM, µm². */
  readonly vectorSramUm2: number
  /** Global buffer, µm². */
  readonly glbUm2: number
  /** True when every SRAM size was in the component table; false when one was interpolated (heuristic). */
  readonly exactTable: boolean
}

// Component areas (µm²) of PHAZE's Accelergy run, recovered from the 29,360 rows of PHAZE's cores.json by
// solving the composition rule below as a linear system (20 unknowns, full rank; residual < 1e-13 relative
// on every row). They are constants of that frozen dataset (45 nm tables + CACTI SRAM), not re-derived from
// Accelergy. Composition [msr-fiddle/phaze@fed7cde: wham/initialize.py get_core_area]:
//   area = a_pe·(num_tc·w·d) + a_lane·(num_vc·w_vc) + S(16·w·d)·num_tc + S(16·w_vc)·num_vc + G(GLB)
// with S(bytes) the per-core SRAM macro, at least 1 KiB. The GLB "bandwidth" attribute PHAZE passes makes
// no difference to any area in the file, so it is not modelled.
const TC_PE_UM2 = 760.041386
const VC_LANE_UM2 = 759.823853
/** Per-core SRAM area by capacity: 1 KiB · 2^i. */
const CORE_SRAM_UM2 = [
  6133.98, 8248.43, 12610.5, 22139.9, 38583, 63338.4, 115579, 204764, 446565, 897890, 1634130,
] as const
const CORE_SRAM_MIN_BYTES = 1024
/** Global-buffer area by capacity: 2 MiB · 2^i. */
const GLB_UM2 = [3338220, 6078640, 11952400, 23745200, 46750900, 88605700, 175423000] as const
const GLB_MIN_BYTES = 2 * 2 ** 20

/** Area from a power-of-two table; log-log interpolation between entries, proportional scaling beyond. */
function tableArea(
  table: readonly number[],
  minBytes: number,
  bytes: number,
): { um2: number; exact: boolean } {
  const x = Math.log2(bytes / minBytes)
  const i = Math.round(x)
  if (Math.abs(x - i) < 1e-12 && i >= 0 && i < table.length) return { um2: table[i]!, exact: true }
  if (x <= 0) return { um2: table[0]! * (bytes / minBytes), exact: false }
  const last = table.length - 1
  if (x >= last) return { um2: table[last]! * (bytes / (minBytes * 2 ** last)), exact: false }
  const lo = Math.floor(x)
  const a = Math.log(table[lo]!)
  const b = Math.log(table[lo + 1]!)
  return { um2: Math.exp(a + (b - a) * (x - lo)), exact: false }
}

function positive(field: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) {
    throw new InvalidValueError({ at: 'phaze design', field, value: v, expected: 'a finite number > 0' })
  }
}

/**
 * Silicon area of a PHAZE-style accelerator (tensor cores, vector cores, per-core SRAM, global buffer; HBM
 * has no area), in µm² and mm².
 *
 * Exact for the power-of-two SRAM sizes of PHAZE's space (1 KiB–1 MiB per core, 2–128 MiB GLB): it reproduces
 * PHAZE's cores.json (Wang et al., ICML 2024) to rounding. Other sizes are log-log interpolated (heuristic).
 * Any core counts are allowed (area is linear in them). O(1).
 * @throws InvalidValueError for a non-positive or non-finite count or size.
 */
export function phazeArea(design: PhazeDesign): PhazeAreaResult {
  const vw = design.vectorWidth ?? design.width
  positive('numTensorCores', design.numTensorCores)
  positive('numVectorCores', design.numVectorCores)
  positive('width', design.width)
  positive('depth', design.depth)
  positive('vectorWidth', vw)
  positive('glbBytes', design.glbBytes)
  const tcSram = tableArea(CORE_SRAM_UM2, CORE_SRAM_MIN_BYTES, phazeCoreSramBytes(design.width, design.depth))
  const vcSram = tableArea(CORE_SRAM_UM2, CORE_SRAM_MIN_BYTES, phazeCoreSramBytes(vw, 1))
  const glb = tableArea(GLB_UM2, GLB_MIN_BYTES, design.glbBytes)
  const tensorPeUm2 = TC_PE_UM2 * design.numTensorCores * design.width * design.depth
  const vectorLaneUm2 = VC_LANE_UM2 * design.numVectorCores * vw
  const tensorSramUm2 = tcSram.um2 * design.numTensorCores
  const vectorSramUm2 = vcSram.um2 * design.numVectorCores
  const areaUm2 = tensorPeUm2 + vectorLaneUm2 + tensorSramUm2 + vectorSramUm2 + glb.um2
  return {
    areaUm2,
    areaMm2: areaUm2 / 1e6,
    tensorPeUm2,
    tensorSramUm2,
    vectorLaneUm2,
    vectorSramUm2,
    glbUm2: glb.um2,
    exactTable: tcSram.exact && vcSram.exact && glb.exact,
  }
}
