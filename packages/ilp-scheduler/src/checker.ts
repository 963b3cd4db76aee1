import { prepareProblem } from './internal/prepare.js'
import type { LayerSchedulingProblem, ScheduleCheck, ScheduledOp, ScheduleViolation } from './types.js'

/** Options of {@link checkSchedule}. */
export interface CheckScheduleOptions {
  /** Relative time tolerance, times the makespan (default 1e-9; an absolute 1e-15 s is always allowed). */
  readonly relTolerance?: number
}

/**
 * Verify a schedule against its problem, independently of how it was produced: every op exactly once, on its
 * engine, with the duration of its mode (ℓ on one core, ℓ̂ on all cores), after all its predecessors; ops on the
 * same core never overlap; an all-core op overlaps no other op; core indices exist; and, when the problem sets a
 * buffer capacity, the buffer bytes of ops running together never exceed it. Exact up to the tolerance.
 * O(n² + e).
 *
 * @throws the validation errors of {@link scheduleLayer} when the problem itself is malformed.
 */
export function checkSchedule(
  problem: LayerSchedulingProblem,
  schedule: readonly ScheduledOp[],
  options: CheckScheduleOptions = {},
): ScheduleCheck {
  const p = prepareProblem(problem)
  const violations: ScheduleViolation[] = []
  const byId = new Map<string, ScheduledOp>()
  const opIndex = new Map(p.ids.map((id, i) => [id, i] as const))
  let makespanS = 0
  for (const s of Array.isArray(schedule) ? schedule : []) {
    if (typeof s !== 'object' || s === null) continue
    if (!Number.isFinite(s.startS) || !Number.isFinite(s.endS)) {
      violations.push({
        kind: 'bad-time',
        opId: String(s.opId),
        detail: 'start or end is not a finite number',
      })
      continue
    }
    makespanS = Math.max(makespanS, s.endS)
  }
  const tol = Math.max(1e-15, (options.relTolerance ?? 1e-9) * makespanS)

  for (const s of Array.isArray(schedule) ? schedule : []) {
    if (typeof s !== 'object' || s === null || !Number.isFinite(s.startS) || !Number.isFinite(s.endS))
      continue
    const i = opIndex.get(s.opId)
    if (i === undefined) {
      violations.push({ kind: 'unknown-op', opId: String(s.opId), detail: 'the problem has no such op' })
      continue
    }
    if (byId.has(s.opId)) {
      violations.push({ kind: 'duplicate-op', opId: s.opId, detail: 'the op is scheduled more than once' })
      continue
    }
    byId.set(s.opId, s)
    const op = problem.ops[i]!
    if (s.startS < -tol || s.endS < s.startS - tol) {
      violations.push({
        kind: 'bad-time',
        opId: s.opId,
        detail: `interval [${s.startS}, ${s.endS}] is not valid`,
      })
    }
    if (s.engine !== op.engine) {
      violations.push({
        kind: 'engine',
        opId: s.opId,
        detail: `runs on ${s.engine}, the op needs ${op.engine}`,
      })
    }
    let expected: number | undefined
    if (s.cores === 'all') expected = op.allCoresS
    else if (Number.isInteger(s.cores) && s.cores >= 0 && s.cores < problem.cores[op.engine]) {
      expected = op.singleCoreS
    } else {
      violations.push({
        kind: 'core-index',
        opId: s.opId,
        detail: `core ${String(s.cores)} does not exist (${problem.cores[op.engine]} ${op.engine} cores)`,
      })
    }
    if (expected !== undefined && Math.abs(s.endS - s.startS - expected) > tol) {
      violations.push({
        kind: 'duration',
        opId: s.opId,
        detail: `lasts ${s.endS - s.startS} s, its mode takes ${expected} s`,
      })
    }
  }
  for (const id of p.ids) {
    if (!byId.has(id)) violations.push({ kind: 'missing-op', opId: id, detail: 'the op is not scheduled' })
  }

  for (const [from, to] of problem.deps) {
    const a = byId.get(from)
    const b = byId.get(to)
    if (a && b && a.endS > b.startS + tol) {
      violations.push({
        kind: 'precedence',
        opId: to,
        otherOpId: from,
        detail: `starts at ${b.startS} s before its predecessor ends at ${a.endS} s`,
      })
    }
  }

  const placed = [...byId.values()]
  // Open intervals intersect; a zero-length op conflicts only with an op strictly around its instant.
  const clash = (a: ScheduledOp, b: ScheduledOp): boolean =>
    a.startS < b.endS - tol && b.startS < a.endS - tol
  for (let x = 0; x < placed.length; x++) {
    for (let y = x + 1; y < placed.length; y++) {
      const a = placed[x]!
      const b = placed[y]!
      if (!clash(a, b)) continue
      if (a.cores === 'all' || b.cores === 'all') {
        const [lone, other] = a.cores === 'all' ? [a, b] : [b, a]
        violations.push({
          kind: 'exclusive-overlap',
          opId: lone.opId,
          otherOpId: other.opId,
          detail: 'an all-core op must run alone on the chip',
        })
      } else if (a.engine === b.engine && a.cores === b.cores) {
        violations.push({
          kind: 'core-overlap',
          opId: a.opId,
          otherOpId: b.opId,
          detail: `both run on ${a.engine} core ${a.cores} at once`,
        })
      }
    }
  }

  if (problem.bufferCapacityBytes !== undefined) {
    const cap = problem.bufferCapacityBytes
    const bytes = (s: ScheduledOp): number => problem.ops[opIndex.get(s.opId)!]!.bufferBytes ?? 0
    for (const probe of placed) {
      // Ops running at `probe`'s start (just after it for a positive-length probe).
      let sum = bytes(probe)
      for (const other of placed)
        if (other !== probe && clash(other, probe) && covers(other, probe, tol)) sum += bytes(other)
      if (sum > cap * (1 + 1e-12)) {
        violations.push({
          kind: 'buffer',
          opId: probe.opId,
          detail: `${sum} B on chip when it starts, capacity ${cap} B`,
        })
      }
    }
  }
  return { ok: violations.length === 0, makespanS, violations }
}

// True when `other` runs at the instant just after `probe` starts (both overlap there).
const covers = (other: ScheduledOp, probe: ScheduledOp, tol: number): boolean =>
  other.endS > other.startS + tol && other.startS <= probe.startS + tol && probe.startS < other.endS - tol
