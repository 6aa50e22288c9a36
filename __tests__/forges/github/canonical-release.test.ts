import { pickCanonicalRelease } from '../../../src/forges/github/canonical-release.js'

const release = (id: number, tag: string, draft: boolean) => ({ id, tag_name: tag, draft })

describe('pickCanonicalRelease', () => {
  it.each([
    ['no release for the tag', [release(1, 'v0.9', false)], undefined],
    ['the only draft', [release(4, 'v1', true)], 4],
    [
      'the lowest-id draft among racing drafts',
      [release(9, 'v1', true), release(7, 'v1', true), release(8, 'v1', true)],
      7,
    ],
    [
      'the published release over any draft',
      [release(3, 'v1', true), release(5, 'v1', false), release(2, 'v1', true)],
      5,
    ],
    ['only releases of that tag', [release(1, 'v0', true), release(6, 'v1', true)], 6],
  ])('picks %s', (_what, releases, expected) => {
    expect(pickCanonicalRelease(releases, 'v1')?.id).toBe(expected)
  })

  it('picks the same release whichever order the jobs list them in', () => {
    const drafts = [release(12, 'v1', true), release(10, 'v1', true), release(11, 'v1', true)]
    const picks = [drafts, [...drafts].reverse(), [drafts[1], drafts[0], drafts[2]]].map(
      (list) =>
        pickCanonicalRelease(
          list.filter((r) => r !== undefined),
          'v1',
        )?.id,
    )
    expect(new Set(picks)).toEqual(new Set([10]))
  })
})
