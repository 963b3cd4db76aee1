import type { Command } from 'commander'
import type {
  DownsetDpResult,
  PlanEvaluation,
  PlanInput,
  PlanSearchResult,
  RecomputeMode,
  TransformerShape,
} from '@dnnperf/placement'
import {
  evaluatePlan,
  formatSchedule,
  simulatePlan,
  layerGraphProblem,
  parseSchedule,
  planDownsetDp,
  planPipeDream2bw,
  resolvePlanCluster,
  searchPlans,
  transformerShapeFromMetadata,
} from '@dnnperf/placement'
import { writeFileSync } from 'node:fs'
import { InvalidValueError } from '@dnnperf/ir'
import { ganttSvg } from '@dnnperf/viz'
import { buildModel } from '@dnnperf/models'
import { readJsonFile } from '../files.js'
import { bytes, integer, keyValues, si, table } from '../format.js'
import type { CliIo } from '../io.js'
import { emit } from '../io.js'
import { positiveInt } from '../options.js'

interface PlanFlags {
  model: string
  cluster: string
  gpus: string
  globalBatch: string
  seq?: string
  json?: boolean
}
interface EvaluateFlags extends PlanFlags {
  tp: string
  pp: string
  dp?: string
  microbatch?: string
  schedule?: string
  recompute?: string
  sequenceParallel?: boolean
  zero?: string
  simulate?: boolean
  gantt?: string
}

/** What `plan evaluate --simulate` adds: the plan lowered to a task graph and run on the discrete-event engine. */
export interface PlanSimulationSummary {
  readonly iterationTimeS: number
  readonly makespanS: number
  readonly taskCount: number
  readonly deviceBusyS: readonly number[]
  /** simulated / closed-form iteration time − 1. */
  readonly differenceFromClosedForm: number
}
interface SearchFlags extends PlanFlags {
  planner: string
  top: string
  microbatch?: string
  tp?: string
}

const PLANNERS = ['exhaustive', '2bw', 'dp'] as const

function need(flag: string, raw: string | undefined): number {
  const v = positiveInt(flag, raw)
  if (v === undefined)
    throw new InvalidValueError({
      at: 'command line',
      field: flag,
      value: undefined,
      expected: 'a positive integer',
    })
  return v
}

/** `--model`: a zoo transformer by name, or a Hugging Face config.json, as the evaluator's transformer shape. */
export function modelShape(model: string, seq: number | undefined): TransformerShape {
  const overrides = seq !== undefined ? { seq } : {}
  if (model.endsWith('.json')) {
    const json = readJsonFile(model) as Record<string, never>
    return { name: model, ...transformerShapeFromMetadata(json, overrides) }
  }
  const graph = buildModel(model, seq !== undefined ? { seqLen: seq } : {})
  return { ...transformerShapeFromMetadata(graph.metadata, overrides), name: model }
}

/** `--cluster`: a preset name or a JSON file (device, devicesPerNode, intra/inter-node bandwidth). */
function cluster(arg: string) {
  return resolvePlanCluster(
    arg.endsWith('.json') ? (readJsonFile(arg) as Parameters<typeof resolvePlanCluster>[0]) : arg,
  )
}

function recomputeFlag(raw: string | undefined): RecomputeMode | undefined {
  if (raw === undefined) return undefined
  if (raw !== 'none' && raw !== 'selective' && raw !== 'full') {
    throw new InvalidValueError({
      at: 'command line',
      field: '--recompute',
      value: raw,
      expected: 'none, selective or full',
    })
  }
  return raw
}

function renderEvaluation(e: PlanEvaluation): string {
  const b = e.breakdownS
  const m = e.memoryPerDeviceBytes
  const p = e.plan
  return [
    keyValues([
      ['model', `${e.model} (${si(e.parameters)} parameters)`],
      ['cluster', e.cluster],
      [
        'plan',
        `tp ${p.tensorParallel} × pp ${p.pipelineParallel} × dp ${p.dataParallel} = ${p.gpus} GPUs; microbatch ${p.microbatchSize} × ${p.microbatches}; ${formatSchedule(p)}; recompute ${p.recompute}${p.sequenceParallel ? '; sequence parallel' : ''}; ZeRO-${p.zeroStage}`,
      ],
      ['iteration', si(e.iterationTimeS, 's')],
      ['throughput', `${si(e.throughputSamplesPerS)} samples/s, ${si(e.throughputTokensPerS)} tokens/s`],
      ['MFU', `${(100 * e.mfu).toFixed(1)} %`],
      [
        'memory per device',
        `${bytes(m.total)} of ${bytes(e.deviceMemoryBytes)}: ${e.fits ? 'fits' : 'does NOT fit'}`,
      ],
    ]),
    '',
    table(
      ['time', 'seconds', 'share'],
      (Object.entries(b) as [string, number][]).map(([k, v]) => [
        k,
        si(v, 's'),
        `${((100 * v) / e.iterationTimeS).toFixed(1)} %`,
      ]),
    ),
    '',
    table(
      ['memory', 'per device'],
      (Object.entries(m) as [string, number][]).map(([k, v]) => [k, bytes(v)]),
    ),
  ].join('\n')
}

