import { ReleaseError } from '../../src/errors.js'
import { hasSameContent, reconcile, reconcileLinks } from '../../src/plan/reconcile.js'
import type { PlannedFile, ReleasePlan } from '../../src/plan/release-plan.js'
import type { RemoteAsset, RemoteLink, RemoteRelease } from '../../src/plan/remote.js'

const file = (name: string, sha256: string, size = 10): PlannedFile => ({
  path: `/tmp/${name}`,
  name,
  size,
  sha256,
  linkType: 'other',
  directAssetPath: `/${name}`,
  contentType: 'application/octet-stream',
})

const plan = (overrides: Partial<ReleasePlan> = {}): ReleasePlan => ({
  platform: 'gitlab',
  fields: { tagName: 'v1', name: 'v1', description: 'notes', milestones: ['m1'] },
  refGivenExplicitly: false,
  files: [file('a.zip', 'aa'), file('b.zip', 'bb')],
  externalLinks: [],
  ifReleaseExists: 'update',
  ifAssetExists: 'replace',
  given: { name: true, description: true, milestones: true, releasedAt: false },
  ...overrides,
})

const release = (overrides: Partial<RemoteRelease> = {}): RemoteRelease => ({
  tagName: 'v1',
  name: 'v1',
  description: 'notes',
  milestones: ['m1'],
  webUrl: 'https://forge/r/v1',
  draft: false,
  ...overrides,
})

const stored = (name: string, sha256?: string, size?: number): RemoteAsset => ({
  name,
  url: `https://forge/${name}`,
  stored: true,
  ...(sha256 === undefined ? {} : { sha256 }),
  ...(size === undefined ? {} : { size }),
})

describe('reconcile', () => {
  it('creates a missing release and uploads every file', () => {
    const result = reconcile(plan(), undefined, [])
    expect(result.release).toEqual({ kind: 'create' })
    expect(result.assets.map((a) => a.kind)).toEqual(['upload', 'upload'])
  })

  it('leaves an identical release and identical files alone', () => {
    const result = reconcile(plan(), release(), [stored('a.zip', 'aa'), stored('b.zip', 'bb')])
    expect(result.release).toEqual({ kind: 'unchanged' })
    expect(result.assets.map((a) => a.kind)).toEqual(['keep', 'keep'])
  })

  test.each([
    ['name', { name: 'other' }, ['name']],
    ['description', { description: 'old' }, ['description']],
    ['milestones', { milestones: ['m2'] }, ['milestones']],
    ['description with CRLF only', { description: 'notes\r\n' }, []],
  ])('updates only what changed: %s', (_what, remote, changed) => {
    const result = reconcile(plan(), release(remote), [])
    expect(result.release).toEqual(
      changed.length === 0 ? { kind: 'unchanged' } : { kind: 'update', changed },
    )
  })

  it('does not touch milestones when they were not given', () => {
    const result = reconcile(
      plan({ given: { name: true, description: true, milestones: false, releasedAt: false } }),
      release({ milestones: ['other'] }),
      [],
    )
    expect(result.release).toEqual({ kind: 'unchanged' })
  })

  test.each([
    ['replace', 'replace'],
    ['skip', 'keep-other'],
  ] as const)('with if_asset_exists %s a changed file is %s', (policy, kind) => {
    const result = reconcile(plan({ ifAssetExists: policy }), release(), [
      stored('a.zip', 'zz'),
      stored('b.zip', 'bb'),
    ])
    expect(result.assets[0]?.kind).toBe(kind)
    expect(result.assets[1]?.kind).toBe('keep')
  })

  it('fails naming if_asset_exists when a file differs and the policy is fail', () => {
    expect(() =>
      reconcile(plan({ ifAssetExists: 'fail' }), release(), [stored('a.zip', 'zz')]),
    ).toThrow(expect.objectContaining({ input: 'if_asset_exists' }))
  })

  it('fails naming if_release_exists when the release exists and the policy is fail', () => {
    let error: unknown
    try {
      reconcile(plan({ ifReleaseExists: 'fail' }), release(), [])
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ReleaseError)
    expect((error as ReleaseError).input).toBe('if_release_exists')
  })

  it('skips everything when the release exists and the policy is skip', () => {
    expect(reconcile(plan({ ifReleaseExists: 'skip' }), release(), [])).toEqual({
      release: { kind: 'skip' },
      assets: [],
    })
  })

  it('recognises a file the forge renamed by its sha256', () => {
    const result = reconcile(plan(), release(), [
      stored('a.renamed.zip', 'aa'),
      stored('b.zip', 'bb'),
    ])
    expect(result.assets[0]).toMatchObject({ kind: 'keep', existing: { name: 'a.renamed.zip' } })
  })

  it('ignores links without a stored file when deciding uploads', () => {
    const linkOnly: RemoteAsset = { name: 'a.zip', url: 'https://elsewhere/a.zip', stored: false }
    expect(reconcile(plan(), release(), [linkOnly]).assets[0]?.kind).toBe('upload')
  })
})

describe('hasSameContent', () => {
  test.each([
    ['same sha256', stored('a', 'aa'), true],
    ['other sha256 but same size', stored('a', 'zz', 10), false],
    ['no sha256, same size', stored('a', undefined, 10), true],
    ['no sha256, other size', stored('a', undefined, 11), false],
    ['nothing known', stored('a'), false],
  ])('%s', (_name, remote, same) => {
    expect(hasSameContent(file('a', 'aa', 10), remote)).toBe(same)
  })
})

describe('reconcileLinks', () => {
  const link = (id: string, name: string, url: string, directAssetPath?: string): RemoteLink => ({
    id,
    name,
    url,
    linkType: 'other',
    ...(directAssetPath === undefined ? {} : { directAssetPath }),
  })

  it('creates missing links and leaves matching ones', () => {
    const changes = reconcileLinks(
      [
        { name: 'a', url: 'u/a', linkType: 'other', directAssetPath: '/a' },
        { name: 'b', url: 'u/b', linkType: 'other', directAssetPath: '/b' },
      ],
      [link('1', 'a', 'u/a', '/a')],
    )
    expect(changes.create.map((l) => l.name)).toEqual(['b'])
    expect(changes.update).toEqual([])
  })

  it('updates a link whose URL or type changed instead of adding a second one', () => {
    const changes = reconcileLinks(
      [{ name: 'a', url: 'u/new', linkType: 'package', directAssetPath: '/a' }],
      [link('1', 'a', 'u/old', '/a')],
    )
    expect(changes.create).toEqual([])
    expect(changes.update.map((u) => u.existing.id)).toEqual(['1'])
  })

  it('matches a renamed link by its direct asset path, then by URL', () => {
    const byPath = reconcileLinks(
      [{ name: 'new', url: 'u/a', linkType: 'other', directAssetPath: '/a' }],
      [link('1', 'old', 'u/x', '/a')],
    )
    expect(byPath.update.map((u) => u.existing.id)).toEqual(['1'])
    const byUrl = reconcileLinks(
      [{ name: 'new', url: 'u/a', linkType: 'other' }],
      [link('2', 'old', 'u/a')],
    )
    expect(byUrl.update.map((u) => u.existing.id)).toEqual(['2'])
  })
})
