import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ViteUserConfig } from 'vitest/config'

/**
 * Shared vitest settings: the test name from package.json, sibling packages resolved to source through the
 * `@dnnperf/source` export condition, and vitest's type tests (`*.test-d.ts`) switched on.
 */
export function dnnperfVitest(packageDir: string): ViteUserConfig {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string }
  const conditions = ['@dnnperf/source', 'import', 'module', 'node', 'default']
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@dnnperf/source'] } },
    test: {
      name: pkg.name,
      // the JSON report feeds tools/test-summary.mjs, which prints one total line for CI
      reporters: ['default', 'json'],
      outputFile: { json: join(packageDir, '../../.test-results', `${pkg.name.replace('/', '__')}.json`) },
      include: ['src/**/*.test.ts'],
      restoreMocks: true,
      testTimeout: 60_000,
      typecheck: {
        enabled: true,
        include: ['src/**/*.test-d.ts'],
        tsconfig: join(packageDir, 'tsconfig.json'),
      },
    },
  }
}
