import { compileTaskGraph } from './builder.js'
import type { DependencySpec, TaskGraphSpec, TaskSpec } from './types.js'

interface Bridge {
  from: number
  lagS: number
  fromStart: boolean
}

/**
 * A copy of `spec` without the tasks for which `remove(index)` is true. Dependencies through removed tasks are
 * bridged: each kept predecessor is connected to each kept successor with the lags added (the removed task's
 * duration and gap vanish); executor queues simply close up. Task indices are renumbered in order.
 *
 * Exact; the result never simulates longer than the original when no dynamic waits are involved (max-plus
 * monotonicity). O(V + E · b) where b is the number of bridged sources per removed task.
 *
 * @throws like {@link compileTaskGraph} when `spec` itself is invalid (the bridging needs its topological order).
 */
export function removeTasks(spec: TaskGraphSpec, remove: (taskIndex: number) => boolean): TaskGraphSpec {
  const n = spec.tasks.length
  const removed = new Uint8Array(n)
  const newIndex = new Int32Array(n).fill(-1)
  const tasks: TaskSpec[] = []
  for (let i = 0; i < n; i++) {
    if (remove(i)) removed[i] = 1
    else {
      newIndex[i] = tasks.length
      const t = spec.tasks[i]!
      // Keep the implicit queue position: the default order is the old index, which renumbering would change.
      tasks.push(t.order === undefined ? { ...t, order: i } : t)
    }
  }
  const incoming: DependencySpec[][] = Array.from({ length: n }, () => [])
  for (const d of spec.dependencies) incoming[d.to]?.push(d)
  // Kept sources reaching each removed task, with accumulated lag, computed in topological order (iteratively,
  // so long chains of removed tasks cannot overflow the stack).
  const memo = new Map<number, Bridge[]>()
  const topo = compileTaskGraph(spec).topoOrder
  for (let k = 0; k < topo.length; k++) {
    const r = topo[k]!
    if (removed[r] === 0) continue
    const best = new Map<number, Bridge>()
    for (const d of incoming[r] ?? []) {
      const list: Bridge[] =
        removed[d.from] === 1
          ? (memo.get(d.from) ?? []).map((b) => ({
              from: b.from,
              lagS: b.lagS + (d.lagS ?? 0),
              fromStart: b.fromStart,
            }))
          : [{ from: d.from, lagS: d.lagS ?? 0, fromStart: d.fromStart === true }]
      for (const b of list) {
        const key = b.from * 2 + (b.fromStart ? 1 : 0)
        const old = best.get(key)
        if (old === undefined || b.lagS > old.lagS) best.set(key, b)
      }
    }
    memo.set(r, [...best.values()])
  }
  const sourcesOf = (r: number): Bridge[] => memo.get(r) ?? []
  const dependencies: DependencySpec[] = []
  for (const d of spec.dependencies) {
    if (removed[d.to] === 1) continue
    const to = newIndex[d.to]!
    if (removed[d.from] === 0) {
      dependencies.push({ ...d, from: newIndex[d.from]!, to })
      continue
    }
    for (const b of sourcesOf(d.from)) {
      const bridged: DependencySpec = {
        from: newIndex[b.from]!,
        to,
        lagS: b.lagS + (d.lagS ?? 0),
        fromStart: b.fromStart,
      }
      dependencies.push(d.kind === undefined ? bridged : { ...bridged, kind: d.kind })
    }
  }
  return { executors: spec.executors, tasks, dependencies }
}
