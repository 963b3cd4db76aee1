import { dependencyKindOf } from './builder.js'
import type { CompiledTaskGraph, CriticalPath, CriticalPathStep, TaskGraphSimulation } from './types.js'
import { BINDING_REASONS } from './types.js'

/**
 * The critical path of a simulation: the chain of binding events (executor order, dependency or dynamic wait)
 * that ends at the task finishing last, first task first.
 *
 * Exact for the simulated schedule. `lengthS` is recomputed from graph parameters along the chain (release of the
 * first task + durations + gaps on executor links + lags on dependency links, minus the source duration on
 * `fromStart` links), so it equals `simulation.makespanS` up to rounding; a mismatch would reveal an engine bug.
 * O(path length).
 */
export function criticalPath(graph: CompiledTaskGraph, simulation: TaskGraphSimulation): CriticalPath {
  const n = graph.taskCount
  if (n === 0) return { lengthS: 0, steps: [] }
  const { endS, startS, bindingTask, bindingReason, bindingEdge } = simulation
  let last = 0
  for (let i = 1; i < n; i++) if (endS[i]! > endS[last]!) last = i
  const chain: number[] = []
  for (let u = last; u !== -1; u = bindingTask[u]!) {
    chain.push(u)
    if (chain.length > n) break // defensive: binding links always point to earlier events
  }
  chain.reverse()
  const dur = (i: number): number => endS[i]! - startS[i]!
  const first = chain[0]!
  let lengthS = bindingReason[first] === 0 ? graph.releaseS[first]! : startS[first]!
  const steps: CriticalPathStep[] = []
  for (let k = 0; k < chain.length; k++) {
    const u = chain[k]!
    const reason = k === 0 ? 'release' : (BINDING_REASONS[bindingReason[u]!] ?? 'release')
    lengthS += dur(u)
    if (k > 0) {
      const p = chain[k - 1]!
      if (reason === 'executor') lengthS += graph.gapS[p]!
      else if (reason === 'dependency') {
        const slot = bindingEdge[u]!
        lengthS += graph.predLagS[slot]! - (graph.predFromStart[slot] === 1 ? dur(p) : 0)
      }
    }
    const step: CriticalPathStep =
      reason === 'dependency'
        ? {
            task: u,
            startS: startS[u]!,
            endS: endS[u]!,
            via: reason,
            dependencyKind: dependencyKindOf(graph, bindingEdge[u]!),
          }
        : { task: u, startS: startS[u]!, endS: endS[u]!, via: reason }
    steps.push(step)
  }
  return { lengthS, steps }
}
