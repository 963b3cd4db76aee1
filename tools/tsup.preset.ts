import type { Options } from 'tsup'

/**
 * The one build preset every published package uses: ESM and CJS from `src/index.ts`, with `.d.ts` and `.d.cts`.
 * A package's `tsup.config.ts` calls this and adds only what differs (extra entry points, a shebang).
 */
export function dnnperfTsup(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'neutral',
    treeshake: true,
    splitting: false,
    outDir: 'dist',
    ...overrides,
  }
}
