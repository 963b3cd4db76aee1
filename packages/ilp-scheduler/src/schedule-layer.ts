import { InvalidValueError } from '@dnnperf/ir'
import { checkSchedule } from './checker.js'
import { SchedulerSolverError } from './errors.js'
import { lowerBoundsOf } from './internal/bounds.js'
import { bufferViolation, coreViolations, decodeSolution, peakCores } from './internal/decode.js'
import { heuristicSchedule } from './internal/heuristic.js'
import { buildIlp, warmStartValues } from './internal/ilp-model.js'
import { solveLinearModel } from './internal/milp-adapter.js'
import { incomparableSets } from './internal/antichains.js'
import { incomparable, prepareProblem } from './internal/prepare.js'
import { assignCores, makespanOf, serialSchedule } from './internal/sgs.js'
import type { Placed } from './internal/timeline.js'
import type {
  LayerScheduleResult,
  LayerSchedulingProblem,
  MilpSolverName,
  ScheduleAlgorithm,
  ScheduleLayerOptions,
  ScheduleStatus,
} from './types.js'

/** Most core-capacity cuts enumerated before the first solve. */
const UPFRONT_CUTS = 2000

/** Re-solves allowed for buffer cuts on top of the two lazy core blocks. */
const MAX_SOLVES = 12

/**
 * Minimum-makespan schedule of one layer's ops over the tensor and vector cores: PHAZE's per-layer ILP
 * (Wang et al., ICML 2024, phaze.md §5): each op runs on one core or on all cores of its type (then alone on the
 * chip), ordered by pairwise binaries with transitivity and tight per-pair big-M, core-assignment blocks added
 * lazily when the solution over-subscribes a core type, and (beyond PHAZE) buffer-capacity cuts added lazily.
 * The list-scheduling heuristic is the warm start and the fallback; when it meets a lower bound no MILP runs.
 * Returns the schedule (seconds) with status, makespan, best bound and gap; every returned schedule has passed
 * {@link checkSchedule}. Exact when `status` is `'optimal'`; on `'timeLimit'` the incumbent and its bound.
 * Worst case exponential (MILP); O(n³) rows with transitivity.
 *
 * @throws InvalidValueError, DuplicateNodeError, DanglingEdgeError, GraphCycleError for a malformed problem;
 *   ScheduleInfeasibleError when no schedule exists; SchedulerSolverError when a solution breaks the model or
 *   fails the checker; MilpAbortedError (from `@dnnperf/milp`) when `signal` aborts. A back-end that errors or
 *   finds nothing does not throw: the heuristic schedule is returned with status `'feasible'` and a `note`.
 */
