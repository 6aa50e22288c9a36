import { challengeClaim, readTokenClaims } from '../../src/signing/token-claims.js'

const jwt = (claims: unknown): string =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`

describe('readTokenClaims', () => {
  it('reads the claims signing looks at', () => {
    expect(
      readTokenClaims(
        jwt({
          iss: 'https://i',
          sub: 's',
          aud: ['a', 'sigstore'],
          exp: 5,
          repository_visibility: 'private',
        }),
      ),
    ).toEqual({
      iss: 'https://i',
      sub: 's',
      aud: ['a', 'sigstore'],
      exp: 5,
      repositoryVisibility: 'private',
    })
    expect(readTokenClaims(jwt({ aud: 'sigstore' }))?.aud).toEqual(['sigstore'])
  })

  test.each([
    ['abc'],
    ['a.b'],
    ['e30.bm90IGpzb24.c2ln'],
    [`e30.${Buffer.from('[1]').toString('base64url')}.x`],
  ])('is undefined for %s, which is no JWT', (token) => {
    expect(readTokenClaims(token)).toBeUndefined()
  })

  it('proves possession over the email of email identities, else the subject', () => {
    expect(challengeClaim({ sub: 's', email: 'a@example.com', aud: [] })).toBe('a@example.com')
    expect(challengeClaim({ sub: 's', aud: [] })).toBe('s')
  })
})
