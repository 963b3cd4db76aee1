import { defineConfig } from 'tsup'
import { dnnperfTsup } from '../../tools/tsup.preset.ts'
import pkg from './package.json' with { type: 'json' }

const define = { __DNNPERF_VERSION__: JSON.stringify(pkg.version) }

export default defineConfig([
  dnnperfTsup({ entry: ['src/index.ts'], platform: 'node', define }),
  // the binary: ESM only, with a shebang; bundles nothing from the workspace (resolved at run time)
  dnnperfTsup({
    entry: ['src/bin.ts'],
    format: ['esm'],
    dts: false,
    platform: 'node',
    clean: false,
    define,
    banner: { js: '#!/usr/bin/env node' },
  }),
])
