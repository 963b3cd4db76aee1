/**
 * End to end in a real browser: the browser build of `solve` (Web Worker host, solvers bundled into a module
 * worker, `.wasm` fetched over HTTP) solves in headless Chromium. Skips when Chromium or playwright-core is absent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BROWSER_ENTRY_POINTS, browserBuildOptions, copySolverWasm } from './browser-build.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function hasPlaywright(): boolean {
  try {
    createRequire(import.meta.url).resolve('playwright-core')
    return true
  } catch {
    return false
  }
}
const hasChromium = ((): boolean => {
  try {
    readFileSync(CHROMIUM, { flag: 'r' }).subarray(0, 1)
    return true
  } catch {
    return false
  }
})()
const missing = !hasChromium
  ? `${CHROMIUM} is absent`
  : !hasPlaywright()
    ? 'playwright-core is not installed'
    : ''
if (missing !== '') console.warn(`skipping the milp browser end-to-end test: ${missing}`)

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
}

/** Serves `dir` on 127.0.0.1 at a random port; only files directly in `dir`. */
async function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const name = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html'
    if (name.includes('/') || name.startsWith('.')) {
      res.writeHead(404).end()
      return
    }
    try {
      const body = readFileSync(join(dir, name))
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

// Structural types of what the page evaluates, so the test reads without the DOM library.
type Page = {
  goto(url: string): Promise<unknown>
  waitForFunction(fn: string, arg?: unknown, options?: { timeout: number }): Promise<unknown>
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>
  on(event: 'pageerror' | 'console', fn: (x: { toString(): string }) => void): void
}
type Browser = { newPage(): Promise<Page>; close(): Promise<void> }

describe.skipIf(missing !== '')('@dnnperf/milp in headless Chromium (Web Worker back-end)', () => {
  let dir = ''
  let server: Server | undefined
  let browser: Browser | undefined
  let page: Page
  const pageLog: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'milp-e2e-'))
    // The page bundle exposes the browser entry and the test kit's hard model; the worker bundle sits beside it,
    // where `new URL('./browser-worker.js', import.meta.url)` finds it, with the two .wasm files.
    writeFileSync(
      join(dir, 'page-entry.ts'),
      [
        `import * as milp from ${JSON.stringify(BROWSER_ENTRY_POINTS.browser)}`,
        `import { endlessParity, multiKnapsack } from ${JSON.stringify(join(import.meta.dirname, 'testing/hard-models.ts'))}`,
        'Object.assign(globalThis, { milp, hard: { endlessParity, multiKnapsack }, milpReady: true })',
      ].join('\n'),
    )
    await build(
      browserBuildOptions(dir, {
        entryPoints: {
          page: join(dir, 'page-entry.ts'),
          'browser-worker': BROWSER_ENTRY_POINTS['browser-worker']!,
        },
        bundleIr: true,
      }),
    )
    copySolverWasm(dir)
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>milp</title><script type="module" src="./page.js"></script>',
    )
    const served = await serve(dir)
    server = served.server
    const { chromium } = await import('playwright-core')
    browser = (await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })) as unknown as Browser
    page = await browser.newPage()
    page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.toString()}`))
    page.on('console', (m) => pageLog.push(`console: ${m.toString()}`))
    await page.goto(`${served.origin}/index.html`)
    await page.waitForFunction('globalThis.milpReady === true', undefined, { timeout: 10_000 })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  it.each(['glpk', 'highs'] as const)(
    '%s solves the 0/1 knapsack to its optimum 220 in a Web Worker',
    async (solver) => {
      const r = await page.evaluate(async (s) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped
        const { createModel, linear, solve } = (globalThis as any).milp
        const m = createModel('knapsack')
        for (const name of ['a', 'b', 'c']) m.addVariable({ name, type: 'binary' })
        m.addConstraint({ name: 'cap', terms: linear({ a: 10, b: 20, c: 30 }), sense: '<=', rhs: 50 })
        m.setObjective({ sense: 'maximize', terms: linear({ a: 60, b: 100, c: 120 }) })
        return await solve(m, { solver: s, timeLimitS: 10 })
      }, solver)
      expect(r.status, `${r.message ?? ''}\n${pageLog.join('\n')}`).toBe('optimal')
      expect(r.objective).toBe(220)
      expect(r.bestBound).toBe(220)
      expect(r.gap).toBe(0)
      expect(r.values).toEqual({ a: 0, b: 1, c: 1 })
      expect(r.solver).toBe(solver)
    },
  )

  it('a limited glpk solve of a model it can never finish returns timeLimit near the limit', async () => {
    const r = await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped
      const g = globalThis as any
      return await g.milp.solve(g.hard.endlessParity(), { solver: 'glpk', timeLimitS: 0.5 })
    }, undefined)
    expect(r.status, r.message).toBe('timeLimit')
    expect(r.objective).toBeNull()
    expect(r.timeS).toBeGreaterThan(0.3)
    expect(r.timeS).toBeLessThan(2)
  })

  it('a hard limit shorter than worker start-up terminates the Web Worker with status timeLimit', async () => {
    const r = await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped
      const g = globalThis as any
      return await g.milp.solve(g.hard.multiKnapsack(), { solver: 'highs', timeLimitS: 0.02 })
    }, undefined)
    expect(r.status).toBe('timeLimit')
    expect(r.message).toMatch(/worker terminated/)
    expect(r.timeS).toBeLessThan(1)
  })

  it('aborting a HiGHS solve of a hard model rejects with SOLVE_ABORTED', async () => {
    const r = await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped
      const g = globalThis as any
      const controller = new AbortController()
      const p = g.milp.solve(g.hard.multiKnapsack(), {
        solver: 'highs',
        timeLimitS: 20,
        signal: controller.signal,
      })
      setTimeout(() => controller.abort(), 300)
      const t0 = performance.now()
      try {
        await p
        return { code: 'resolved', elapsedS: (performance.now() - t0) / 1000 }
      } catch (err) {
        return { code: String((err as { code?: unknown }).code), elapsedS: (performance.now() - t0) / 1000 }
      }
    }, undefined)
    expect(r.code).toBe('SOLVE_ABORTED')
    expect(r.elapsedS).toBeLessThan(2)
  })
})
