// Streaming ingestion benchmark of @dnnperf/trace-sim: writes a synthetic Kineto trace of at least 1 GB (default
// 1,100 MB of JSON text) to a temp file with a streamed write, parses it with `loadTraceFile`, deletes the file
// and prints one JSON object with the parse rate (MB of JSON text per second) and the process's peak RSS.
// Build first:
//   npx nx run @dnnperf/trace-sim:build && node tools/bench/trace-sim-stream.mjs [megabytes] [--gzip]
// With --gzip the file is gzip-compressed on the fly (the MB/s figure still counts uncompressed text).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { createGzip } from 'node:zlib'
import { loadTraceFile } from '@dnnperf/trace-sim'

const targetMB = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1100)
const gzip = process.argv.includes('--gzip')
const dir = mkdtempSync(join(tmpdir(), 'trace-sim-stream-'))
const file = join(dir, gzip ? 'big.pt.trace.json.gz' : 'big.pt.trace.json')

/** One operator as Kineto writes it: cpu_op, launch, kernel and their flow pair, with the usual args. */
function group(k, tsUs) {
  const ext = k + 1
  const corr = 1_000_000 + k
  const cpu = { pid: 4242, tid: 4242 }
  const kernelName =
    k % 3 === 0
      ? 'void cutlass::Kernel2<cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4>(cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4::Params)'
      : 'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)'
  return [
    {
      ph: 'X',
      cat: 'cpu_op',
      name: k % 3 === 0 ? 'aten::addmm' : 'aten::add',
      ...cpu,
      ts: tsUs,
      dur: 18.5,
      args: {
        'External id': ext,
        'Record function id': 0,
        'Ev Idx': k,
        'Sequence number': k,
        'Fwd thread id': 0,
        'Input Dims': [[1024, 1024], [512, 1024], [1024, 512], [], []],
        'Input type': ['float', 'float', 'float', 'Scalar', 'Scalar'],
        'Input Strides': [[1024, 1], [1024, 1], [1, 1024], [], []],
        'Concrete Inputs': ['', '', '', '1', '1'],
      },
    },
    {
      ph: 'X',
      cat: 'cuda_runtime',
      name: 'cudaLaunchKernel',
      ...cpu,
      ts: tsUs + 4,
      dur: 6.25,
      args: { 'External id': ext, cbid: 211, correlation: corr },
    },
    {
      ph: 'X',
      cat: 'kernel',
      name: kernelName,
      pid: 0,
      tid: 7,
      ts: tsUs + 12,
      dur: 15.75,
      args: {
        'External id': ext,
        queued: 0,
        device: 0,
        context: 1,
        stream: 7,
        correlation: corr,
        'registers per thread': 232,
        'shared memory': 73728,
        'blocks per SM': 1.5,
        'warps per SM': 12,
        grid: [4, 8, 1],
        block: [256, 1, 1],
        'est. achieved occupancy %': 19,
      },
    },
    { ph: 's', id: corr, pid: 4242, tid: 4242, ts: tsUs + 4, cat: 'ac2g', name: 'ac2g' },
    { ph: 'f', id: corr, pid: 0, tid: 7, ts: tsUs + 12, cat: 'ac2g', name: 'ac2g', bp: 'e' },
  ]
}

async function generate() {
  const out = createWriteStream(gzip ? `${file}.tmp` : file, { highWaterMark: 1 << 20 })
  const sink = gzip ? createGzip({ level: 1 }) : out
  if (gzip) sink.pipe(out)
  let written = 0
  const write = async (s) => {
    written += Buffer.byteLength(s)
    if (!sink.write(s)) await once(sink, 'drain')
  }
  await write(
    '{\n  "schemaVersion": 1,\n  "deviceProperties": [{"id": 0, "name": "NVIDIA A100-SXM4-80GB", "totalGlobalMem": 85031714816, "computeMajor": 8, "computeMinor": 0, "numSms": 108}],\n  "distributedInfo": {"backend": "nccl", "rank": 0, "world_size": 1},\n  "traceEvents": [\n',
  )
  let k = 0
  let ts = 1_000_000
  const perStep = 2000
  let first = true
  while (written < targetMB * 1e6) {
    let batch = ''
    if (k % perStep === 0) {
      const stepEvent = {
        ph: 'X',
        cat: 'user_annotation',
        name: `ProfilerStep#${k / perStep}`,
        pid: 4242,
        tid: 4242,
        ts,
        dur: perStep * 25 - 1,
        args: { 'External id': 0 },
      }
      batch += `${first ? '' : ',\n'}  ${JSON.stringify(stepEvent)}`
      first = false
    }
    for (let j = 0; j < 200; j++, k++, ts += 25) {
      for (const e of group(k, ts)) {
        batch += `${first ? '' : ',\n'}  ${JSON.stringify(e)}`
        first = false
      }
    }
    await write(batch)
  }
  await write('\n  ],\n  "traceName": "synthetic"\n}\n')
  sink.end()
  await once(out, 'close')
  if (gzip) {
    const { renameSync } = await import('node:fs')
    renameSync(`${file}.tmp`, file)
  }
  return { textBytes: written, groups: k }
}

try {
  const g0 = performance.now()
  const { textBytes, groups } = await generate()
  const generateSeconds = (performance.now() - g0) / 1e3
  const rssBeforeParseBytes = process.memoryUsage().rss
  const t0 = performance.now()
  const trace = await loadTraceFile(file)
  const parseSeconds = (performance.now() - t0) / 1e3
  const heapUsedAfterBytes = process.memoryUsage().heapUsed
  console.log(
    JSON.stringify(
      {
        gzip,
        fileBytes: statSync(file).size,
        textBytes,
        rawEvents: groups * 5 + Math.ceil(groups / 2000),
        keptEvents: trace.events.length,
        steps: trace.steps.length,
        warnings: trace.warnings.map((w) => w.code),
        generateSeconds,
        parseSeconds,
        parseMBPerS: textBytes / 1e6 / parseSeconds,
        rssBeforeParseBytes,
        heapUsedAfterParseBytes: heapUsedAfterBytes,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      },
      null,
      2,
    ),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
