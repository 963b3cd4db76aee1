import type { Phase, TaskClass, TraceEvent } from './types.js'

// Launch APIs that put work on a GPU stream (reference 2.8); anything else that correlates with GPU work is
// treated as a launch too, so an unknown API never produces orphans.
const BLOCKING_DEVICE = /^(cuda|hip)DeviceSynchronize$|^cuCtxSynchronize$|^(cuda|hip)ThreadSynchronize$/
const BLOCKING_STREAM = /^(cuda|hip)StreamSynchronize$|^cuStreamSynchronize$/
const BLOCKING_EVENT = /^(cuda|hip)EventSynchronize$|^cuEventSynchronize$/
const BLOCKING_COPY =
  /^(cuda|hip)Memcpy(2D|3D|ToSymbol|FromSymbol|DtoH|HtoD)?$|^hipMemcpyWithStream$|^cuMemcpy(DtoH|HtoD)(_v2)?$/
const ASYNC_COPY = /^(cuda|hip)Memcpy\w*Async$|^cuMemcpy\w*Async(_v2)?$/

/** How a runtime call blocks the calling thread. */
export type BlockingKind = 'device' | 'stream' | 'event' | 'copy' | 'none'

/** Blocking behaviour of a runtime call by API name (CUDA-SYNC; `cudaEventQuery` polls and never blocks). */
export function blockingKindOf(name: string): BlockingKind {
  if (BLOCKING_DEVICE.test(name)) return 'device'
  if (BLOCKING_STREAM.test(name)) return 'stream'
  if (BLOCKING_EVENT.test(name)) return 'event'
  if (BLOCKING_COPY.test(name)) return 'copy'
  return 'none'
}

/** An async copy into pageable host memory returns only after the copy (CUDA-SYNC "might be synchronous"). */
export function isSynchronousAsyncCopy(callName: string, copyName: string): boolean {
  return ASYNC_COPY.test(callName) && /DtoH/.test(copyName) && /Pageable/i.test(copyName)
}

const COMMUNICATION = /nccl|rccl|all_?reduce|allgather|reduce_?scatter|alltoall|sendrecv/i

/**
 * HTA's kernel classes: communication (NCCL/RCCL), memory (memcpy, memset), computation (the rest). We do not
 * copy HTA's `^hip` rule, which would file every HIP kernel under communication.
 */
export function taskClassOf(ev: TraceEvent): TaskClass {
  if (ev.activity === 'memcpy' || ev.activity === 'memset') return 'memory'
  return kernelClassOfName(ev.name)
}

const MEMORY_KERNEL = /^(memcpy|memset)|\bmemcpy\b|\bmemset\b/i

/** The same classes from a kernel's name alone (execution traces record GPU work as COMP nodes, NCCL included). */
export function kernelClassOfName(name: string): TaskClass {
  if (COMMUNICATION.test(name)) return 'communication'
  if (MEMORY_KERNEL.test(name)) return 'memory'
  return 'computation'
}

const TENSOR_CORE_ELIGIBLE =
  /gemm|conv|cutlass|cudnn|cublas|matmul|wgrad|dgrad|xmma|Cijk|implicit|winograd|fft|sm80_|sm90_|ampere_|volta_|turing_|hopper_|flash|attention|mma/i

/** Daydream's AMP split: tensor-core eligible (GEMM / convolution) kernels versus memory-bound ones. */
export function isComputeIntensiveKernel(name: string): boolean {
  return TENSOR_CORE_ELIGIBLE.test(name)
}

/** Phase of a CPU call from the names of the scopes that enclose it (outermost first). */
export function phaseOf(scopes: readonly string[]): Phase {
  let phase: Phase = 'forward'
  for (const s of scopes) {
    if (/Optimizer\.step|optimizer_step/i.test(s)) return 'optimizer'
    if (/DataLoader|dataloader/.test(s)) phase = 'data'
    else if (/backward|autograd|AccumulateGrad|Backward\d*$/i.test(s)) phase = 'backward'
  }
  return phase
}
