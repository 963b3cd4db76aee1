import { scheduleLayer } from './schedule-layer.js'
import type { LayerScheduleResult, LayerSchedulingProblem, ScheduleLayerOptions } from './types.js'

/** Result of {@link scheduleLayers}: one result per problem, and which solve each one reused. */
export interface LayerBatchResult {
  readonly results: readonly LayerScheduleResult[]
  /** `solvedAs[k]` = index of the problem whose solve gave result k (k itself when it was solved). */
  readonly solvedAs: readonly number[]
  /** Number of distinct problems actually solved. */
  readonly uniqueSolves: number
}

/**
 * The shape of a problem without its op ids: ops in order (engine, latencies, buffer), dependencies by op
 * position, cores, capacity. Two problems with the same signature have the same schedules up to renaming.
 */
export function problemSignature(problem: LayerSchedulingProblem): string {
  const pos = new Map(problem.ops.map((op, i) => [op.id, i] as const))
  return JSON.stringify([
    problem.ops.map((op) => [op.engine, op.singleCoreS, op.allCoresS, op.bufferBytes ?? 0]),
    problem.deps.map(([a, b]) => [pos.get(a) ?? a, pos.get(b) ?? b]).sort(),
    [problem.cores.tensor, problem.cores.vector, problem.bufferCapacityBytes ?? null],
  ])
}

/**
 * Schedule many layers, solving each distinct one once (PHAZE solves repeated transformer layers once and copies
 * the result): problems with equal {@link problemSignature} share a solve, whose schedule is renamed to the
 * copy's op ids. Solves run one after another so each gets the full `timeLimitS`. Same guarantees as
 * {@link scheduleLayer}.
 *
 * @throws what {@link scheduleLayer} throws, for the first failing distinct problem.
 */
export async function scheduleLayers(
  problems: readonly LayerSchedulingProblem[],
  options: ScheduleLayerOptions = {},
): Promise<LayerBatchResult> {
  const bySignature = new Map<string, number>()
  const solvedAs: number[] = []
  const results: LayerScheduleResult[] = []
  let uniqueSolves = 0
  for (let k = 0; k < problems.length; k++) {
    const problem = problems[k]!
    const sig = problemSignature(problem)
    const first = bySignature.get(sig)
    if (first === undefined) {
      bySignature.set(sig, k)
      solvedAs.push(k)
      results.push(await scheduleLayer(problem, options))
      uniqueSolves++
      continue
    }
    solvedAs.push(first)
    const source = results[first]!
    const rename = new Map(problems[first]!.ops.map((op, i) => [op.id, problem.ops[i]!.id] as const))
    results.push({
      ...source,
      ...(problem.name === undefined ? {} : { name: problem.name }),
      timeS: 0,
      schedule: source.schedule.map((s) => ({ ...s, opId: rename.get(s.opId) ?? s.opId })),
    })
  }
  return { results, solvedAs, uniqueSolves }
}
