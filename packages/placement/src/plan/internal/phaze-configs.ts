/**
 * Reading a node configuration in Piper's terms for the downset DP: Piper TMPCs as they are, PHAZE per-width
 * records (phaze reference §6.1, §6.4) mapped onto them.
 */

import { InvalidValueError } from '@dnnperf/ir'
import type { PlacementProblem, TensorParallelConfig } from '@dnnperf/ir'

/** The PHAZE training options a record's mapping depends on. */
export interface PhazeTraining {
  /** `activationRecomputation`: offer a recomputing configuration beside the stashing one. */
  readonly recompute: boolean
  /** `optimizerAlgorithm` is Adam: one more P of optimizer state (PHAZE's memory rule). */
  readonly adam: boolean
}

/**
 * The PHAZE training options of a problem: `training.optimizer` `SGD` (PHAZE's default when absent) or `Adam`
 * (case-insensitive), `training.activationRecomputation` (default false).
 * @throws InvalidValueError naming `training.optimizer` for another optimizer.
 */
export function phazeTraining(problem: PlacementProblem): PhazeTraining {
  const opt = problem.training?.optimizer
  const name = opt?.toLowerCase()
  if (name !== undefined && name !== 'sgd' && name !== 'adam') {
    throw new InvalidValueError({
      at: 'planDownsetDp problem',
      field: 'training.optimizer',
      value: opt,
      expected: 'SGD or Adam (PHAZE optimizerAlgorithm)',
    })
  }
  return { recompute: problem.training?.activationRecomputation ?? false, adam: name === 'adam' }
}

const PIPER_FIELDS = [
  'timePerSampleS',
  'parameterBytes',
  'memoryBytesPerMicrobatch',
  'memoryBytesFixed',
] as const
const PHAZE_FIELDS = ['forwardS', 'backwardS', 'parameterBytes', 'activationBytes'] as const

function check(
  at: string,
  c: TensorParallelConfig,
  fields: readonly (keyof TensorParallelConfig)[],
  expected: string,
): void {
  for (const f of fields) {
    const x = c[f]
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      throw new InvalidValueError({ at, field: f, value: x, expected })
    }
  }
}

/**
 * One configuration as the DP's Piper configurations (`training` is called only for a PHAZE record). A configuration with `timePerSampleS` is a Piper TMPC and is
 * returned as is. One without it is a PHAZE record (F = `forwardS`, B = `backwardS` per microbatch, P =
 * `parameterBytes`, A = `activationBytes`) and becomes, with the microbatch as Piper's "sample":
 * - `vanilla`: time F + B, w = P, memory A per microbatch in flight + (2 + [Adam])·P (weights, gradients and
 *   PHAZE's one Adam state; phaze reference §6.4);
 * - with `activationRecomputation`, also `activation recomp`: time 2F + B (the forward runs again), memory
 *   `stashBytes` (the node's in-edge bytes at this width) per microbatch + (2 + [Adam])·P + A.
 * Summed over a stage, the first is PHAZE's 2P + [Adam]·P + A(S) + (s − 1)·A(S) with y = s in flight; the second
 * is conservative against PHAZE's 2P + [Adam]·P + A(S) + (s − 1)·stash(S), stash(S) = the stage's boundary
 * in-edge bytes: here every node stashes its in-edges, also those from inside the stage, for y rather than y − 1
 * microbatches. PHAZE recomputes on every stage but the last; here each stage picks per node (Piper's knapsack).
 * Exact for the stashing configuration, heuristic for the recomputing one. O(1).
 * @throws InvalidValueError naming the field when a Piper or PHAZE field is missing or negative.
 */
export function asPiperConfigs(
  at: string,
  c: TensorParallelConfig,
  training: () => PhazeTraining,
  stashBytes: number,
): TensorParallelConfig[] {
  if (c.timePerSampleS !== undefined || (c.forwardS === undefined && c.backwardS === undefined)) {
    check(
      at,
      c,
      PIPER_FIELDS,
      'a finite number ≥ 0 (a Piper field; a PHAZE record gives forwardS and backwardS)',
    )
    return [c]
  }
  check(at, c, PHAZE_FIELDS, 'a finite number ≥ 0 (a PHAZE record field)')
  const { adam, recompute } = training()
  const f = c.forwardS!
  const b = c.backwardS!
  const p = c.parameterBytes!
  const a = c.activationBytes!
  const states = (2 + (adam ? 1 : 0)) * p
  const vanilla: TensorParallelConfig = {
    id: c.id ?? 'vanilla',
    timePerSampleS: f + b,
    parameterBytes: p,
    memoryBytesPerMicrobatch: a,
    memoryBytesFixed: states,
  }
  if (!recompute) return [vanilla]
  return [
    vanilla,
    {
      id: 'activation recomp',
      timePerSampleS: 2 * f + b,
      parameterBytes: p,
      memoryBytesPerMicrobatch: stashBytes,
      memoryBytesFixed: states + a,
    },
  ]
}
