import { FormatError, type JsonValue } from '@dnnperf/ir'
import type { DeviceKind, SplitSpec } from './types.js'

/**
 * Read a split in the dnn-partitioning output format (`{"cpus":[{"load","nodes"}],"fpgas":[…],"maxLoad"}`,
 * as `dp.exe` writes and the human-expert files use). Node ids become strings; loads are ignored (the
 * expert files write -1). Devices are listed accelerators first, then CPUs, in file order; empty devices are
 * dropped. O(size).
 *
 * @throws FormatError (`FORMAT_INVALID`) with the path of a malformed field.
 */
export function importDnnPartitioningSplit(input: string | JsonValue): SplitSpec {
  const fail = (path: string, detail: string): never => {
    throw new FormatError({ format: 'dnn-partitioning-split', path, detail })
  }
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch (err) {
      fail('$', `not valid JSON: ${(err as Error).message}`)
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('$', 'expected an object')
  const devices: Array<{ kind: DeviceKind; nodes: string[] }> = []
  for (const [key, kind] of [
    ['fpgas', 'accelerator'],
    ['cpus', 'cpu'],
  ] as const) {
    const list = (doc as Record<string, unknown>)[key] ?? []
    if (!Array.isArray(list)) fail(`$.${key}`, 'expected an array')
    ;(list as unknown[]).forEach((device, d) => {
      const nodes = (device as { nodes?: unknown })?.nodes
      if (!Array.isArray(nodes) || nodes.some((id) => !Number.isInteger(id))) {
        fail(`$.${key}[${d}].nodes`, 'expected an array of integer ids')
      }
      if ((nodes as number[]).length > 0) devices.push({ kind, nodes: (nodes as number[]).map(String) })
    })
  }
  return { devices }
}
