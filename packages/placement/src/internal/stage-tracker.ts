import type { PreparedInstance } from './prepare.js'

/**
 * Incremental stage cost: adds or removes whole supernodes (all their original members) to a stage S and
 * reports how the communication charge Σ c(u) over U(S) changes (placement.md §1.2). Per original node u it
 * keeps whether u ∈ S and how many of u's out-edges end in S; u is charged when it is in S with an out-edge
 * leaving S, or outside S with an out-edge into S. Each update costs O(members + their in-edges).
 */
export class StageTracker {
  private readonly inStage: Uint8Array
  private readonly outIn: Uint32Array
  constructor(private readonly inst: PreparedInstance) {
    this.inStage = new Uint8Array(inst.nodeCount)
    this.outIn = new Uint32Array(inst.nodeCount)
  }

  private charged(u: number): number {
    const out = this.outIn[u]!
    return this.inStage[u] === 1 ? (out < this.inst.outDegree[u]! ? 1 : 0) : out > 0 ? 1 : 0
  }

  /** Put supernode `s` into the stage; returns the change of the communication charge. */
  add(s: number): number {
    const { memberStart, members, commPredStart, commPred, commCost } = this.inst
    let delta = 0
    for (let k = memberStart[s]!; k < memberStart[s + 1]!; k++) {
      const o = members[k]!
      const before = this.charged(o)
      this.inStage[o] = 1
      delta += (this.charged(o) - before) * commCost[o]!
      for (let e = commPredStart[o]!; e < commPredStart[o + 1]!; e++) {
        const p = commPred[e]!
        const b = this.charged(p)
        this.outIn[p]!++
        delta += (this.charged(p) - b) * commCost[p]!
      }
    }
    return delta
  }

  /** Take supernode `s` out of the stage (undo of {@link add}); the caller restores its own totals. */
  remove(s: number): void {
    const { memberStart, members, commPredStart, commPred } = this.inst
    for (let k = memberStart[s]!; k < memberStart[s + 1]!; k++) {
      const o = members[k]!
      this.inStage[o] = 0
      for (let e = commPredStart[o]!; e < commPredStart[o + 1]!; e++) this.outIn[commPred[e]!]!--
    }
  }
}