function renderDownsetDp(r: DownsetDpResult): string {
  const head = `status ${r.status}; bottleneck ${si(r.objectiveS ?? Number.NaN, 's')} per microbatch (time per sample in Piper's terms); ${r.devicesUsed} devices used, ${r.downsets} downsets, ${r.pairs} pairs; ${si(r.timeS, 's')}`
  if (r.status !== 'optimal') return `${head}\nno split fits memory.`
  // powers of two and the full budget keep the line short on thousands of devices
  const last = r.optimumByDeviceBudget.length
  const budgets = r.optimumByDeviceBudget.filter(
    (b) => b.objectiveS !== null && ((b.devices & (b.devices - 1)) === 0 || b.devices === last),
  )
  const scaling = `best with at most N devices: ${budgets.map((b) => `${b.devices} → ${si(b.objectiveS!, 's')}`).join(', ')}`
  const rows = r.stages.map((st, i) => [
    String(i),
    st.nodes.length === 1
      ? st.nodes[0]!
      : `${st.nodes[0]} … ${st.nodes[st.nodes.length - 1]} (${st.nodes.length})`,
    `${st.tensorParallel}×${st.dataParallel}`,
    [...new Set(st.configIds)].join(', '),
    si(st.timePerSampleS, 's'),
    bytes(st.memoryBytes),
    String(st.inFlightMicrobatches),
  ])
  return [
    head,
    scaling,
    '',
    table(['stage', 'layers', 'tp×dp', 'configuration', 'time/sample', 'memory', 'in flight'], rows),
  ].join('\n')
}

