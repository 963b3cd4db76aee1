/**
 * How the browser build is made, shared by `tsup.config.ts` (which writes `dist/browser.js` and
 * `dist/browser-worker.js`) and the end-to-end test (which bundles the sources the same way for Chromium).
 * Build-time only: nothing in the package imports this module.
 */
import { copyFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BuildOptions, Plugin } from 'esbuild'

const srcDir = dirname(fileURLToPath(import.meta.url))

/**
 * Points `solve.ts`'s import of the Node worker host at the Web Worker host. This is the one module that differs
 * between Node and the browser, so the swap happens at bundle time, as a package.json `browser` field map would.
 */
export function browserHostPlugin(): Plugin {
  return {
    name: 'dnnperf-milp-browser-host',
    setup(build) {
      build.onResolve({ filter: /^\.\/worker-host\.js$/ }, (args) =>
        args.importer === join(srcDir, 'solve.ts') ? { path: join(srcDir, 'browser-host.ts') } : undefined,
      )
    },
  }
}

/** The browser entry and the Web Worker entry, by output name. */
export const BROWSER_ENTRY_POINTS: Readonly<Record<string, string>> = {
  browser: join(srcDir, 'browser.ts'),
  'browser-worker': join(srcDir, 'browser-worker.ts'),
}

/**
 * esbuild options for the browser entry and the Web Worker, both ESM. Node built-ins stay external: the solver
 * packages import them only behind a Node check that is false in a browser. The package build keeps
 * `@dnnperf/ir` external (one copy of its error classes for the app, as in `dist/index.js`); a self-contained
 * bundle (the end-to-end test's page) sets `bundleIr` and resolves it from source.
 */
export function browserBuildOptions(
  outdir: string,
  options: { readonly entryPoints?: Readonly<Record<string, string>>; readonly bundleIr?: boolean } = {},
): BuildOptions {
  const bundleIr = options.bundleIr ?? false
  return {
    entryPoints: { ...(options.entryPoints ?? BROWSER_ENTRY_POINTS) },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    external: [
      'module',
      'node:*',
      'fs',
      'path',
      'url',
      'crypto',
      'worker_threads',
      ...(bundleIr ? [] : ['@dnnperf/ir']),
    ],
    ...(bundleIr ? { conditions: ['@dnnperf/source'] } : {}),
    plugins: [browserHostPlugin()],
  }
}

/** Copies the solvers' WebAssembly files into `outdir`, where the bundled worker looks for them. */
export function copySolverWasm(outdir: string): void {
  const require = createRequire(import.meta.url)
  const glpkDir = dirname(require.resolve('glpk.js/node'))
  copyFileSync(join(glpkDir, 'glpk.wasm'), join(outdir, 'glpk.wasm'))
  copyFileSync(require.resolve('highs/runtime'), join(outdir, 'highs.wasm'))
}
