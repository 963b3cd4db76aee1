/** Interval-set arithmetic on [start, end) pairs, used by the breakdowns (HTA and TraceLens measure unions). */

/** Sorted, disjoint union of intervals, as a flat array [s0, e0, s1, e1, ...]. O(n log n). */
export function mergeIntervals(starts: readonly number[], ends: readonly number[]): number[] {
  const idx = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!)
  const out: number[] = []
  for (const i of idx) {
    const s = starts[i]!
    const e = ends[i]!
    if (!(e > s)) continue
    const n = out.length
    if (n > 0 && s <= out[n - 1]!) {
      if (e > out[n - 1]!) out[n - 1] = e
    } else out.push(s, e)
  }
  return out
}

/** Total length of a merged interval set. */
export function lengthOf(merged: readonly number[]): number {
  let t = 0
  for (let k = 0; k < merged.length; k += 2) t += merged[k + 1]! - merged[k]!
  return t
}

/** Length of `a` minus `b` (both merged). O(|a| + |b|). */
export function differenceLength(a: readonly number[], b: readonly number[]): number {
  let total = 0
  let j = 0
  for (let k = 0; k < a.length; k += 2) {
    let s = a[k]!
    const e = a[k + 1]!
    while (j < b.length && b[j + 1]! <= s) j += 2
    let jj = j
    while (s < e) {
      if (jj >= b.length || b[jj]! >= e) {
        total += e - s
        break
      }
      if (b[jj]! > s) total += b[jj]! - s
      s = Math.max(s, b[jj + 1]!)
      jj += 2
    }
  }
  return total
}

/** Union of two merged sets. */
export function unionOf(a: readonly number[], b: readonly number[]): number[] {
  const starts: number[] = []
  const ends: number[] = []
  for (const x of [a, b]) {
    for (let k = 0; k < x.length; k += 2) {
      starts.push(x[k]!)
      ends.push(x[k + 1]!)
    }
  }
  return mergeIntervals(starts, ends)
}
