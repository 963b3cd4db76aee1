import { defineConfig } from 'tsup'
import { dnnperfTsup } from '../../tools/tsup.preset.ts'

export default defineConfig(dnnperfTsup())
