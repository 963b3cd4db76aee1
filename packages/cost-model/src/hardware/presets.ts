import { NotFoundError } from '@dnnperf/ir'
import { phazeAccelerator } from './phaze-design.js'
import type { AcceleratorSpec, ClusterSpec, CpuSpec, HardwareSpec, MemoryLevelSpec } from './types.js'

// Datasheet values come from ../shared/reference/cost-model.md §1 (tags [DS:…] there). GB = 1e9 B for
// bandwidths; memory capacities are the binary sizes the devices expose (an "80 GB" A100 has 80 GiB).
// Values marked (unverified) are estimates used only where a level needs some bandwidth; they never feed a
// validation claim.

const GiB = 2 ** 30
const MiB = 2 ** 20
const KiB = 1024

/** Shared memory of one SM: 128 B/clock/SM (unverified) gives A100 ≈ 19.5 TB/s, Dao et al. 2022 print ≈ 19 TB/s. */
function smem(perSmBytes: number, sms: number, clockHz: number): MemoryLevelSpec {
  return { name: 'smem', capacityBytes: perSmBytes, bandwidthBytesPerS: 128 * sms * clockHz, perUnit: true }
}

/** V100 SXM2 32 GB. [DS: V100 datasheet] 125 TF fp16 tensor at 1530 MHz, 15.7 TF fp32, 900 GB/s HBM2. */
const v100: AcceleratorSpec = {
  kind: 'accelerator',
  name: 'v100',
  source: 'NVIDIA V100 datasheet (SXM2): 80 SM, 1530 MHz, 125 TFLOP/s fp16 tensor, 15.7 fp32, 900 GB/s HBM2',
  clockHz: 1.53e9,
  matrixUnits: { kind: 'tensor-core', smCount: 80, tensorCoresPerSm: 8 },
  peakFlopPerS: { fp16: 125e12, fp32: 15.7e12 },
  // fp16 on the SIMT cores runs at twice fp32 on Volta (unverified here).
  vectorPeakFlopPerS: { fp32: 15.7e12, fp16: 31.4e12 },
  // L2 bandwidth ≈ 2.1 TB/s (microbenchmark order of magnitude, unverified).
  onChip: [smem(96 * KiB, 80, 1.53e9), { name: 'l2', capacityBytes: 6 * MiB, bandwidthBytesPerS: 2.1e12 }],
  offChip: { capacityBytes: 32 * GiB, bandwidthBytesPerS: 900e9 },
  kernelLaunchS: 3e-6,
  // Board TDP from the vendor datasheet (not in the reference tables; unverified here).
  boardPowerW: 300,
}

/** RTX 2080 Ti. [DS: Turing whitepaper] 68 SM, 1545 MHz, 616 GB/s GDDR6 (14 Gbps × 352 bit). */
const rtx2080ti: AcceleratorSpec = {
  kind: 'accelerator',
  name: 'rtx2080ti',
  source:
    'Turing whitepaper / reference board: 68 SM, 1545 MHz boost, 13.4 TFLOP/s fp32 (4352·2·1.545e9), 107.6 fp16 tensor with fp16 accumulate (53.8 with fp32 accumulate), 11 GB GDDR6 616 GB/s',
  clockHz: 1.545e9,
  matrixUnits: { kind: 'tensor-core', smCount: 68, tensorCoresPerSm: 8 },
  // The fp16 peak assumes fp16 accumulation; GeForce halves it with fp32 accumulation (unverified).
  peakFlopPerS: { fp16: 107.6e12, fp32: 13.4e12 },
  vectorPeakFlopPerS: { fp32: 13.4e12, fp16: 26.9e12 },
  onChip: [smem(64 * KiB, 68, 1.545e9), { name: 'l2', capacityBytes: 5.5 * MiB, bandwidthBytesPerS: 1.8e12 }],
  offChip: { capacityBytes: 11 * GiB, bandwidthBytesPerS: 616e9 },
  kernelLaunchS: 3e-6,
  // Board TDP from the vendor datasheet (not in the reference tables; unverified here).
  boardPowerW: 250,
}

