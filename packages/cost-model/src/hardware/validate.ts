import { FormatError, InvalidValueError } from '@dnnperf/ir'
import type {
  AcceleratorSpec,
  ClusterSpec,
  CpuSpec,
  HardwareSpec,
  LinkSpec,
  MemoryLevelSpec,
  PeakTable,
} from './types.js'

// A rate of zero would make a latency infinite and a negative one would make it negative: both are refused
// here, once, so the cost functions can divide without checks.

type Obj = Record<string, unknown>

function isObj(u: unknown): u is Obj {
  return typeof u === 'object' && u !== null && !Array.isArray(u)
}

function positive(at: string, obj: Obj, field: string, path: string): number {
  const v = obj[field]
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new InvalidValueError({ at, field: path, value: v, expected: 'a finite number > 0' })
  }
  return v
}

function nonNegative(at: string, obj: Obj, field: string, path: string): number {
  const v = obj[field]
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidValueError({ at, field: path, value: v, expected: 'a finite number >= 0' })
  }
  return v
}

function positiveInt(at: string, obj: Obj, field: string, path: string): number {
  const v = positive(at, obj, field, path)
  if (!Number.isInteger(v))
    throw new InvalidValueError({ at, field: path, value: v, expected: 'an integer >= 1' })
  return v
}

function str(at: string, obj: Obj, field: string, path: string): string {
  const v = obj[field]
  if (typeof v !== 'string' || v.length === 0) {
    throw new InvalidValueError({ at, field: path, value: v, expected: 'a non-empty string' })
  }
  return v
}

function sub(at: string, obj: Obj, field: string, path: string): Obj {
  const v = obj[field]
  if (!isObj(v)) throw new InvalidValueError({ at, field: path, value: v, expected: 'an object' })
  return v
}

function peaks(at: string, obj: Obj, field: string, required: boolean): PeakTable | undefined {
  if (obj[field] === undefined && !required) return undefined
  const table = sub(at, obj, field, field)
  const keys = Object.keys(table)
  if (keys.length === 0) {
    throw new InvalidValueError({ at, field, value: '{}', expected: 'at least one dtype peak' })
  }
  for (const k of keys) positive(at, table, k, `${field}.${k}`)
  return table as PeakTable
}

function level(at: string, v: unknown, path: string): MemoryLevelSpec {
  if (!isObj(v)) throw new InvalidValueError({ at, field: path, value: v, expected: 'an object' })
  str(at, v, 'name', `${path}.name`)
  positive(at, v, 'capacityBytes', `${path}.capacityBytes`)
  positive(at, v, 'bandwidthBytesPerS', `${path}.bandwidthBytesPerS`)
  if (v.writeBandwidthBytesPerS !== undefined) {
    positive(at, v, 'writeBandwidthBytesPerS', `${path}.writeBandwidthBytesPerS`)
  }
  if (v.perUnit !== undefined && typeof v.perUnit !== 'boolean') {
    throw new InvalidValueError({ at, field: `${path}.perUnit`, value: v.perUnit, expected: 'a boolean' })
  }
  return v as unknown as MemoryLevelSpec
}

function link(at: string, obj: Obj, field: string): LinkSpec {
  const l = sub(at, obj, field, field)
  str(at, l, 'name', `${field}.name`)
  positive(at, l, 'bandwidthBytesPerS', `${field}.bandwidthBytesPerS`)
  nonNegative(at, l, 'latencyS', `${field}.latencyS`)
  return l as unknown as LinkSpec
}

/**
 * Checks an accelerator description field by field.
 *
 * Returns the same object typed as {@link AcceleratorSpec}. Exact. O(levels + dtypes).
 * @throws InvalidValueError naming the field (e.g. `offChip.bandwidthBytesPerS`) for a missing, zero, negative
 *   or non-finite rate, size or count, or for an empty `peakFlopPerS`.
 */
