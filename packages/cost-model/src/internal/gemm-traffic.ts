/**
 * Elements read into a buffer of `capElems` elements for C[M×N] = A[M×K]·B[K×N], with the output kept in the
 * buffer in Mt×Nt blocks (half the buffer) while K streams through the other half. Each A row panel is read
 * once per output column block and each B column panel once per output row block. Of the two block shapes
 * tried (square-ish with rows first or columns first) the cheaper is kept. When M, N ≤ the block, this is the
 * compulsory traffic MK + KN. Heuristic (a blocked-matmul traffic estimate, not an I/O lower bound). O(1).
 */
export function blockedGemmReads(m: number, n: number, k: number, capElems: number): number {
  const compulsory = m * k + k * n
  if (capElems >= m * k + k * n + m * n) return compulsory
  const out = Math.max(1, Math.floor(capElems / 2))
  const b = Math.max(1, Math.floor(Math.sqrt(out)))
  let best = Number.POSITIVE_INFINITY
  const candidates: [number, number][] = []
  const mt1 = Math.min(m, b)
  candidates.push([mt1, Math.max(1, Math.min(n, Math.floor(out / mt1)))])
  const nt2 = Math.min(n, b)
  candidates.push([Math.max(1, Math.min(m, Math.floor(out / nt2))), nt2])
  for (const [mt, nt] of candidates) {
    const reads = m * k * Math.ceil(n / nt) + k * n * Math.ceil(m / mt)
    if (reads < best) best = reads
  }
  return Math.max(best, compulsory)
}