function a100(name: string, hbmGiB: number, bw: number): AcceleratorSpec {
  return {
    kind: 'accelerator',
    name,
    source: `NVIDIA A100 datasheet / Ampere whitepaper: 108 SM, 1410 MHz, 312 TFLOP/s bf16/fp16, 156 tf32, 19.5 fp32, ${hbmGiB} GB at ${bw / 1e9} GB/s`,
    clockHz: 1.41e9,
    matrixUnits: { kind: 'tensor-core', smCount: 108, tensorCoresPerSm: 4 },
    peakFlopPerS: { bf16: 312e12, fp16: 312e12, tf32: 156e12, fp32: 19.5e12 },
    // Non-tensor fp16/bf16 at 4× fp32 on GA100 (78 TF, as in Calculon's a100_80g.json vector peak).
    vectorPeakFlopPerS: { fp32: 19.5e12, fp16: 78e12, bf16: 78e12 },
    onChip: [
      smem(164 * KiB, 108, 1.41e9),
      // L2 ≈ 5 TB/s (unverified, order of magnitude).
      { name: 'l2', capacityBytes: 40 * MiB, bandwidthBytesPerS: 5e12 },
    ],
    offChip: { capacityBytes: hbmGiB * GiB, bandwidthBytesPerS: bw },
    kernelLaunchS: 3e-6,
    // Board TDP from the vendor datasheet (not in the reference tables; unverified here).
    boardPowerW: 400,
  }
}

function hopper(name: string, capacityBytes: number, bw: number, source: string): AcceleratorSpec {
  return {
    kind: 'accelerator',
    name,
    source,
    clockHz: 1.83e9,
    matrixUnits: { kind: 'tensor-core', smCount: 132, tensorCoresPerSm: 4 },
    // Dense values: the datasheet headline tables print sparse ones (2×).
    peakFlopPerS: { fp8: 1978.9e12, bf16: 989.4e12, fp16: 989.4e12, tf32: 494.7e12, fp32: 66.9e12 },
    vectorPeakFlopPerS: { fp32: 66.9e12, fp16: 133.8e12, bf16: 133.8e12 },
    onChip: [
      smem(228 * KiB, 132, 1.83e9),
      // L2 ≈ 10 TB/s (unverified, order of magnitude).
      { name: 'l2', capacityBytes: 50 * MiB, bandwidthBytesPerS: 10e12 },
    ],
    offChip: { capacityBytes, bandwidthBytesPerS: bw },
    kernelLaunchS: 3e-6,
    // Board TDP from the vendor datasheet (not in the reference tables; unverified here).
    boardPowerW: 700,
  }
}

/** MI300X. [DS: AMD MI300X datasheet] 304 CU, 1307.4 TF bf16 dense, 192 GB HBM3 at 5.3 TB/s. */
const mi300x: AcceleratorSpec = {
  kind: 'accelerator',
  name: 'mi300x',
  source:
    'AMD Instinct MI300X datasheet: 304 CU, 2100 MHz, 1307.4 TFLOP/s bf16/fp16 dense, 2614.9 fp8, 163.4 fp32, 192 GB HBM3 at 5.3 TB/s; caches from ROCm GPU specifications',
  clockHz: 2.1e9,
  matrixUnits: { kind: 'tensor-core', smCount: 304, tensorCoresPerSm: 4 },
  peakFlopPerS: { fp8: 2614.9e12, bf16: 1307.4e12, fp16: 1307.4e12, tf32: 653.7e12, fp32: 163.4e12 },
  vectorPeakFlopPerS: { fp32: 163.4e12, fp16: 163.4e12, bf16: 163.4e12 },
  onChip: [
    smem(64 * KiB, 304, 2.1e9),
    // 4 MB L2 per XCD; Infinity Cache bandwidth ≈ 17 TB/s (unverified).
    { name: 'l2', capacityBytes: 32 * MiB, bandwidthBytesPerS: 10e12 },
    { name: 'infinity-cache', capacityBytes: 256 * MiB, bandwidthBytesPerS: 17e12 },
  ],
  offChip: { capacityBytes: 192 * GiB, bandwidthBytesPerS: 5.3e12 },
  kernelLaunchS: 3e-6,
  // Board TDP from the vendor datasheet (not in the reference tables; unverified here).
  boardPowerW: 750,
}

