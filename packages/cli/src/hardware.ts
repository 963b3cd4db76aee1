import { existsSync } from 'node:fs'
import type { AcceleratorSpec, HardwareSpec } from '@dnnperf/cost-model'
import { getPreset, validateHardware } from '@dnnperf/cost-model'
import { InvalidValueError } from '@dnnperf/ir'
import { readJsonFile } from './files.js'

/** `--hardware <preset|file>`: a preset name, or a JSON file holding a hardware description. */
export function resolveHardware(arg: string): HardwareSpec {
  if (arg.endsWith('.json') || existsSync(arg)) return validateHardware(readJsonFile(arg))
  return getPreset(arg)
}

/** The accelerator of a hardware description (a cluster's device); CPUs are refused with a typed error. */
export function resolveAccelerator(arg: string): AcceleratorSpec {
  const hw = resolveHardware(arg)
  if (hw.kind === 'accelerator') return hw
  if (hw.kind === 'cluster') return hw.device
  throw new InvalidValueError({
    at: 'command line',
    field: '--hardware',
    value: arg,
    expected: 'an accelerator or a cluster',
  })
}

/** "2MiB", "128 MiB", "4096", "1.5GB" → bytes. */
export function parseBytes(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i.exec(raw)
  const scale: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  }
  const value = m ? Number(m[1]) * scale[(m[2] ?? 'b').toLowerCase()]! : Number.NaN
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidValueError({
      at: 'command line',
      field: flag,
      value: raw,
      expected: 'a positive size such as 4096, 2MiB or 1.5GB',
    })
  }
  return value
}
