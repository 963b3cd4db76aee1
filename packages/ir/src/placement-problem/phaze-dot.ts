import { FormatError } from '../errors.js'
import type { PlacementEdge, PlacementNode, PlacementProblem } from './types.js'
import { validatePlacementProblem } from './validate.js'

const FORMAT = 'phaze-dot'

/** Options of {@link importPhazeLayerGraphDot}. */
export interface PhazeDotOptions {
  /** Bytes per element; the DOT sizes are element counts. Default 2 (bf16/fp16). */
  readonly bytesPerElement?: number
  /** Tensor-parallel width the graph was traced at, the key of `tensorParallel`. Default `"1"`. */
  readonly tensorWidth?: string
}

interface Token {
  readonly kind: 'id' | 'string' | 'punct'
  readonly text: string
  readonly line: number
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  const fail = (detail: string): never => {
    throw new FormatError({ format: FORMAT, path: `line ${line}`, detail })
  }
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '\n') {
      line++
      i++
    } else if (/\s/.test(ch)) i++
    else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) fail('unterminated comment')
      for (let k = i; k < end; k++) if (text[k] === '\n') line++
      i = end + 2
    } else if (ch === '"') {
      const start = line
      let out = ''
      i++
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && text[i + 1] === '"') {
          out += '"'
          i += 2
        } else if (text[i] === '\\' && text[i + 1] === '\n') {
          line++
          i += 2
        } else {
          if (text[i] === '\n') line++
          out += text[i]
          i++
        }
      }
      if (i >= text.length) fail('unterminated string')
      i++
      tokens.push({ kind: 'string', text: out, line: start })
    } else if (ch === '-' && text[i + 1] === '>') {
      tokens.push({ kind: 'punct', text: '->', line })
      i += 2
    } else if ('[]{}=,;'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, line })
      i++
    } else {
      // DOT ids: names [A-Za-z_][A-Za-z_0-9]* or numerals -?(.d+ | d+(.d*)?)
      const m =
        /^(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))/.exec(
          text.slice(i, i + 256),
        )
      if (m === null) fail(`unexpected character ${JSON.stringify(ch)}`)
      tokens.push({ kind: 'id', text: m![0], line })
      i += m![0].length
    }
  }
  return tokens
}

/** Parse the Python-dict `node` attribute PHAZE writes: `{'id': 0, 'parameter_size': 5, ...}`. */
function parsePyDict(text: string, line: number): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {}
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '')
  for (const part of body.split(',')) {
    if (part.trim() === '') continue
    const m = /^\s*'([^']*)'\s*:\s*(.+?)\s*$/.exec(part)
    if (m === null)
      throw new FormatError({ format: FORMAT, path: `line ${line}`, detail: `cannot read "${part}"` })
    const raw = m[2]!
    out[m[1]!] =
      raw === 'True' ? true : raw === 'False' ? false : /^'.*'$/.test(raw) ? raw.slice(1, -1) : Number(raw)
  }
  return out
}

/**
 * Read a PHAZE layer graph written as Graphviz DOT (GraphExtractor output): one node per layer whose `node`
 * attribute is a Python dict with `parameter_size` and `activation_size` (element counts), and edges with
 * `tensorsize` (elements). Sizes become bytes (× `bytesPerElement`) under `tensorParallel[tensorWidth]`; the
 * edge size becomes `bytes`. The graph carries no times (PHAZE adds them from its ILP). Exact, O(file size).
 *
 * @throws FormatError (`FORMAT_INVALID`) naming the line of a malformed statement or attribute.
 * @throws every error of {@link validatePlacementProblem} (e.g. GraphCycleError).
 */
export function importPhazeLayerGraphDot(text: string, options: PhazeDotOptions = {}): PlacementProblem {
  const bytesPerElement = options.bytesPerElement ?? 2
  const width = options.tensorWidth ?? '1'
  const tokens = tokenize(text)
  let p = 0
  const peek = (): Token | undefined => tokens[p]
  const fail = (detail: string): never => {
    throw new FormatError({ format: FORMAT, path: `line ${peek()?.line ?? 'end'}`, detail })
  }
  const expect = (t: string): void => {
    if (peek()?.text !== t) fail(`expected "${t}", found "${peek()?.text ?? 'end of file'}"`)
    p++
  }
  const attrs = (): Record<string, string> => {
    const out: Record<string, string> = {}
    while (peek()?.text === '[') {
      p++
      while (peek() !== undefined && peek()!.text !== ']') {
        const key = peek()!
        p++
        expect('=')
        const value = peek() ?? fail('missing attribute value')
        p++
        out[key.text] = value.text
        if (peek()?.text === ',' || peek()?.text === ';') p++
      }
      expect(']')
    }
    return out
  }

  if (peek()?.text === 'strict') p++
  if (peek()?.text !== 'digraph') fail('expected "digraph"')
  p++
  if (peek()?.kind !== 'punct') p++
  expect('{')
  const nodes: PlacementNode[] = []
  const edges: PlacementEdge[] = []
  while (peek() !== undefined && peek()!.text !== '}') {
    const first = peek()!
    p++
    if (first.kind === 'punct') {
      if (first.text === ';') continue
      fail(`unexpected "${first.text}"`)
    }
    if ((first.text === 'graph' || first.text === 'node' || first.text === 'edge') && first.kind === 'id') {
      attrs()
    } else if (peek()?.text === '->') {
      p++
      const to = peek() ?? fail('edge without a target')
      p++
      const a = attrs()
      const size = a.tensorsize === undefined ? undefined : Number(a.tensorsize)
      if (size !== undefined && !Number.isFinite(size)) fail(`tensorsize "${a.tensorsize}" is not a number`)
      edges.push({
        from: first.text,
        to: to.text,
        ...(size === undefined ? {} : { bytes: size * bytesPerElement }),
      })
    } else if (peek()?.text === '=') {
      p += 2 // graph attribute statement `key = value`
    } else {
      const a = attrs()
      const info = a.node === undefined ? {} : parsePyDict(a.node, first.line)
      const param = info.parameter_size
      const act = info.activation_size
      nodes.push({
        id: first.text,
        role: 'forward',
        tensorParallel: {
          [width]: [
            {
              ...(typeof param === 'number' ? { parameterBytes: param * bytesPerElement } : {}),
              ...(typeof act === 'number' ? { activationBytes: act * bytesPerElement } : {}),
              ...(typeof info.is_tensor_parallelized === 'boolean'
                ? { tensorParallelized: info.is_tensor_parallelized }
                : {}),
            },
          ],
        },
      })
    }
    if (peek()?.text === ';') p++
  }
  expect('}')
  // DOT creates nodes named only by an edge; so do we.
  const declared = new Set(nodes.map((n) => n.id))
  for (const e of edges) {
    for (const id of [e.from, e.to]) {
      if (!declared.has(id)) {
        declared.add(id)
        nodes.push({ id, role: 'forward' })
      }
    }
  }
  const problem: PlacementProblem = {
    schemaVersion: 1,
    format: FORMAT,
    timeUnit: 's',
    nodes,
    edges,
    resources: {},
  }
  validatePlacementProblem(problem)
  return problem
}
