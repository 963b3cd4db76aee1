import { incomparable, type PreparedProblem } from './prepare.js'

/** Up to `limit` sets of `size` mutually incomparable ops of engine `e`; none when there are more. O(limit·n). */
export function incomparableSets(p: PreparedProblem, e: number, size: number, limit: number): number[][] {
  const ops = Array.from({ length: p.n }, (_, i) => i).filter((i) => p.engine[i] === e)
  if (ops.length < size) return []
  const out: number[][] = []
  const chosen: number[] = []
  let overflow = false
  const extend = (from: number): void => {
    if (overflow) return
    if (chosen.length === size) {
      if (out.length >= limit) overflow = true
      else out.push([...chosen])
      return
    }
    for (let k = from; k < ops.length && !overflow; k++) {
      const i = ops[k]!
      if (chosen.every((j) => incomparable(p, i, j))) {
        chosen.push(i)
        extend(k + 1)
        chosen.pop()
      }
    }
  }
  extend(0)
  return overflow ? [] : out
}
