// Max-load DP (Tarnawski et al. 2020) time and peak memory on the public dnn-partitioning throughput instances.
// Usage: npx nx run @dnnperf/placement:build && node tools/bench/placement-dp.mjs [--time-limit S] [--filter SUBSTR]
// Each instance runs in its own child process (so peak RSS is per instance) and is killed after the time
// limit (default 600 s). Prints one JSON object.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const dataDir = resolve(
  import.meta.dirname,
  '../../../shared/data/placement/dnn-partitioning/throughput-inputs',
)
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : fallback
}

if (process.argv[2] === '--child') {
  const { importDnnPartitioning } = await import('@dnnperf/ir')
  const { placeMaxLoadDp } = await import('@dnnperf/placement')
  const file = process.argv[3]
  const problem = importDnnPartitioning(readFileSync(file, 'utf8'))
  const t0 = process.hrtime.bigint()
  const row = {}
  try {
    const r = placeMaxLoadDp(problem, { idealLimit: Number(arg('--ideal-limit', 5_000_000)) })
    Object.assign(row, {
      status: r.status,
      objective: r.objective,
      idealCount: r.idealCount,
      deviceCount: r.devices.length,
    })
  } catch (err) {
    row.error = err?.code ?? String(err)
  }
  row.timeS = Number(process.hrtime.bigint() - t0) / 1e9
  row.heapUsedBytes = process.memoryUsage().heapUsed
  row.maxRssBytes = process.resourceUsage().maxRSS * 1024
  console.log(JSON.stringify(row))
  process.exit(0)
}

if (!existsSync(dataDir)) {
  console.log(JSON.stringify({ skipped: `no public data at ${dataDir}` }))
  process.exit(0)
}
const timeLimitS = Number(arg('--time-limit', 600))
const filter = arg('--filter', '')
const files = readdirSync(dataDir, { recursive: true })
  .filter((f) => String(f).endsWith('.json') && String(f).includes(filter))
  .map((f) => join(dataDir, String(f)))
  .sort()
const instances = []
for (const file of files) {
  const t0 = Date.now()
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=20000', import.meta.filename, '--child', file, ...process.argv.slice(2)],
    { encoding: 'utf8', timeout: timeLimitS * 1000, maxBuffer: 1 << 24 },
  )
  const name = relative(dataDir, file)
  const line = child.stdout?.trim().split('\n').pop()
  if (child.error?.code === 'ETIMEDOUT' || child.signal === 'SIGTERM') {
    instances.push({ instance: name, error: 'TIME_LIMIT', timeS: (Date.now() - t0) / 1000 })
  } else if (child.status !== 0 || !line) {
    instances.push({ instance: name, error: `exit ${child.status}`, stderr: child.stderr?.slice(-500) })
  } else instances.push({ instance: name, ...JSON.parse(line) })
  console.error(JSON.stringify(instances.at(-1)))
}
console.log(
  JSON.stringify({ benchmark: 'placement-dp', node: process.version, timeLimitS, instances }, null, 2),
)
