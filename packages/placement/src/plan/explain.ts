import { formatSchedule } from './plan.js'
import type { IterationBreakdown, PlanEvaluation } from './types.js'

/** Why one plan lost to the best: the time it gives up, component by component. Plain JSON. */
export interface RunnerUpComparison {
  /** Rank among the returned plans (2 = first runner-up). */
  readonly rank: number
  /** Iteration time over the best's, s (≥ 0). */
  readonly slowerByS: number
  /** Per breakdown component, runner-up minus best, s: positive where the runner-up spends more. */
  readonly differenceS: IterationBreakdown
  /** Peak memory per device, runner-up minus best, bytes. */
  readonly memoryDifferenceBytes: number
  /** One sentence: what differs in the plans and the component that costs the runner-up most. */
  readonly reason: string
}

const LABEL: Record<keyof IterationBreakdown, string> = {
  compute: 'compute',
  tensorParallelComm: 'tensor-parallel communication',
  pipelineComm: 'pipeline point-to-point',
  bubble: 'pipeline bubble',
  dataParallelComm: 'data-parallel communication',
  optimizer: 'optimizer step',
}

/** The plan fields that differ, as `field a → b` (best first). */
function planDifferences(best: PlanEvaluation, other: PlanEvaluation): string[] {
  const a = best.plan
  const b = other.plan
  const out: string[] = []
  const cmp = (name: string, x: string | number | boolean, y: string | number | boolean) => {
    if (x !== y) out.push(`${name} ${x} → ${y}`)
  }
  cmp('tp', a.tensorParallel, b.tensorParallel)
  cmp('pp', a.pipelineParallel, b.pipelineParallel)
  cmp('dp', a.dataParallel, b.dataParallel)
  cmp('microbatch', a.microbatchSize, b.microbatchSize)
  cmp('schedule', formatSchedule(a), formatSchedule(b))
  cmp('recompute', a.recompute, b.recompute)
  cmp('sequence parallel', a.sequenceParallel, b.sequenceParallel)
  cmp('ZeRO', a.zeroStage, b.zeroStage)
  return out
}

/**
 * Compares every runner-up with the best plan: the time lost per breakdown component, the memory difference, and a
 * sentence naming the differing plan fields and the component that costs most. Exact (differences of the
 * evaluations). O(runners-up).
 */
export function explainRunnersUp(
  best: PlanEvaluation,
  runnersUp: readonly PlanEvaluation[],
): RunnerUpComparison[] {
  return runnersUp.map((other, i) => {
    const keys = Object.keys(LABEL) as (keyof IterationBreakdown)[]
    const differenceS = Object.fromEntries(
      keys.map((k) => [k, other.breakdownS[k] - best.breakdownS[k]]),
    ) as unknown as IterationBreakdown
    const worst = keys.reduce((w, k) => (differenceS[k] > differenceS[w] ? k : w), keys[0]!)
    const gain = keys.reduce((g, k) => (differenceS[k] < differenceS[g] ? k : g), keys[0]!)
    const slowerByS = other.iterationTimeS - best.iterationTimeS
    const changes = planDifferences(best, other)
    const what = changes.length > 0 ? changes.join(', ') : 'the same degrees'
    const ms = (x: number) => `${(1e3 * x).toPrecision(3)} ms`
    let reason = `${what}: ${ms(slowerByS)} slower`
    if (differenceS[worst] > 0) reason += `, mostly ${LABEL[worst]} (+${ms(differenceS[worst])})`
    // a saving worth naming: at least a tenth of what the worst component costs
    if (differenceS[gain] < 0 && -differenceS[gain] >= 0.1 * Math.max(0, differenceS[worst])) {
      reason += `, partly offset by ${LABEL[gain]} (−${ms(-differenceS[gain])})`
    }
    return {
      rank: i + 2,
      slowerByS,
      differenceS,
      memoryDifferenceBytes: other.memoryPerDeviceBytes.total - best.memoryPerDeviceBytes.total,
      reason,
    }
  })
}
