import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { EVIDENCE_PREDICATE_TYPE } from '../../src/evidence/build-evidence.js'
import { BY_HAND_BUILD_TYPE, GITLAB_CI_BUILD_TYPE } from '../../src/evidence/build-provenance.js'
import { repoRoot } from '../support/run-tool.js'

// The type URLs the statements carry point into this repository's docs/: each must name a
// document (and a heading) that exists, so that a consumer can read what the fields mean.
const BLOB = 'https://github.com/forge-release/forge-release/blob/main/'

describe.each([
  ['the evidence predicate', EVIDENCE_PREDICATE_TYPE],
  ['the GitLab CI build type', GITLAB_CI_BUILD_TYPE],
  ['the by-hand build type', BY_HAND_BUILD_TYPE],
])('%s', (_what, url) => {
  it(`${url} is a document of this repository`, async () => {
    expect(url.startsWith(BLOB)).toBe(true)
    const [file = '', anchor] = url.slice(BLOB.length).split('#')
    const text = await readFile(path.join(repoRoot, file), 'utf8')
    if (anchor !== undefined) {
      const headings = [...text.matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      )
      expect(headings).toContain(anchor)
    }
    expect(text).toContain(url)
  })
})
