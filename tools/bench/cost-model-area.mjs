// Benchmark: PHAZE area model over every configuration of PHAZE's cores.json (29,360 designs), with the
// relative error against the file. Usage: node tools/bench/cost-model-area.mjs
// (after `npx nx run @dnnperf/cost-model:build`). Prints one JSON object; skips when ../shared/data is absent.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { phazeArea } from '@dnnperf/cost-model'

const here = dirname(fileURLToPath(import.meta.url))
const coresPath = resolve(here, '../../../shared/data/hardware/phaze/cores.json')
if (!existsSync(coresPath)) {
  console.log(JSON.stringify({ benchmark: 'cost-model-area', skipped: `${coresPath} not found` }))
  process.exit(0)
}
const rows = JSON.parse(readFileSync(coresPath, 'utf8'))
const designs = rows.map((r) => ({
  numTensorCores: r.num_tc,
  numVectorCores: r.num_vc,
  width: r.width,
  depth: r.depth,
  vectorWidth: r.width_vc,
  glbBytes: r.GLB_Buffer,
}))

const REPS = 20
const timesS = []
let areas = []
for (let rep = 0; rep < REPS; rep++) {
  const t0 = performance.now()
  areas = designs.map((d) => phazeArea(d).areaUm2)
  timesS.push((performance.now() - t0) / 1e3)
}
timesS.sort((a, b) => a - b)
const errs = areas.map((a, i) => Math.abs(a - rows[i].area) / rows[i].area).sort((a, b) => a - b)
const q = (p) => errs[Math.min(errs.length - 1, Math.floor(errs.length * p))]
console.log(
  JSON.stringify({
    benchmark: 'cost-model-area',
    configs: rows.length,
    reps: REPS,
    allConfigsMedianS: timesS[Math.floor(REPS / 2)],
    allConfigsMinS: timesS[0],
    perConfigMedianUs: (timesS[Math.floor(REPS / 2)] / rows.length) * 1e6,
    medianRelErr: q(0.5),
    p99RelErr: q(0.99),
    maxRelErr: errs[errs.length - 1],
  }),
)
