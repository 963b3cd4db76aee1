import type { PipelineScheduleKind } from './types.js'

/**
 * Bubble share of the total pipeline time on uniform stages: (p−1)/(v·m + p−1) for GPipe and 1F1B (v = 1) and
 * for interleaved 1F1B with v chunks per device; 0 for PipeDream-2BW, which never flushes (steady state).
 * This is bubble / total, not SC21's bubble / ideal (p−1)/(v·m): the two convert as f/(1−f).
 * Source: Narayanan et al. SC21 §2.2. Exact for uniform stages. O(1).
 */
export function bubbleFraction(schedule: PipelineScheduleKind, p: number, m: number, v = 1): number {
  if (schedule === '2bw' || p <= 1) return 0
  const chunks = schedule === 'interleaved' ? v : 1
  return (p - 1) / (chunks * m + p - 1)
}

/**
 * Pipeline time of one iteration (one batch of m microbatches) from each device's time per microbatch
 * (forward + backward of all its chunks), s: m·max_j T_j + (Σ_j T_j − max_j T_j)/v for GPipe, 1F1B and
 * interleaved; m·max_j T_j for 2BW (no flush, steady state). On uniform stages this is (m + (p−1)/v)·T
 * (SC21 §2.2.1–2.2.2); on non-uniform stages it is the usual approximation Σ T_j + (m−1)·max T_j. Against an
 * event simulation of 1F1B (schedule.sim.test.ts) it is never below the simulated time and at most 2.6 % above
 * it when stages differ by ≤ 10 %, and within ±25 % for arbitrary imbalance. Exact for uniform stages, heuristic otherwise. O(p).
 */
export function pipelineTimeS(
  schedule: PipelineScheduleKind,
  perMicrobatchS: readonly number[],
  m: number,
  v = 1,
): { totalS: number; steadyS: number; bubbleS: number; criticalDevice: number } {
  let max = 0
  let arg = 0
  let sum = 0
  perMicrobatchS.forEach((x, j) => {
    sum += x
    if (x > max) {
      max = x
      arg = j
    }
  })
  const steadyS = m * max
  const bubbleS = schedule === '2bw' ? 0 : (sum - max) / (schedule === 'interleaved' ? v : 1)
  return { totalS: steadyS + bubbleS, steadyS, bubbleS, criticalDevice: arg }
}

/**
 * Microbatches whose activations stage `stage` (0-based) holds at its peak, in units of one microbatch through
 * the whole stage: GPipe m; 1F1B and 2BW min(p − stage, m); interleaved (W + 1)/v chunk-microbatches capped at m,
 * with W = 2(p − stage − 1) + (v − 1)·p warm-up chunk-microbatches, i.e. p + (p−1)/v on the first stage.
 * Source: Megatron/PipeDream-2BW schedules.py warm-up counts; Korthikanti et al. §4.2.3. Exact for the
 * schedule. O(1).
 */
export function inFlightMicrobatches(
  schedule: PipelineScheduleKind,
  p: number,
  m: number,
  stage: number,
  v = 1,
): number {
  switch (schedule) {
    case 'gpipe':
      return m
    case '1f1b':
    case '2bw':
      return Math.min(p - stage, m)
    case 'interleaved': {
      const warmup = 2 * (p - stage - 1) + (v - 1) * p
      return Math.min((warmup + 1) / v, m)
    }
  }
}

/** Weight versions each stage keeps: 2 for PipeDream-2BW (current and shadow), 1 for flushing schedules. */
export function weightVersions(schedule: PipelineScheduleKind): number {
  return schedule === '2bw' ? 2 : 1
}
