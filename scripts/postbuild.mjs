// ncc drops the shebang of src/index.ts; the bin entry needs it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../dist/index.js', import.meta.url)
let code = readFileSync(file, 'utf8')

// dist/index.js must be the whole tool: it ships alone as forge-release.mjs and runs with
// `node` and nothing else. cacache (reached through tuf-js → make-fetch-happen) loads p-map
// with a dynamic import() in its cache listing, which would make ncc write a second chunk
// file; the build marks p-map external instead, and its import is replaced here by a stub
// that says so. The tool never lists a cache: its downloads go through src/http, and
// make-fetch-happen is only bundled because tuf-js imports it.
const external = /import\*as (\w+) from"p-map";/
if (external.test(code)) {
  code = code.replace(
    external,
    (_, name) =>
      `const ${name}={default(){throw new Error("p-map is not bundled: forge-release does not list HTTP caches")}};`,
  )
}
if (/from"p-map"|import\("p-map"\)/.test(code)) {
  console.error('dist/index.js still imports p-map: the postbuild stub did not apply')
  process.exit(1)
}
if (!code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`
writeFileSync(file, code)

const extra = readdirSync(new URL('../dist/', import.meta.url)).filter(
  (name) => !['index.js', 'licenses.txt', 'package.json'].includes(name),
)
if (extra.length > 0) {
  console.error(`dist/ holds more than the bundle: ${extra.join(', ')}`)
  process.exit(1)
}
