import fc from 'fast-check'

import type { LocalFile } from '../../src/assets/local-file.js'
import { ReleaseError } from '../../src/errors.js'
import {
  type Reconciliation,
  filesToHashFirst,
  hasSameContent,
  reconcile,
  reconcileLinks,
} from '../../src/plan/reconcile.js'
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

/** A planned file whose sha256 is not known yet: it is hashed while it uploads. */
const unhashed = (name: string, size = 10): LocalFile => ({
  path: `/tmp/${name}`,
  name,
  size,
  linkType: 'other',
  directAssetPath: `/${name}`,
  contentType: 'application/octet-stream',
})

const planOf = (
  files: readonly LocalFile[],
  overrides: Partial<ReleasePlan<LocalFile>> = {},
): ReleasePlan<LocalFile> => ({ ...plan(), files, ...overrides })

const linkOnly = (name: string, sha256?: string, size?: number): RemoteAsset => ({
  ...stored(name, sha256, size),
  url: `https://elsewhere/${name}`,
  stored: false,
})

const catchError = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('filesToHashFirst', () => {
  const a = unhashed('a.zip', 10)
  const b = unhashed('b.zip', 20)

  test.each([
    ['nothing when the forge holds nothing', [], []],
    ['a file whose name the forge holds, with a sha256', [stored('a.zip', 'zz', 10)], ['a.zip']],
    [
      'a file whose name the forge holds, with a size only',
      [stored('a.zip', undefined, 99)],
      ['a.zip'],
    ],
    [
      'a file of the size of a stored asset no planned file claims (a renamed copy?)',
      [stored('a (1).zip', 'zz', 10)],
      ['a.zip'],
    ],
    [
      'every file when an unclaimed stored asset has a sha256 and no size',
      [stored('other.zip', 'zz')],
      ['a.zip', 'b.zip'],
    ],
    ['no file for an unclaimed asset of another size', [stored('other.zip', 'zz', 11)], []],
    ['no file for an unclaimed asset without a sha256', [stored('other.zip', undefined, 10)], []],
    [
      'only the namesake when the stored asset of the same size is claimed by it',
      [stored('b.zip', 'zz', 10)],
      ['b.zip'],
    ],
    ['no file for a plain link of the same name', [linkOnly('a.zip', 'zz', 10)], []],
    ['no file for a plain link of the same size', [linkOnly('other.zip', 'zz', 10)], []],
  ])('returns %s', (_what, remote, names) => {
    expect(filesToHashFirst([a, b], remote).map((f) => f.name)).toEqual(names)
  })

  it('never returns a file that already has a sha256', () => {
    const hashed = file('a.zip', 'aa', 10)
    const remote = [stored('a.zip', 'zz', 10), stored('other.zip', 'yy', 10)]
    expect(filesToHashFirst([hashed], remote)).toEqual([])
    expect(filesToHashFirst([hashed, unhashed('c.zip', 10)], remote).map((f) => f.name)).toEqual([
      'c.zip',
    ])
  })

  it('returns the files themselves, in plan order', () => {
    const remote = [stored('b.zip', 'zz', 20), stored('a.zip', 'yy', 10)]
    const result = filesToHashFirst([a, b], remote)
    expect(result).toHaveLength(2)
    expect(result[0]).toBe(a)
    expect(result[1]).toBe(b)
  })

  it('hashes enough that reconcile never meets an unhashed file it must compare, and decides as if all were hashed', () => {
    const sha = fc.constantFrom('aa', 'bb', 'cc')
    const name = fc.constantFrom('a.zip', 'b.zip', 'c.zip', 'a (1).zip', 'other.zip')
    const size = fc.constantFrom(10, 20)
    const remoteAsset = fc.record({
      name,
      url: fc.constant('https://forge/x'),
      stored: fc.boolean(),
      sha256: fc.option(sha, { nil: undefined }),
      size: fc.option(size, { nil: undefined }),
    })
    const planned = fc.uniqueArray(fc.record({ name, size, sha256: sha, hashed: fc.boolean() }), {
      selector: (f) => f.name,
      maxLength: 4,
    })
    fc.assert(
      fc.property(
        planned,
        fc.array(remoteAsset, { maxLength: 5 }),
        fc.constantFrom<'replace' | 'skip'>('replace', 'skip'),
        (specs, remote, ifAssetExists) => {
          const everyHashed = specs.map((f) => file(f.name, f.sha256, f.size))
          const partly = specs.map((f) =>
            f.hashed ? file(f.name, f.sha256, f.size) : unhashed(f.name, f.size),
          )
          const toHash = new Set(filesToHashFirst(partly, remote).map((f) => f.name))
          const asHashed = partly.map((f, i) => (toHash.has(f.name) ? (everyHashed[i] ?? f) : f))
          const decided = reconcile(planOf(asHashed, { ifAssetExists }), release(), remote)
          const expected = reconcile(planOf(everyHashed, { ifAssetExists }), release(), remote)
          const summary = (r: Reconciliation): string[] =>
            r.assets.map(
              (d) => `${d.file.name}:${d.kind}:${'existing' in d ? d.existing.name : ''}`,
            )
          expect(summary(decided)).toEqual(summary(expected))
        },
      ),
    )
  })
})

