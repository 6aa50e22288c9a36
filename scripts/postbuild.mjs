// ncc drops the shebang of src/index.ts; the bin entry needs it.
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../dist/index.js', import.meta.url)
const code = readFileSync(file, 'utf8')
if (!code.startsWith('#!')) writeFileSync(file, `#!/usr/bin/env node\n${code}`)
