import type { PreparedProblem } from './prepare.js'

/** One placed op: interval [start, end), intra-op parallel when `all`. */
export interface Placed {
  readonly op: number
  readonly start: number
  readonly end: number
  readonly all: boolean
}

/**
 * Two placements conflict when their open intervals intersect; a zero-length op conflicts only with an op that
 * strictly contains its instant. This is exactly the PHAZE ordering rule t_i + p_i ≤ t_j or t_j + p_j ≤ t_i.
 */
export const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1

/**
 * Largest weight of a set of pairwise-conflicting placements among `items` (a clique of the conflict graph), where
 * `weight` gives each placement's demand. Intervals on a line have the Helly property, so a clique shares an
 * instant: just after a positive-length start, or at a zero-length op's instant (zero-length ops never conflict
 * with each other, so at most one of them counts). O(k²).
 */
export function maxCliqueWeight(items: readonly Placed[], weight: (x: Placed) => number): number {
  let best = 0
  for (const probe of items) {
    let w = 0
    if (probe.end > probe.start) {
      // Instant just after probe.start: open intervals with start ≤ probe.start < end.
      for (const x of items)
        if (x.end > x.start && x.start <= probe.start && probe.start < x.end) w += weight(x)
    } else {
      for (const x of items)
        if (x.end > x.start && x.start < probe.start && probe.start < x.end) w += weight(x)
      w += weight(probe)
    }
    if (w > best) best = w
  }
  return best
}

/**
 * Resource profile of a partial schedule under PHAZE's rules: a single-core op takes one core of its type, an
 * all-core op takes the whole chip, and (optionally) running ops' buffer bytes sum to at most the capacity.
 */
export class Timeline {
  readonly placed: Placed[] = []
  constructor(private readonly p: PreparedProblem) {}

  /** True when op `i` may run on [start, start + d) in the given mode next to what is placed. O(k²). */
  fits(i: number, start: number, all: boolean): boolean {
    const p = this.p
    const end = start + (all ? p.all[i]! : p.single[i]!)
    const conflicting: Placed[] = []
    for (const x of this.placed) {
      if (!overlaps(start, end, x.start, x.end)) continue
      if (all || x.all) return false
      conflicting.push(x)
    }
    if (conflicting.length === 0) return true
    const me: Placed = { op: i, start, end, all }
    const group = [...conflicting, me]
    // Only cliques that contain the candidate matter; the rest already fitted before it came.
    const e = p.engine[i]!
    const sameEngine = group.filter((x) => p.engine[x.op] === e && cliqueWith(x, me))
    if (maxCliqueWeight(sameEngine, () => 1) > p.cores[e]!) return false
    if (Number.isFinite(p.capacity)) {
      const withMe = group.filter((x) => cliqueWith(x, me))
      if (maxCliqueWeight(withMe, (x) => p.buffer[x.op]!) > p.capacity * (1 + 1e-12)) return false
    }
    return true
  }

  /** Earliest start ≥ `est` at which op `i` fits in the given mode. Candidates are `est` and placed ends. */
  earliestStart(i: number, est: number, all: boolean): number {
    const candidates = [est]
    for (const x of this.placed) if (x.end > est) candidates.push(x.end)
    candidates.sort((a, b) => a - b)
    for (const s of candidates) if (this.fits(i, s, all)) return s
    // Unreachable: after the last end nothing runs, and every op alone fits (checked by prepareProblem).
    return candidates[candidates.length - 1]!
  }

  add(i: number, start: number, all: boolean): Placed {
    const x: Placed = { op: i, start, end: start + (all ? this.p.all[i]! : this.p.single[i]!), all }
    this.placed.push(x)
    return x
  }
}

// Every member of a clique containing `me` overlaps `me`; conflicting placements already do.
const cliqueWith = (x: Placed, me: Placed): boolean => x === me || overlaps(x.start, x.end, me.start, me.end)
