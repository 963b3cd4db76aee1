/**
 * Binary min-heap of events keyed by (time, code) with both keys in Float64Arrays, so the engine's hot loop
 * allocates nothing per event. `code` breaks ties deterministically (it encodes event kind and task index).
 */
export class EventQueue {
  private time: Float64Array
  private code: Float64Array
  private size = 0

  constructor(capacity: number) {
    const c = Math.max(16, capacity)
    this.time = new Float64Array(c)
    this.code = new Float64Array(c)
  }

  get length(): number {
    return this.size
  }

  push(t: number, c: number): void {
    if (this.size === this.time.length) this.grow()
    const time = this.time
    const code = this.code
    let i = this.size++
    while (i > 0) {
      const p = (i - 1) >> 1
      const pt = time[p]!
      if (pt < t || (pt === t && code[p]! <= c)) break
      time[i] = pt
      code[i] = code[p]!
      i = p
    }
    time[i] = t
    code[i] = c
  }

  /** Time of the smallest event; undefined behaviour when empty. */
  peekTime(): number {
    return this.time[0]!
  }

  /** Removes the smallest event and returns its code (read its time with `peekTime` first). */
  pop(): number {
    const time = this.time
    const code = this.code
    const top = code[0]!
    const n = --this.size
    if (n > 0) {
      const t = time[n]!
      const c = code[n]!
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        let m = l
        if (r < n && (time[r]! < time[l]! || (time[r] === time[l] && code[r]! < code[l]!))) m = r
        if (time[m]! > t || (time[m] === t && code[m]! >= c)) break
        time[i] = time[m]!
        code[i] = code[m]!
        i = m
      }
      time[i] = t
      code[i] = c
    }
    return top
  }

  private grow(): void {
    const t = new Float64Array(this.time.length * 2)
    const c = new Float64Array(this.code.length * 2)
    t.set(this.time)
    c.set(this.code)
    this.time = t
    this.code = c
  }
}