export function validateAccelerator(u: unknown): AcceleratorSpec {
  if (!isObj(u)) throw new FormatError({ format: 'hardware', path: '$', detail: 'expected an object' })
  const at = typeof u.name === 'string' ? u.name : '<hardware>'
  str(at, u, 'name', 'name')
  positive(at, u, 'clockHz', 'clockHz')
  const mu = sub(at, u, 'matrixUnits', 'matrixUnits')
  if (mu.kind === 'systolic') {
    positiveInt(at, mu, 'count', 'matrixUnits.count')
    positiveInt(at, mu, 'rows', 'matrixUnits.rows')
    positiveInt(at, mu, 'cols', 'matrixUnits.cols')
  } else if (mu.kind === 'tensor-core') {
    positiveInt(at, mu, 'smCount', 'matrixUnits.smCount')
    positiveInt(at, mu, 'tensorCoresPerSm', 'matrixUnits.tensorCoresPerSm')
    if (mu.ctasPerSm !== undefined) positiveInt(at, mu, 'ctasPerSm', 'matrixUnits.ctasPerSm')
  } else {
    throw new InvalidValueError({
      at,
      field: 'matrixUnits.kind',
      value: mu.kind,
      expected: '"systolic" or "tensor-core"',
    })
  }
  if (u.vectorUnits !== undefined) {
    const vu = sub(at, u, 'vectorUnits', 'vectorUnits')
    positiveInt(at, vu, 'count', 'vectorUnits.count')
    positiveInt(at, vu, 'lanes', 'vectorUnits.lanes')
  }
  peaks(at, u, 'peakFlopPerS', true)
  peaks(at, u, 'vectorPeakFlopPerS', false)
  if (!Array.isArray(u.onChip)) {
    throw new InvalidValueError({
      at,
      field: 'onChip',
      value: u.onChip,
      expected: 'an array of memory levels',
    })
  }
  for (let i = 0; i < u.onChip.length; i++) level(at, u.onChip[i], `onChip[${i}]`)
  const off = sub(at, u, 'offChip', 'offChip')
  positive(at, off, 'capacityBytes', 'offChip.capacityBytes')
  positive(at, off, 'bandwidthBytesPerS', 'offChip.bandwidthBytesPerS')
  if (off.writeBandwidthBytesPerS !== undefined) {
    positive(at, off, 'writeBandwidthBytesPerS', 'offChip.writeBandwidthBytesPerS')
  }
  nonNegative(at, u, 'kernelLaunchS', 'kernelLaunchS')
  if (u.boardPowerW !== undefined) positive(at, u, 'boardPowerW', 'boardPowerW')
  if (u.energy !== undefined) {
    const e = sub(at, u, 'energy', 'energy')
    nonNegative(at, e, 'macJ', 'energy.macJ')
    nonNegative(at, e, 'vectorOpJ', 'energy.vectorOpJ')
    nonNegative(at, e, 'offChipJPerByte', 'energy.offChipJPerByte')
    const per = e.onChipJPerByte
    if (!Array.isArray(per) || per.length !== u.onChip.length) {
      throw new InvalidValueError({
        at,
        field: 'energy.onChipJPerByte',
        value: per,
        expected: `an array of ${u.onChip.length} numbers (one per on-chip level)`,
      })
    }
    for (let i = 0; i < per.length; i++)
      nonNegative(at, per as unknown as Obj, String(i), `energy.onChipJPerByte[${i}]`)
  }
  return u as unknown as AcceleratorSpec
}

/**
 * Checks a CPU description. Returns it typed as {@link CpuSpec}. Exact. O(dtypes).
 * @throws InvalidValueError naming the offending field.
 */
export function validateCpu(u: unknown): CpuSpec {
  if (!isObj(u)) throw new FormatError({ format: 'hardware', path: '$', detail: 'expected an object' })
  const at = typeof u.name === 'string' ? u.name : '<hardware>'
  str(at, u, 'name', 'name')
  positiveInt(at, u, 'cores', 'cores')
  positive(at, u, 'clockHz', 'clockHz')
  peaks(at, u, 'perCorePeakFlopPerS', true)
  positive(at, u, 'memoryBandwidthBytesPerS', 'memoryBandwidthBytesPerS')
  positive(at, u, 'memoryCapacityBytes', 'memoryCapacityBytes')
  positive(at, u, 'llcBytes', 'llcBytes')
  nonNegative(at, u, 'opOverheadS', 'opOverheadS')
  if (u.boardPowerW !== undefined) positive(at, u, 'boardPowerW', 'boardPowerW')
  return u as unknown as CpuSpec
}

/**
 * Checks a cluster description and its device. Returns it typed as {@link ClusterSpec}. Exact.
 * @throws InvalidValueError naming the offending field (device fields are prefixed `device.`).
 */
export function validateCluster(u: unknown): ClusterSpec {
  if (!isObj(u)) throw new FormatError({ format: 'hardware', path: '$', detail: 'expected an object' })
  const at = typeof u.name === 'string' ? u.name : '<cluster>'
  str(at, u, 'name', 'name')
  try {
    validateAccelerator(u.device)
  } catch (e) {
    if (e instanceof InvalidValueError) {
      throw new InvalidValueError({ at, field: `device.${e.field}`, value: e.value, expected: e.expected })
    }
    throw e
  }
  positiveInt(at, u, 'devicesPerNode', 'devicesPerNode')
  positiveInt(at, u, 'nodes', 'nodes')
  link(at, u, 'intraNode')
  link(at, u, 'interNode')
  const topologies = ['switch', 'ring', 'fully-connected', 'torus', 'pcie-tree']
  if (typeof u.topology !== 'string' || !topologies.includes(u.topology)) {
    throw new InvalidValueError({
      at,
      field: 'topology',
      value: u.topology,
      expected: topologies.join(' | '),
    })
  }
  return u as unknown as ClusterSpec
}

/**
 * Checks any hardware description, dispatching on `kind` (`accelerator`, `cpu`, `cluster`).
 * Returns it typed as {@link HardwareSpec}. Exact.
 * @throws FormatError when `kind` is unknown; InvalidValueError naming the offending field.
 */
export function validateHardware(u: unknown): HardwareSpec {
  if (!isObj(u)) throw new FormatError({ format: 'hardware', path: '$', detail: 'expected an object' })
  switch (u.kind) {
    case 'accelerator':
      return validateAccelerator(u)
    case 'cpu':
      return validateCpu(u)
    case 'cluster':
      return validateCluster(u)
    default:
      throw new FormatError({
        format: 'hardware',
        path: '$.kind',
        detail: `expected "accelerator", "cpu" or "cluster", got ${JSON.stringify(u.kind)}`,
      })
  }
}
