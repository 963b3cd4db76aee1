import { GraphCycleError, InvalidValueError } from '../errors.js'
import { EventQueue } from './event-queue.js'
import type { CompiledTaskGraph, SimulateTaskGraphOptions, TaskGraphSimulation } from './types.js'

// Code of the 'launch' dependency kind (see DEPENDENCY_KINDS).
const LAUNCH_KIND = 2

// Binding reason codes (see BINDING_REASONS).
const RELEASE = 0
const EXECUTOR = 1
const DEPENDENCY = 2
const WAIT = 3

/**
 * Simulates a compiled task graph: start and end of every task, in seconds from the origin.
 *
 * Semantics (Daydream, Zhu et al. ATC 2020, Algorithm 1, with Lumos-style runtime dependencies): each executor
 * runs its queue in order, one task at a time; a task starts at the latest of its release time, the end of the
 * executor's previous task plus that task's gap, and each static dependency's event (predecessor end, or start
 * for `fromStart` edges) plus lag. A task with dynamic waits, once its static dependencies are met at time r,
 * also waits for the last task (in queue order) that had become ready on each waited executor by r.
 *
 * Exact for the model. Graphs without dynamic waits run a topological max-plus pass in O(V + E); graphs with
 * them run an event-driven engine in O((V + E) log V).
 *
 * @throws InvalidValueError (`INVALID_VALUE`) when `options.durationS` has the wrong length or a bad value.
 * @throws GraphCycleError (`GRAPH_CYCLE`) when dynamic waits deadlock (a task waits for a queue position that
 *   can only run after the task itself).
 */
export function simulateTaskGraph(
  graph: CompiledTaskGraph,
  options: SimulateTaskGraphOptions = {},
): TaskGraphSimulation {
  const n = graph.taskCount
  let durationS = graph.durationS
  if (options.durationS !== undefined) {
    durationS = options.durationS
    if (durationS.length !== n) {
      throw new InvalidValueError({
        at: 'simulateTaskGraph',
        field: 'durationS.length',
        value: durationS.length,
        expected: `${n} (one per task)`,
      })
    }
    for (let i = 0; i < n; i++) {
      const d = durationS[i]!
      if (!Number.isFinite(d) || d < 0) {
        throw new InvalidValueError({
          at: `task#${i}`,
          field: 'durationS',
          value: d,
          expected: 'finite >= 0',
        })
      }
    }
  }
  const useEvents =
    options.forceEventEngine === true || graph.waitExecutor.length > 0 || graph.priorityExecutor.includes(1)
  const result = useEvents ? simulateEvents(graph, durationS) : simulateStatic(graph, durationS)
  const executorBusyS = new Float64Array(graph.executors.length)
  let makespanS = 0
  for (let i = 0; i < n; i++) {
    executorBusyS[graph.executorOf[i]!]! += durationS[i]!
    if (result.endS[i]! > makespanS) makespanS = result.endS[i]!
  }
  return { ...result, makespanS, executorBusyS, engine: useEvents ? 'event' : 'static' }
}

type Core = Omit<TaskGraphSimulation, 'makespanS' | 'executorBusyS' | 'engine'>

function simulateStatic(g: CompiledTaskGraph, dur: Float64Array): Core {
  const n = g.taskCount
  const startS = new Float64Array(n)
  const endS = new Float64Array(n)
  const bindingTask = new Int32Array(n).fill(-1)
  const bindingReason = new Uint8Array(n)
  const bindingEdge = new Int32Array(n).fill(-1)
  const { topoOrder, executorOf, queue, queueStart, queuePos, predStart, pred, predLagS, predFromStart } = g
  const gapS = g.gapS
  for (let k = 0; k < n; k++) {
    const u = topoOrder[k]!
    let best = g.releaseS[u]!
    let bt = -1
    let br = RELEASE
    let be = -1
    for (let s = predStart[u]!; s < predStart[u + 1]!; s++) {
      const p = pred[s]!
      const t = (predFromStart[s] === 1 ? startS[p]! : endS[p]!) + predLagS[s]!
      if (t > best) {
        best = t
        bt = p
        br = DEPENDENCY
        be = s
      }
    }
    const pos = queuePos[u]!
    if (pos > 0) {
      const p = queue[queueStart[executorOf[u]!]! + pos - 1]!
      const t = endS[p]! + gapS[p]!
      if (t > best) {
        best = t
        bt = p
        br = EXECUTOR
        be = -1
      }
    }
    startS[u] = best
    endS[u] = best + dur[u]!
    bindingTask[u] = bt
    bindingReason[u] = br
    bindingEdge[u] = be
  }
  return { startS, endS, bindingTask, bindingReason, bindingEdge, brokenWaitCount: 0 }
}

