import { defineConfig } from 'vitest/config'
import { dnnperfVitest } from '../../tools/vitest.preset.ts'

export default defineConfig(dnnperfVitest(import.meta.dirname))
