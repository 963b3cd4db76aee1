/**
 * A small, hand-checkable Kineto trace for tests (current schema, µs with ns decimals). Timeline (µs):
 * ProfilerStep#3 on thread 10 spans 0..100. Launches: gemm (corr 1) at 10..15 → kernel 20..60 on stream 7;
 * relu (corr 2) at 20..25 → kernel 60..70 (queued behind gemm); cudaStreamSynchronize (corr 3) at 30..75 with a
 * Stream Sync on stream 7. Then CPU work until the step ends at 100.
 */
export function smallTrace(): { traceEvents: Record<string, unknown>[]; schemaVersion: number } {
  const cpu = { pid: 1, tid: 10 }
  return {
    schemaVersion: 1,
    traceEvents: [
      { ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#3', ...cpu, ts: 1000, dur: 100 },
      { ph: 'X', cat: 'python_function', name: 'nn.Module: Linear_0', ...cpu, ts: 1005, dur: 25 },
      { ph: 'X', cat: 'cpu_op', name: 'aten::linear', ...cpu, ts: 1008, dur: 19, args: { 'External id': 5 } },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaLaunchKernel',
        ...cpu,
        ts: 1010,
        dur: 5,
        args: { correlation: 1, cbid: 211 },
      },
      {
        ph: 'X',
        cat: 'kernel',
        name: 'sm80_xmma_gemm_f32',
        pid: 0,
        tid: 7,
        ts: 1020,
        dur: 40,
        args: { correlation: 1, stream: 7, device: 0 },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaLaunchKernel',
        ...cpu,
        ts: 1020,
        dur: 5,
        args: { correlation: 2, cbid: 211 },
      },
      {
        ph: 'X',
        cat: 'kernel',
        name: 'vectorized_elementwise_relu',
        pid: 0,
        tid: 7,
        ts: 1060,
        dur: 10,
        args: { correlation: 2, stream: 7, device: 0 },
      },
      {
        ph: 'X',
        cat: 'cuda_runtime',
        name: 'cudaStreamSynchronize',
        ...cpu,
        ts: 1030,
        dur: 45,
        args: { correlation: 3, cbid: 131 },
      },
      {
        ph: 'X',
        cat: 'cuda_sync',
        name: 'Stream Sync',
        pid: 0,
        tid: 1000007,
        ts: 1030,
        dur: 45,
        args: { correlation: 3, stream: 7, device: 0, cuda_sync_kind: 'Stream Sync' },
      },
      { ph: 's', cat: 'ac2g', name: 'ac2g', id: 1, ...cpu, ts: 1010 },
      { ph: 'f', cat: 'ac2g', name: 'ac2g', id: 1, pid: 0, tid: 7, ts: 1020, bp: 'e' },
      { ph: 'M', name: 'thread_name', pid: 0, tid: 7, args: { name: 'stream 7 ' } },
    ],
  }
}