/**
 * TPUv4-like chip, PHAZE's reference design: 8 tensor cores of 128×128 (two TensorCores × 4 MXUs), 2 vector
 * cores of 128 lanes, 128 MiB global buffer (≈ CMEM), 32 GiB HBM at the TPU v4 datasheet's 1.2 TB/s
 * ([DS: Cloud TPU v4 docs]; PHAZE itself streams only 128 words/cycle, see `phazeAccelerator`), GLB at
 * 4096 B/cycle.
 * Peak 8·16384·2·1.05e9 = 275.25 TFLOP/s (datasheet: 275).
 */
const tpuv4Like: AcceleratorSpec = phazeAccelerator(
  { numTensorCores: 8, numVectorCores: 2, width: 128, depth: 128, glbBytes: 128 * MiB },
  {
    name: 'tpuv4-like',
    offChipBandwidthBytesPerS: 1.2e12,
    hbmBytes: 32 * GiB,
    // The PHAZE fork's GLB bandwidth value for multi-core groups, 4096 per cycle (phaze.md §2.3), read as bytes:
    // v1.0's 256 words/cycle (537.6 GB/s, below the HBM) would make most GEMMs GLB-bound. Unverified.
    glbBandwidthBytesPerS: 4096 * 1.05e9,
  },
)

/**
 * One socket of the Packrat testbed (CloudLab c6420): Xeon Gold 6142, 16 cores at 2.6 GHz, two AVX-512 FMA
 * units per core (unverified) → 2·16·2·2.6e9 = 166.4 GFLOP/s fp32 per core; 6 × DDR4-2666 = 128 GB/s;
 * 192 GB per socket; 22 MB L3. [P: Packrat Table 1; DS: Intel ARK (unverified)]
 */
const xeonGold6142: CpuSpec = {
  kind: 'cpu',
  name: 'xeon-gold-6142',
  source: 'Packrat testbed (CloudLab c6420), Intel ARK: 16 cores, 2.6 GHz base, AVX-512, 6-channel DDR4-2666',
  cores: 16,
  clockHz: 2.6e9,
  perCorePeakFlopPerS: { fp32: 166.4e9, bf16: 166.4e9 },
  memoryBandwidthBytesPerS: 6 * 2666e6 * 8,
  memoryCapacityBytes: 192e9,
  llcBytes: 22 * MiB,
  opOverheadS: 5e-6,
  // TDP per Intel ARK (unverified here).
  boardPowerW: 150,
}

function node8(
  name: string,
  device: AcceleratorSpec,
  intraBw: number,
  interBw: number,
  source: string,
): ClusterSpec {
  return {
    kind: 'cluster',
    name,
    source,
    device,
    devicesPerNode: 8,
    nodes: 1,
    // Latencies: Calculon's tier latencies (10 µs NVLink, 20 µs IB), calculon@caa4b11:systems/a100_80g.json.
    intraNode: { name: 'nvlink', bandwidthBytesPerS: intraBw, latencyS: 10e-6 },
    interNode: { name: 'infiniband', bandwidthBytesPerS: interBw, latencyS: 20e-6 },
    topology: 'switch',
  }
}

const accelerators: readonly AcceleratorSpec[] = [
  tpuv4Like,
  v100,
  rtx2080ti,
  a100('a100-40gb', 40, 1555e9),
  a100('a100-80gb', 80, 2039e9),
  hopper(
    'h100-sxm',
    80 * GiB,
    3.35e12,
    'NVIDIA H100 SXM5 datasheet / Hopper whitepaper: 132 SM, 989.4 TFLOP/s bf16 dense (1978.9 sparse), 1978.9 fp8, 66.9 fp32, 80 GB HBM3 at 3.35 TB/s',
  ),
  hopper(
    'h200',
    141e9,
    4.8e12,
    'NVIDIA H200 datasheet: GH100 as H100 (989.4 TFLOP/s bf16 dense; the sheet prints 1979 with sparsity), 141 GB HBM3e at 4.8 TB/s',
  ),
  mi300x,
]

