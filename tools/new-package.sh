#!/usr/bin/env bash
# Scaffold packages/<name> with the house layout: exports map (source condition, ESM/CJS with types),
# tsup preset, vitest preset, api-extractor config, README. Usage: tools/new-package.sh <name> "<description>" [dep ...]
set -euo pipefail
name=$1; desc=$2; shift 2
dir=packages/$name
mkdir -p "$dir/src" "$dir/etc"
deps=""
for d in "$@"; do deps="$deps\"$d\": \"0.1.0\","; done
deps=${deps%,}
cat > "$dir/package.json" <<JSON
{
  "name": "@dnnperf/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "engines": { "node": ">=20.19" },
  "repository": { "type": "git", "url": "git+https://github.com/dnnperf/dnnperf.git", "directory": "$dir" },
  "exports": {
    ".": {
      "@dnnperf/source": "./src/index.ts",
      "import": { "types": "./dist/index.d.ts", "default": "./dist/index.js" },
      "require": { "types": "./dist/index.d.cts", "default": "./dist/index.cjs" }
    },
    "./package.json": "./package.json"
  },
  "main": "./dist/index.cjs",
  "module": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "files": ["dist", "src", "!src/**/*.test.ts", "!src/**/*.test-d.ts"],
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc -p tsconfig.json",
    "test": "vitest run --passWithNoTests",
    "check-package": "publint --strict && attw --pack . --profile node16",
    "api-report": "api-extractor run",
    "api-report:update": "api-extractor run --local"
  },
  "dependencies": { $deps }
}
JSON
cat > "$dir/tsconfig.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "include": ["src", "*.config.ts"]
}
JSON
cat > "$dir/tsup.config.ts" <<'TS'
import { defineConfig } from 'tsup'
import { dnnperfTsup } from '../../tools/tsup.preset.ts'

export default defineConfig(dnnperfTsup())
TS
cat > "$dir/vitest.config.ts" <<'TS'
import { defineConfig } from 'vitest/config'
import { dnnperfVitest } from '../../tools/vitest.preset.ts'

export default defineConfig(dnnperfVitest(import.meta.dirname))
TS
cat > "$dir/api-extractor.json" <<'JSON'
{
  "extends": "../../tools/api-extractor.base.json",
  "projectFolder": "."
}
JSON
[ -f "$dir/README.md" ] || printf '# @dnnperf/%s\n\n%s\n' "$name" "$desc" > "$dir/README.md"
echo "scaffolded $dir"