describe('reconcile with files not hashed yet', () => {
  it('uploads every unhashed file when the forge holds nothing', () => {
    const result = reconcile(planOf([unhashed('a.zip'), unhashed('b.zip')]), undefined, [])
    expect(result.release).toEqual({ kind: 'create' })
    expect(result.assets.map((d) => [d.kind, d.file.name])).toEqual([
      ['upload', 'a.zip'],
      ['upload', 'b.zip'],
    ])
  })

  test.each([
    ['an unclaimed asset of another size', [stored('other.zip', 'zz', 11)]],
    ['an unclaimed asset without a sha256', [stored('other.zip', undefined, 10)]],
    ['a plain link of the same name', [linkOnly('a.zip', 'zz', 10)]],
  ])('uploads an unhashed file next to %s', (_what, remote) => {
    expect(reconcile(planOf([unhashed('a.zip', 10)]), release(), remote).assets).toEqual([
      { kind: 'upload', file: unhashed('a.zip', 10) },
    ])
  })

  it('keeps an unhashed file whose namesake the forge knows only by the same size', () => {
    const result = reconcile(planOf([unhashed('a.zip', 10)]), release(), [
      stored('a.zip', undefined, 10),
    ])
    expect(result.assets[0]).toMatchObject({ kind: 'keep', existing: { name: 'a.zip' } })
  })

  test.each([
    ['a stored namesake with a sha256', [stored('a.zip', 'zz', 10)]],
    ['an unclaimed stored asset with a sha256 and the same size', [stored('a (1).zip', 'zz', 10)]],
    ['an unclaimed stored asset with a sha256 and no size', [stored('a (1).zip', 'zz')]],
  ])('refuses with INTERNAL to compare an unhashed file with %s', (_what, remote) => {
    const error = catchError(() => reconcile(planOf([unhashed('a.zip', 10)]), release(), remote))
    expect(error).toBeInstanceOf(ReleaseError)
    expect(error).toMatchObject({ code: 'INTERNAL' })
    expect((error as ReleaseError).message).toContain('a.zip')
  })

  it('takes no stored asset of another size for a renamed copy, even with the same sha256', () => {
    const result = reconcile(plan(), release(), [
      stored('a.renamed.zip', 'aa', 11),
      stored('b.zip', 'bb'),
    ])
    expect(result.assets[0]?.kind).toBe('upload')
  })

  it('decides the release alone when it exists and the policy is skip, hashing nothing', () => {
    const result = reconcile(planOf([unhashed('a.zip')], { ifReleaseExists: 'skip' }), release(), [
      stored('a.zip', 'zz', 10),
    ])
    expect(result).toEqual({ release: { kind: 'skip' }, assets: [] })
  })
})
