import fc from 'fast-check'

import { gitHubStoredName } from '../../../src/forges/github/stored-name.js'
import { renameAsset } from '../../support/fake-forge/github/asset-names.js'

describe('gitHubStoredName', () => {
  it.each([
    ['app-linux-amd64.tar.gz', 'app-linux-amd64.tar.gz'],
    ['my app.zip', 'my.app.zip'],
    // softprops/action-gh-release#159: `~` becomes `.`
    ['pkg_1.1.0-1~buster_amd64.deb', 'pkg_1.1.0-1.buster_amd64.deb'],
    // actions/upload-release-asset#57: parentheses become `.`
    ['app.prod-v1.3.0-(15-5)-6064eac-release.apk', 'app.prod-v1.3.0-.15-5.-6064eac-release.apk'],
    // travis-ci/dpl#821: a run of special characters is one `.`; dots next to it merge into it
    ["a5_ !#$%&'()+,-.0123456789;=@ABCZ[]^_`abcz{}~.txt", 'a5_.-.0123456789.ABCZ._.abcz.txt'],
    [
      'a5_a a!a#a$a%a&a(a)a+a,a-a.a0a;a=a@aZa[a]a^a_a`aza{a}a~a.txt',
      'a5_a.a.a.a.a.a.a.a.a.a.a-a.a0a.a.a.aZa.a.a.a_a.aza.a.a.a.txt',
    ],
    // travis-ci/dpl#821: Latin letters are transliterated, other symbols become `.`
    ['a5_ð_æ_©_ŋ.txt', 'a5_d_ae_._ng.txt'],
    ['café-über.tar.gz', 'cafe-uber.tar.gz'],
    // softprops/action-gh-release#741: a leading period gets `default` in front
    ['.config', 'default.config'],
    ['version:2.zip', 'version.2.zip'],
    ['trailing.', 'trailing'],
    ['build (1).', 'build.1'],
    ['a..b.txt', 'a..b.txt'],
    ['日本語', 'default'],
  ])('stores %j as %j', (name, stored) => {
    expect(gitHubStoredName(name)).toBe(stored)
  })

  it('yields only letters, digits, `.`, `_` and `-`, never a leading or trailing period, and is stable', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), (name) => {
        const stored = gitHubStoredName(name)
        expect(stored).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/)
        expect(stored.endsWith('.')).toBe(false)
        expect(gitHubStoredName(stored)).toBe(stored)
      }),
    )
  })

  it('agrees with the fake server, which implements the observed rule independently', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), (name) => {
        expect(gitHubStoredName(name)).toBe(renameAsset(name))
      }),
    )
  })
})
