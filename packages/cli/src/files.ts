import { readFileSync } from 'node:fs'
import { FormatError, NotFoundError } from '@dnnperf/ir'

/** Read and parse a JSON file, turning a missing file or bad JSON into typed errors. */
export function readJsonFile(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new NotFoundError({ what: 'file', key: path })
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new FormatError({ format: 'json', path, detail: (err as Error).message })
  }
}
