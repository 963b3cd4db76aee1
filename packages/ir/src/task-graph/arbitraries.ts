import fc from 'fast-check'
import type { DependencyKind, ExecutorKind, TaskGraphSpec } from './types.js'

/**
 * Random acyclic task graphs for property tests: dependencies run from lower to higher task index and queues
 * follow insertion order, so no cycle can form. Times are small integers (seconds) so sums stay exact.
 */
export function arbTaskGraphSpec(
  options: { maxTasks?: number; dynamicWaits?: boolean; priorityExecutors?: boolean } = {},
): fc.Arbitrary<TaskGraphSpec> {
  const maxTasks = options.maxTasks ?? 30
  return fc
    .record({
      executorKinds: fc.array(fc.constantFrom<ExecutorKind>('cpu', 'gpu', 'link'), {
        minLength: 1,
        maxLength: 4,
      }),
      priority: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      tasks: fc.array(
        fc.record({
          executor: fc.nat(),
          durationS: fc.integer({ min: 0, max: 20 }),
          gapS: fc.integer({ min: 0, max: 3 }),
          releaseS: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 })),
          waitsOn: fc.array(fc.nat(), { maxLength: options.dynamicWaits === true ? 2 : 0 }),
        }),
        { maxLength: maxTasks },
      ),
      deps: fc.array(
        fc.record({
          a: fc.nat(),
          b: fc.nat(),
          lagS: fc.integer({ min: 0, max: 5 }),
          fromStart: fc.boolean(),
          kind: fc.constantFrom<DependencyKind>('launch', 'sync', 'data', 'communication'),
        }),
        { maxLength: maxTasks * 2 },
      ),
    })
    .map(({ executorKinds, priority, tasks, deps }) => {
      const e = executorKinds.length
      const n = tasks.length
      return {
        executors: executorKinds.map((kind, i) =>
          options.priorityExecutors === true && priority[i] === true
            ? { name: `${kind}${i}`, kind, policy: 'priority' as const }
            : { name: `${kind}${i}`, kind },
        ),
        tasks: tasks.map((t) => ({
          executor: t.executor % e,
          durationS: t.durationS,
          gapS: t.gapS,
          releaseS: t.releaseS,
          ...(t.waitsOn.length > 0 ? { waitsOn: t.waitsOn.map((x) => x % e) } : {}),
        })),
        dependencies:
          n < 2
            ? []
            : deps
                .map((d) => {
                  const x = d.a % n
                  const y = d.b % n
                  return {
                    from: Math.min(x, y),
                    to: Math.max(x, y),
                    lagS: d.lagS,
                    fromStart: d.fromStart,
                    kind: d.kind,
                  }
                })
                .filter((d) => d.from !== d.to),
      }
    })
}
