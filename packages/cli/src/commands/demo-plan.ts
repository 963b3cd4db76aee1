import type { PlanEvaluation, PlanSearchResult, PlanTimelineItem } from '@dnnperf/placement'
import { evaluatePlan, searchPlans, simulatePlan, transformerShapeFromMetadata } from '@dnnperf/placement'
import type { OpGraph } from '@dnnperf/ir'

/** The demo's cluster question: which plan trains the model fastest on one node, and what does its pipeline do. */
export interface DemoPlan {
  readonly cluster: string
  readonly gpus: number
  readonly globalBatch: number
  /** `plan search` on the defaults: the best plan, the runners-up and how much of the space was proved. */
  readonly search: Pick<
    PlanSearchResult,
    | 'status'
    | 'best'
    | 'runnersUp'
    | 'runnersUpExplained'
    | 'candidates'
    | 'evaluated'
    | 'provedFraction'
    | 'timeS'
  >
  /**
   * The fastest 1F1B plan with a pipeline (the best overall may have none), lowered to a task graph and simulated:
   * the picture of the report. The simulated and closed-form iteration times are both given.
   */
  readonly pipeline: {
    readonly evaluation: PlanEvaluation
    readonly simulatedIterationS: number
    readonly closedFormIterationS: number
    readonly taskCount: number
  }
}

/** Plan search plus one simulated pipeline; the timeline is returned apart, for the Gantt chart only. */
export function demoPlan(
  graph: OpGraph,
  cluster: string,
  gpus: number,
  globalBatch: number,
): { plan: DemoPlan; timeline: readonly PlanTimelineItem[] } {
  const shape = { ...transformerShapeFromMetadata(graph.metadata), name: graph.name }
  const search = searchPlans(shape, cluster, { gpus, globalBatch, top: 5 })
  // The picture: the fastest 1F1B plan with a pipeline (interleaved chunks would be too thin to see); failing
  // that, a plain 2-stage 1F1B plan.
  const oneF1b = searchPlans(shape, cluster, { gpus, globalBatch, top: 200, schedules: ['1f1b'] })
  const pipelined =
    [oneF1b.best, ...oneF1b.runnersUp].find((e) => e !== null && e.plan.pipelineParallel > 1) ??
    evaluatePlan(shape, cluster, { gpus, globalBatch, tensorParallel: 1, pipelineParallel: 2 })
  const sim = simulatePlan(shape, cluster, pipelined.plan)
  const { status, best, runnersUp, runnersUpExplained, candidates, evaluated, provedFraction, timeS } = search
  return {
    plan: {
      cluster,
      gpus,
      globalBatch,
      search: { status, best, runnersUp, runnersUpExplained, candidates, evaluated, provedFraction, timeS },
      pipeline: {
        evaluation: pipelined,
        simulatedIterationS: sim.iterationTimeS,
        closedFormIterationS: sim.closedFormIterationTimeS ?? pipelined.iterationTimeS,
        taskCount: sim.taskCount,
      },
    },
    timeline: sim.timeline,
  }
}
