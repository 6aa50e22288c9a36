import {
  buildEvidence,
  parseEvidence,
  sameEvidence,
  serialiseEvidence,
  type EvidenceInput,
} from '../../src/evidence/build-evidence.js'

const input = (overrides: Partial<EvidenceInput> = {}): EvidenceInput => ({
  platform: 'gitlab',
  release: {
    tagName: 'v1.0.0',
    name: 'One',
    description: 'notes',
    commitSha: 'abc123',
    webUrl: 'https://gitlab.example.com/g/p/-/releases/v1.0.0',
    draft: false,
    milestones: ['m1'],
    milestoneStats: [{ title: 'm1', issues: { total: 4, closed: 3 } }],
  },
  assets: [
    { name: 'b.zip', url: 'https://x/b.zip', size: 2, sha256: 'bb' },
    { name: 'a.zip', url: 'https://x/a.zip', size: 1, sha256: 'aa' },
  ],
  externalLinks: [{ name: 'docs', url: 'https://docs', linkType: 'runbook' }],
  ci: { system: 'gitlab-ci', pipelineUrl: 'https://p/1', jobUrl: 'https://j/1', jobId: '1' },
  collectedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
})

describe('the local evidence', () => {
  it('is an in-toto Statement v1 whose subjects are the assets, sorted by name', () => {
    const statement = buildEvidence(input())
    expect(statement._type).toBe('https://in-toto.io/Statement/v1')
    expect(statement.subject).toEqual([
      { name: 'a.zip', digest: { sha256: 'aa' } },
      { name: 'b.zip', digest: { sha256: 'bb' } },
    ])
    expect(statement.predicate.release).toMatchObject({
      tag_name: 'v1.0.0',
      commit_sha: 'abc123',
      milestones: [{ title: 'm1', issues_total: 4, issues_closed: 3 }],
    })
    expect(statement.predicate.pipeline.pipeline_url).toBe('https://p/1')
    expect(statement.predicate.links).toEqual([
      { name: 'docs', url: 'https://docs', link_type: 'runbook' },
    ])
  })

  it('counts as unchanged when only the collection time and the pipeline differ', () => {
    const first = buildEvidence(input())
    const later = buildEvidence(
      input({ collectedAt: '2027-01-01T00:00:00.000Z', ci: { system: 'none' } }),
    )
    expect(sameEvidence(first, later)).toBe(true)
  })

  it('counts as changed when an asset changes', () => {
    const first = buildEvidence(input())
    const changed = buildEvidence(
      input({ assets: [{ name: 'a.zip', url: 'https://x/a.zip', size: 1, sha256: 'cc' }] }),
    )
    expect(sameEvidence(first, changed)).toBe(false)
  })

  it('round-trips through its serialised form and rejects other JSON', () => {
    const statement = buildEvidence(input())
    expect(parseEvidence(serialiseEvidence(statement))).toEqual(statement)
    expect(parseEvidence('{"_type":"other"}')).toBeUndefined()
    expect(parseEvidence('not json')).toBeUndefined()
  })
})