const clusters: readonly ClusterSpec[] = [
  node8(
    'dgx-v100',
    v100,
    150e9,
    12.5e9,
    'DGX-1 V100: NVLink 2, 6 links × 25 GB/s/dir = 150 GB/s/dir per GPU (hybrid cube-mesh modelled as a switch); 100 Gb/s NIC class (unverified)',
  ),
  node8(
    'dgx-a100',
    a100('a100-80gb', 80, 2039e9),
    300e9,
    25e9,
    'DGX A100: NVLink 3 via NVSwitch, 300 GB/s/dir per GPU; one 200 Gb/s HDR InfiniBand NIC per GPU (Narayanan SC21 §5)',
  ),
  node8(
    'dgx-h100',
    accelerators[5]!,
    450e9,
    50e9,
    'DGX H100: NVLink 4, 450 GB/s/dir per GPU; 400 Gb/s NIC per GPU (unverified)',
  ),
  {
    ...node8(
      'mi300x-node',
      mi300x,
      64e9,
      50e9,
      'MI300X platform: 8 GPUs fully connected by Infinity Fabric, 64 GB/s/dir to each peer; 400 Gb/s NIC class (unverified)',
    ),
    topology: 'fully-connected',
  },
]

const cpus: readonly CpuSpec[] = [xeonGold6142]

/** Names of every built-in preset, accelerators first, then CPUs, then clusters. Exact. O(presets). */
export function listPresets(): string[] {
  return [...accelerators.map((a) => a.name), ...cpus.map((c) => c.name), ...clusters.map((c) => c.name)]
}

/** One line per preset for `hardware list`: name, kind and where its numbers come from. */
export interface PresetSummary {
  readonly name: string
  readonly kind: HardwareSpec['kind']
  readonly source: string
}

/** Name, kind and source of every built-in preset, in {@link listPresets} order. Exact. O(presets). */
export function presetSummaries(): PresetSummary[] {
  return [...accelerators, ...cpus, ...clusters].map((h) => ({
    name: h.name,
    kind: h.kind,
    source: h.source ?? '',
  }))
}

/**
 * Other names users write for the presets (SKU-style names; the cluster files use `a100-sxm-80gb`).
 * Each maps to one preset name.
 */
export const PRESET_ALIASES: Readonly<Record<string, string>> = {
  'a100-sxm-80gb': 'a100-80gb',
  'a100-sxm4-80gb': 'a100-80gb',
  'a100-sxm-40gb': 'a100-40gb',
  'a100-sxm4-40gb': 'a100-40gb',
  a100: 'a100-80gb',
  'h100-sxm-80gb': 'h100-sxm',
  'h100-sxm5-80gb': 'h100-sxm',
  h100: 'h100-sxm',
  'h200-sxm': 'h200',
  'h200-sxm-141gb': 'h200',
  'v100-sxm2-32gb': 'v100',
  'v100-sxm2': 'v100',
  'rtx-2080-ti': 'rtx2080ti',
  'mi300x-192gb': 'mi300x',
  tpuv4: 'tpuv4-like',
}

/**
 * The built-in hardware description called `name` (see {@link listPresets}; aliases in {@link PRESET_ALIASES}),
 * as a fresh plain object.
 * Exact. O(presets).
 * @throws NotFoundError listing the known names.
 */
export function getPreset(nameOrAlias: string): HardwareSpec {
  const name = PRESET_ALIASES[nameOrAlias] ?? nameOrAlias
  const found =
    accelerators.find((a) => a.name === name) ??
    cpus.find((c) => c.name === name) ??
    clusters.find((c) => c.name === name)
  if (found === undefined)
    throw new NotFoundError({ what: 'hardware preset', key: nameOrAlias, known: listPresets() })
  return structuredClone(found)
}

/**
 * The accelerator preset called `name`; a cluster name yields its device.
 * @throws NotFoundError when the name is unknown or names a CPU.
 */
export function getAcceleratorPreset(name: string): AcceleratorSpec {
  const hw = getPreset(name)
  if (hw.kind === 'accelerator') return hw
  if (hw.kind === 'cluster') return hw.device
  throw new NotFoundError({ what: 'accelerator preset', key: name, known: accelerators.map((a) => a.name) })
}