export async function scheduleLayer(
  problem: LayerSchedulingProblem,
  options: ScheduleLayerOptions = {},
): Promise<LayerScheduleResult> {
  const t0 = performance.now()
  const p = prepareProblem(problem)
  const solverName: MilpSolverName = options.solver ?? 'highs'
  const timeLimitS = options.timeLimitS ?? 60
  if (solverName !== 'glpk' && solverName !== 'highs') {
    throw new InvalidValueError({
      at: 'options',
      field: 'solver',
      value: solverName,
      expected: "'glpk' or 'highs'",
    })
  }
  if (!(timeLimitS > 0 && Number.isFinite(timeLimitS))) {
    throw new InvalidValueError({
      at: 'options',
      field: 'timeLimitS',
      value: timeLimitS,
      expected: 'a finite number > 0',
    })
  }
  const tol = options.boundTolerance ?? 1e-9
  const lowerBounds = lowerBoundsOf(p)
  const heuristic = heuristicSchedule(p)
  const heuristicMakespanS = makespanOf(heuristic)
  let bound = Math.max(lowerBounds.criticalPathS, lowerBounds.workS)

  let best: Placed[] = heuristic
  let algorithm: ScheduleAlgorithm = 'list-heuristic'
  let status: ScheduleStatus = 'feasible'
  let solverUsed: MilpSolverName | 'none' = 'none'
  let note: string | undefined
  let solves = 0
  const cores: [boolean, boolean] = [false, false]

  if (p.n === 0 || (!options.alwaysSolve && heuristicMakespanS <= bound * (1 + tol))) {
    status = 'optimal'
  } else {
    const orderCuts: number[][] = []
    const cutKeys = new Set<string>()
    const addCut = (set: number[]): boolean => {
      const key = [...set].sort((a, b) => a - b).join(',')
      if (cutKeys.has(key)) return false
      cutKeys.add(key)
      orderCuts.push(set)
      return true
    }
    const assignment = (options.coreCapacity ?? 'assignment') === 'assignment'
    if (!assignment) {
      // Sets of n + 1 mutually incomparable ops of a type could over-subscribe it: when there are few, cut them
      // all up front (one solve instead of a lazy loop); otherwise the loop below adds the violated ones.
      for (const e of [0, 1])
        for (const set of incomparableSets(p, e, p.cores[e]! + 1, UPFRONT_CUTS)) addCut(set)
    }
    for (let i = 0; i < p.n; i++) {
      for (let j = i + 1; j < p.n; j++) {
        if (incomparable(p, i, j) && p.buffer[i]! + p.buffer[j]! > p.capacity) addCut([i, j])
      }
    }
    const deadline = t0 + timeLimitS * 1000
    solverUsed = solverName
    for (;;) {
      const remainingS = (deadline - performance.now()) / 1000
      if (remainingS <= 0 || solves >= MAX_SOLVES) {
        status = 'timeLimit'
        note = solves >= MAX_SOLVES ? 'too many lazy re-solves' : 'time limit reached between solves'
        break
      }
      const idx = buildIlp(p, heuristicMakespanS, bound, {
        cores,
        transitivity: options.transitivity ?? true,
        orderCuts,
        exclusiveCuts: options.exclusiveCuts ?? true,
      })
      const res = await solveLinearModel(idx.model, {
        solver: solverName,
        timeLimitS: remainingS,
        mipGap: options.mipGap ?? 0,
        warmStart: warmStartValues(p, idx, heuristic),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      solves++
      // Every model solved is a relaxation of the full problem (or the full problem), so its bound holds.
      if (Number.isFinite(res.bestBound))
        bound = Math.max(bound, Math.min(res.bestBound * idx.unitS, heuristicMakespanS))
      if (res.status === 'infeasible' || res.status === 'unbounded' || res.status === 'error') {
        // The heuristic schedule satisfies the model, so this is a back-end failure: keep the heuristic.
        status = 'feasible'
        note = `${solverName} returned ${res.status}${res.message ? `: ${res.message}` : ''}; heuristic schedule kept`
        break
      }
      if (res.values === undefined) {
        status = res.status === 'timeLimit' ? 'timeLimit' : 'feasible'
        note = 'no MILP incumbent; heuristic schedule kept'
        break
      }
      const decoded = decodeSolution(p, idx, res.values)
      const over = [0, 1].filter((e) => peakCores(p, decoded.placed, e) > p.cores[e]!)
      const cut = bufferViolation(p, decoded.placed)
      if (over.length === 0 && cut === undefined) {
        if (makespanOf(decoded.placed) < makespanOf(best)) {
          best = decoded.placed
          algorithm = 'ilp'
        }
        status = res.status
        if (status === 'optimal')
          bound = Math.max(bound, Math.min(res.bestBound * idx.unitS, makespanOf(best)))
        break
      }
      let progressed = cut !== undefined && addCut(cut)
      for (const e of over) {
        if (assignment) {
          if (cores[e])
            throw new SchedulerSolverError({
              solver: solverName,
              detail: `core block ${e} active but cores over-subscribed`,
            })
          cores[e] = true
          progressed = true
        } else {
          for (const set of coreViolations(p, decoded.placed, e)) progressed = addCut(set) || progressed
        }
      }
      if (!progressed)
        throw new SchedulerSolverError({
          solver: solverName,
          detail: 'a lazy cut was violated after being added',
        })
      if (res.status !== 'optimal') {
        // Time ran out on a relaxation: repair its order and modes with the serial list schedule.
        const repaired = serialSchedule(p, decoded.list, decoded.all)
        if (makespanOf(repaired) < makespanOf(best)) {
          best = repaired
          algorithm = 'ilp'
        }
        status = res.status === 'timeLimit' ? 'timeLimit' : 'feasible'
        note = 'the lazy loop stopped before a proof; incumbent repaired by list scheduling'
        break
      }
    }
  }

  const makespanS = makespanOf(best)
  const bestBoundS = Math.min(bound, makespanS)
  const gap = makespanS > 0 ? Math.max(0, (makespanS - bestBoundS) / makespanS) : 0
  if (status !== 'optimal' && gap <= tol) status = 'optimal'
  const schedule = assignCores(p, best)
  const check = checkSchedule(problem, schedule)
  if (!check.ok) {
    throw new SchedulerSolverError({
      solver: solverUsed,
      detail: `schedule failed the checker: ${check.violations.map((v) => `${v.kind} ${v.opId}`).join('; ')}`,
    })
  }
  return {
    ...(problem.name === undefined ? {} : { name: problem.name }),
    status,
    makespanS,
    bestBoundS,
    gap,
    solver: solverUsed,
    algorithm,
    timeS: (performance.now() - t0) / 1000,
    schedule,
    lowerBounds,
    heuristicMakespanS,
    milpSolves: solves,
    coreBlocks: { tensor: cores[0], vector: cores[1] },
    ...(note === undefined || status === 'optimal' ? {} : { note }),
  }
}
