import { runCli } from './program.js'

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`dnnperf: error INTERNAL: ${String(err)}\n`)
    process.exitCode = 1
  },
)
