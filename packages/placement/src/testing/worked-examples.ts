/** Test fixtures shared by the placement tests: the worked examples of placement.md §1.10. Not exported. */
import type { JsonValue } from '@dnnperf/ir'

/** placement.md §1.10 instance A (diamond), in the dnn-partitioning input format. */
export function instanceA(
  patch: { maxCPUs?: number; cpu1?: number; sizes?: number[]; M?: number } = {},
): JsonValue {
  const fpga = [2, 3, 4, 1]
  return {
    maxSizePerFPGA: patch.M ?? 10,
    maxFPGAs: 2,
    maxCPUs: patch.maxCPUs ?? 0,
    nodes: fpga.map((lat, i) => ({
      id: i + 1,
      supportedOnFpga: 1,
      cpuLatency: i === 0 && patch.cpu1 !== undefined ? patch.cpu1 : 100,
      fpgaLatency: lat,
      isBackwardNode: 0,
      size: patch.sizes?.[i] ?? 1,
    })),
    edges: [
      { sourceId: 1, destId: 2, cost: 1 },
      { sourceId: 1, destId: 3, cost: 1 },
      { sourceId: 2, destId: 4, cost: 0.5 },
      { sourceId: 3, destId: 4, cost: 0.5 },
    ],
  }
}

/** Devices as sorted `kind:nodes=load` strings, so splits compare regardless of device order. */
export const sorted = (devices: ReadonlyArray<{ kind: string; nodes: readonly string[]; load: number }>) =>
  devices.map((d) => `${d.kind}:${d.nodes.join(',')}=${d.load}`).sort()
