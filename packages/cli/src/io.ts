import { isDnnperfError } from '@dnnperf/ir'

/** Where a command writes; tests pass string sinks, the binary passes the process streams. */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

/** Exit codes: 0 success, 1 bad input or a failed check, 2 a usage error. */
export const EXIT_OK = 0
export const EXIT_BAD_INPUT = 1
export const EXIT_USAGE = 2

/** Print a result: JSON when asked (the library's object, unchanged), else the human rendering. */
export function emit(io: CliIo, json: boolean, result: unknown, human: () => string): void {
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`)
}

/** One line naming the error's code; with --json, the error object on stderr instead. */
export function reportError(io: CliIo, err: unknown, json: boolean): number {
  if (isDnnperfError(err)) {
    io.err(
      json ? `${JSON.stringify({ error: err.toJSON() })}\n` : `dnnperf: error ${err.code}: ${err.message}\n`,
    )
    return EXIT_BAD_INPUT
  }
  const message = err instanceof Error ? err.message : String(err)
  io.err(
    json
      ? `${JSON.stringify({ error: { code: 'INTERNAL', message } })}\n`
      : `dnnperf: error INTERNAL: ${message}\n`,
  )
  return EXIT_BAD_INPUT
}