export function registerPlan(program: Command, io: CliIo): void {
  const plan = program
    .command('plan')
    .description('3D-parallel training plans: evaluate one, or search for the best')
  const common = (c: Command) =>
    c
      .requiredOption('--model <name|hf-config.json>', 'a zoo transformer or a Hugging Face config.json')
      .requiredOption('--cluster <preset|file.json>', 'cluster preset (see README) or a JSON file')
      .requiredOption('--gpus <n>', 'devices')
      .requiredOption('--global-batch <n>', 'sequences per iteration')
      .option('--seq <n>', 'sequence length (default: the model’s)')
      .option('--json', 'print the result as JSON')

  common(
    plan.command('evaluate').description('iteration time, breakdown, throughput, MFU and memory of one plan'),
  )
    .requiredOption('--tp <n>', 'tensor-parallel degree')
    .requiredOption('--pp <n>', 'pipeline-parallel degree')
    .option('--dp <n>', 'data-parallel degree (default gpus / (tp·pp))')
    .option('--microbatch <n>', 'microbatch size in sequences', '1')
    .option('--schedule <s>', '1f1b | gpipe | interleaved:V | 2bw', '1f1b')
    .option('--recompute <mode>', 'none | selective | full', 'none')
    .option('--sequence-parallel', 'Megatron sequence parallelism over the tensor-parallel ranks')
    .option('--zero <stage>', 'ZeRO stage 0-3', '0')
    .option(
      '--simulate',
      'also lower the plan to a task graph and simulate it (adds `simulation` to the JSON)',
    )
    .option('--gantt <out.svg>', 'write the simulated iteration as a Gantt chart (implies --simulate)')
    .action((o: EvaluateFlags) => {
      const seq = positiveInt('--seq', o.seq)
      const { schedule, chunksPerDevice } = parseSchedule(o.schedule ?? '1f1b')
      const zero = Number(o.zero ?? '0')
      if (![0, 1, 2, 3].includes(zero))
        throw new InvalidValueError({
          at: 'command line',
          field: '--zero',
          value: o.zero,
          expected: '0, 1, 2 or 3',
        })
      const dp = positiveInt('--dp', o.dp)
      const recompute = recomputeFlag(o.recompute)
      const input: PlanInput = {
        gpus: need('--gpus', o.gpus),
        globalBatch: need('--global-batch', o.globalBatch),
        tensorParallel: need('--tp', o.tp),
        pipelineParallel: need('--pp', o.pp),
        microbatchSize: need('--microbatch', o.microbatch ?? '1'),
        schedule,
        chunksPerDevice,
        sequenceParallel: o.sequenceParallel === true,
        zeroStage: zero as 0 | 1 | 2 | 3,
        ...(dp !== undefined ? { dataParallel: dp } : {}),
        ...(recompute !== undefined ? { recompute } : {}),
      }
      const shape = modelShape(o.model, seq)
      const c = cluster(o.cluster)
      const e = evaluatePlan(shape, c, input)
      if (o.simulate !== true && o.gantt === undefined) {
        emit(io, o.json === true, e, () => renderEvaluation(e))
        return
      }
      const sim = simulatePlan(shape, c, input)
      const simulation: PlanSimulationSummary = {
        iterationTimeS: sim.iterationTimeS,
        makespanS: sim.makespanS,
        taskCount: sim.taskCount,
        deviceBusyS: sim.deviceBusyS,
        differenceFromClosedForm: sim.iterationTimeS / e.iterationTimeS - 1,
      }
      if (o.gantt !== undefined) {
        const items = sim.timeline
        writeFileSync(
          o.gantt,
          ganttSvg({
            title: `${e.model}: simulated iteration, ${formatSchedule(e.plan)}, ${e.plan.microbatches} microbatches`,
            lanes: [...new Set(items.map((t) => t.executor))],
            items: items.map((t) => ({
              lane: t.executor,
              startS: t.startS,
              endS: t.endS,
              label: `${t.role} mb ${t.microbatch}`,
              category: t.role,
            })),
          }),
        )
      }
      emit(io, o.json === true, { ...e, simulation }, () =>
        [
          renderEvaluation(e),
          '',
          keyValues([
            [
              'simulated',
              `${si(simulation.iterationTimeS, 's')} per iteration (${integer(simulation.taskCount)} tasks; ${(100 * simulation.differenceFromClosedForm).toFixed(2)} % from the closed form)`,
            ],
            ...(o.gantt !== undefined ? [['gantt', o.gantt] as [string, string]] : []),
          ]),
        ].join('\n'),
      )
    })

  common(
    plan
      .command('search')
      .description('the fastest plan that fits, with runners-up and how much of the space was proved'),
  )
    .option(
      '--planner <name>',
      'exhaustive (degrees × microbatch × schedule × recompute) | 2bw (PipeDream-2BW: width, depth, microbatch, recompute) | dp (Piper/PHAZE downset DP: stage boundaries with tp and dp per stage)',
      'exhaustive',
    )
    .option('--top <k>', 'plans to return (best plus runners-up)', '5')
    .option(
      '--microbatch <n>',
      'dp and 2bw planners: microbatch size (2bw default: tries 1-32; dp default 1)',
    )
    .option('--tp <n>', '2bw planner: tensor-parallel degree inside each stage (default 1)')
    .action((o: SearchFlags) => {
      if (!(PLANNERS as readonly string[]).includes(o.planner)) {
        throw new InvalidValueError({
          at: 'command line',
          field: '--planner',
          value: o.planner,
          expected: PLANNERS.join(', '),
        })
      }
      const shape = modelShape(o.model, positiveInt('--seq', o.seq))
      const gpus = need('--gpus', o.gpus)
      const globalBatch = need('--global-batch', o.globalBatch)
      const microbatchSize = positiveInt('--microbatch', o.microbatch)
      if (o.planner === 'dp') {
        const problem = layerGraphProblem(shape, cluster(o.cluster), {
          gpus,
          globalBatch,
          ...(microbatchSize !== undefined ? { microbatchSize } : {}),
        })
        const r = planDownsetDp(problem)
        emit(io, o.json === true, r, () => renderDownsetDp(r))
        return
      }
      const tensorParallel = positiveInt('--tp', o.tp)
      const r: PlanSearchResult =
        o.planner === '2bw'
          ? planPipeDream2bw(shape, cluster(o.cluster), {
              gpus,
              globalBatch,
              top: need('--top', o.top),
              ...(microbatchSize !== undefined ? { microbatchSizes: [microbatchSize] } : {}),
              ...(tensorParallel !== undefined ? { tensorParallel } : {}),
            })
          : searchPlans(shape, cluster(o.cluster), {
              gpus,
              globalBatch,
              top: need('--top', o.top),
            })
      emit(io, o.json === true, r, () => {
        const stats = `${r.candidates} candidates: ${r.invalid} invalid, ${r.prunedByMemory} over memory (bound), ${r.prunedByBound} pruned by the time bound, ${r.evaluated} evaluated (${r.evaluatedNotFitting} over memory); ${si(r.timeS, 's')}`
        if (r.best === null) return `no plan fits.\n${stats}`
        const rows = [r.best, ...r.runnersUp].map((e, i) => [
          String(i + 1),
          `${e.plan.tensorParallel}×${e.plan.pipelineParallel}×${e.plan.dataParallel}`,
          `${e.plan.microbatchSize}×${e.plan.microbatches}`,
          formatSchedule(e.plan),
          e.plan.recompute + (e.plan.sequenceParallel ? '+sp' : ''),
          `ZeRO-${e.plan.zeroStage}`,
          si(e.iterationTimeS, 's'),
          `${(100 * e.mfu).toFixed(1)} %`,
          bytes(e.memoryPerDeviceBytes.total),
        ])
        return [
          `status ${r.status}; best ${si(r.objectiveS ?? Number.NaN, 's')} per iteration; lower bound ${si(r.lowerBoundS ?? Number.NaN, 's')}`,
          stats,
          '',
          table(
            ['#', 'tp×pp×dp', 'microbatch', 'schedule', 'recompute', 'ZeRO', 'iteration', 'MFU', 'memory'],
            rows,
          ),
          ...(r.runnersUpExplained.length > 0 ? ['', 'why the others lost:'] : []),
          ...r.runnersUpExplained.map((c) => `  #${c.rank}: ${c.reason}`),
        ].join('\n')
      })
    })
}