function simulateEvents(g: CompiledTaskGraph, dur: Float64Array): Core {
  const n = g.taskCount
  const executorCount = g.executors.length
  const { executorOf, queue, queueStart, predStart, predLagS, predFromStart, predOwner } = g
  const { succStart, succEdge, waitStart, waitExecutor, gapS, priorityExecutor, queuePos } = g
  // Ready tasks of each priority executor, keyed by queue position (= priority).
  // An array rather than a Map: looked up on every dispatch attempt.
  const readyHeaps: (EventQueue | undefined)[] = new Array<EventQueue | undefined>(executorCount).fill(
    undefined,
  )
  for (let e = 0; e < executorCount; e++) if (priorityExecutor[e] === 1) readyHeaps[e] = new EventQueue(16)
  const startS = new Float64Array(n)
  const endS = new Float64Array(n)
  const bindingTask = new Int32Array(n).fill(-1)
  const bindingReason = new Uint8Array(n)
  const bindingEdge = new Int32Array(n).fill(-1)
  const readyS = g.releaseS.slice()
  // Time at which a task enters its executor's queue: its launch predecessors' events without lags (a launch call
  // issues its kernel when it runs; the kernel is ready a launch latency later and may still wait on other
  // dependencies). A task without launch edges is issued when all its static predecessors' events happened.
  // Releases do not delay issue.
  const issueS = new Float64Array(n)
  const launchLeft = new Uint32Array(n)
  for (let s = 0; s < g.predKind.length; s++) if (g.predKind[s] === LAUNCH_KIND) launchLeft[predOwner[s]!]!++
  const remaining = new Uint32Array(n)
  const waitLeft = new Uint32Array(n)
  const fullyReady = new Uint8Array(n)
  const finished = new Uint8Array(n)
  const execHead = new Uint32Array(executorCount)
  const execBusy = new Uint8Array(executorCount)
  const execFreeS = new Float64Array(executorCount)
  const execLast = new Int32Array(executorCount).fill(-1)
  const waiterHead = new Int32Array(n).fill(-1)
  const waiterNext = new Int32Array(g.waitExecutor.length)
  const waiterTask = new Int32Array(g.waitExecutor.length)
  const staticReady = new Uint8Array(n)
  const issued = new Uint8Array(n)
  const resolveScheduled = new Uint8Array(n)
  const issuedPrefix = new Uint32Array(executorCount)
  let waiterCount = 0
  let finishedCount = 0
  // Event code = kind * n + task. At equal times FINISH sorts before ISSUE, READY and RESOLVE, so a task that resolves
  // its dynamic waits at t sees every task finished at t and every task issued at t.
  const FINISH = 0
  const ISSUE = 1
  const READY = 2
  const RESOLVE = 3
  // Both queues start small and grow: they hold the events in flight, not one per task, and large typed arrays
  // allocated per run make V8 collect garbage over the whole (large) heap.
  const events = new EventQueue(1024)
  // ISSUE and READY events due now skip the heap: a FIFO of codes processed before the heap's next event. Events at
  // the current time keep their meaning (RESOLVE always goes through the heap, so it still sees them all).
  let imm = new Float64Array(1024)
  let immHead = 0
  let immTail = 0
  // The current time lives in a typed array: a double `let` captured by the closures below would be boxed, one heap
  // allocation per event.
  const clock = new Float64Array(1)
  const schedule = (t: number, code: number): void => {
    if (t <= clock[0]!) {
      if (immTail === imm.length) {
        const next = new Float64Array(immHead > imm.length >> 1 ? imm.length : 2 * imm.length)
        next.set(imm.subarray(immHead, immTail))
        immTail -= immHead
        immHead = 0
        imm = next
      }
      imm[immTail++] = code
    } else events.push(t, code)
  }
  // A loop, not Uint8Array.from with a map function: that goes through the iterator protocol per element.
  const byLaunch = new Uint8Array(n)
  for (let i = 0; i < n; i++) if (launchLeft[i]! > 0) byLaunch[i] = 1
  // Tasks without static predecessors are issued at 0 and ready at their release. Those ready at 0 would open the
  // FIFO as ISSUE i, READY i in task order; the loop below generates that prefix on the fly (`rootCursor`) instead
  // of storing up to 2n codes. Later releases go to the heap now, as before.
  for (let i = 0; i < n; i++) {
    remaining[i] = predStart[i + 1]! - predStart[i]!
    if (remaining[i] === 0 && readyS[i]! > 0) events.push(readyS[i]!, READY * n + i)
    if (waitStart[i + 1] === waitStart[i]) fullyReady[i] = 1
  }
  let rootCursor = 0
  let rootReady = -1

  const relax = (slot: number, p: number, sourceS: number): void => {
    const v = predOwner[slot]!
    const t = sourceS + predLagS[slot]!
    const launch = g.predKind[slot] === LAUNCH_KIND
    if ((launch || byLaunch[v] === 0) && sourceS > issueS[v]!) issueS[v] = sourceS
    if (launch && --launchLeft[v]! === 0) schedule(issueS[v]!, ISSUE * n + v)
    if (t > readyS[v]!) {
      readyS[v] = t
      bindingTask[v] = p
      bindingReason[v] = DEPENDENCY
      bindingEdge[v] = slot
    }
    if (--remaining[v]! === 0) {
      if (byLaunch[v] === 0) schedule(issueS[v]!, ISSUE * n + v)
      schedule(readyS[v]!, READY * n + v)
    }
  }

  // "Issued" on e = the longest prefix of e's queue whose tasks have been issued (their static predecessors'
  // events happened) and, if they have dynamic waits, have resolved them. A task only ever waits for tasks that resolved earlier, so waits cannot deadlock.
  const markIssued = (u: number, e: number): void => {
    issued[u] = 1
    const base = queueStart[e]!
    const len = queueStart[e + 1]! - base
    while (issuedPrefix[e]! < len && issued[queue[base + issuedPrefix[e]!]!] === 1) issuedPrefix[e]!++
  }

  const dispatch = (e: number, v: number, pos: number): void => {
    const freeS = pos > 0 ? execFreeS[e]! : 0
    let s = readyS[v]!
    if (pos > 0 && freeS > s) {
      s = freeS
      bindingTask[v] = execLast[e]!
      bindingReason[v] = EXECUTOR
      bindingEdge[v] = -1
    }
    startS[v] = s
    const f = s + dur[v]!
    endS[v] = f
    execBusy[e] = 1
    events.push(f, FINISH * n + v)
    for (let k = succStart[v]!; k < succStart[v + 1]!; k++) {
      const slot = succEdge[k]!
      if (predFromStart[slot] === 1) relax(slot, v, s)
    }
  }

  /** A task whose static dependencies and waits are all met joins its executor's ready set. */
  const becomeFullyReady = (v: number): void => {
    fullyReady[v] = 1
    const e = executorOf[v]!
    const heap = readyHeaps[e]
    if (heap !== undefined && staticReady[v] === 1) heap.push(queuePos[v]!, v)
    tryDispatch(e)
  }

  const tryDispatch = (e: number): void => {
    if (execBusy[e] === 1) return
    const heap = readyHeaps[e]
    if (heap !== undefined) {
      if (heap.length === 0) return
      dispatch(e, heap.pop(), execHead[e]!)
      return
    }
    const pos = execHead[e]!
    if (pos >= queueStart[e + 1]! - queueStart[e]!) return
    const v = queue[queueStart[e]! + pos]!
    if (staticReady[v] === 0) return
    const freeS = pos > 0 ? execFreeS[e]! : 0
    if (fullyReady[v] === 0) {
      // The task reaches its executor at max(static ready, executor free): resolve its waits at that moment.
      if (resolveScheduled[v] === 0) {
        resolveScheduled[v] = 1
        events.push(Math.max(readyS[v]!, freeS), RESOLVE * n + v)
      }
      return
    }
    dispatch(e, v, pos)
  }

  let brokenWaitCount = 0
  for (;;) {
    for (;;) {
      let code: number
      if (rootReady >= 0) {
        code = rootReady
        rootReady = -1
      } else if (rootCursor < n) {
        const i = rootCursor++
        if (predStart[i + 1] !== predStart[i]) continue
        code = ISSUE * n + i
        if (g.releaseS[i]! <= 0) rootReady = READY * n + i
      } else if (immHead < immTail) {
        code = imm[immHead++]!
        if (immHead === immTail) immHead = immTail = 0
      } else if (events.length > 0) {
        clock[0] = events.peekTime()
        code = events.pop()
      } else break
      const kind = Math.floor(code / n)
      const u = code - kind * n
      const e = executorOf[u]!
      if (kind === FINISH) {
        finished[u] = 1
        finishedCount++
        execFreeS[e] = endS[u]! + gapS[u]!
        execBusy[e] = 0
        execHead[e]!++
        execLast[e] = u
        for (let k = succStart[u]!; k < succStart[u + 1]!; k++) {
          const slot = succEdge[k]!
          if (predFromStart[slot] === 0) relax(slot, u, endS[u]!)
        }
        for (let w = waiterHead[u]!; w !== -1; w = waiterNext[w]!) {
          const v = waiterTask[w]!
          if (fullyReady[v] === 1) continue // its wait was released to break a deadlock
          if (endS[u]! > readyS[v]!) {
            readyS[v] = endS[u]!
            bindingTask[v] = u
            bindingReason[v] = WAIT
            bindingEdge[v] = -1
          }
          if (--waitLeft[v]! === 0) becomeFullyReady(v)
        }
        tryDispatch(e)
      } else if (kind === ISSUE) {
        if (fullyReady[u] === 1) markIssued(u, e)
      } else if (kind === READY) {
        staticReady[u] = 1
        if (readyHeaps[e] !== undefined) {
          // No queue head on a priority executor: resolve waits as soon as the task is ready.
          if (fullyReady[u] === 1) becomeFullyReady(u)
          else events.push(readyS[u]!, RESOLVE * n + u)
        } else tryDispatch(e)
      } else {
        for (let k = waitStart[u]!; k < waitStart[u + 1]!; k++) {
          const we = waitExecutor[k]!
          if (we === e) continue // a task never waits for its own executor: queue order already covers it
          const prefix = issuedPrefix[we]!
          if (prefix === 0) continue
          const q = queue[queueStart[we]! + prefix - 1]!
          if (finished[q] === 1) {
            if (endS[q]! > readyS[u]!) {
              readyS[u] = endS[q]!
              bindingTask[u] = q
              bindingReason[u] = WAIT
              bindingEdge[u] = -1
            }
            continue
          }
          waiterTask[waiterCount] = u
          waiterNext[waiterCount] = waiterHead[q]!
          waiterHead[q] = waiterCount++
          waitLeft[u]!++
        }
        markIssued(u, e)
        if (waitLeft[u] === 0) becomeFullyReady(u)
      }
    }
    if (finishedCount === n) break
    // Deadlock: a task waits for an issued task that (transitively) waits for it. CUDA cannot build such a
    // cycle (a stream only waits on work already recorded); transformed graphs can. Release the earliest blocked
    // wait and go on, counting it.
    let victim = -1
    for (let v = 0; v < n; v++) {
      if (waitLeft[v]! > 0 && fullyReady[v] === 0 && (victim < 0 || readyS[v]! < readyS[victim]!)) victim = v
    }
    if (victim < 0) break
    waitLeft[victim] = 0
    brokenWaitCount++
    becomeFullyReady(victim)
  }
  if (finishedCount < n) {
    const stuck: string[] = []
    for (let e = 0; e < executorCount && stuck.length < 16; e++) {
      const pos = execHead[e]!
      if (pos < queueStart[e + 1]! - queueStart[e]!) {
        const v = queue[queueStart[e]! + pos]!
        stuck.push(`task#${v}${g.names[v] === undefined ? '' : `(${g.names[v]})`}`)
      }
    }
    throw new GraphCycleError({ nodeId: stuck[0] ?? 'task#?', cycle: stuck })
  }
  return { startS, endS, bindingTask, bindingReason, bindingEdge, brokenWaitCount }
}
