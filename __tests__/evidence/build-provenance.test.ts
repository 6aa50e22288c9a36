import {
  BY_HAND_BUILD_TYPE,
  buildProvenance,
  parseProvenance,
  sameProvenance,
  serialiseProvenance,
  type ProvenanceInput,
} from '../../src/evidence/build-provenance.js'
import type { RemoteRelease } from '../../src/plan/remote.js'

const release: RemoteRelease = {
  tagName: 'v1.2.0',
  name: 'v1.2.0',
  description: '',
  webUrl: 'https://github.com/octo/app/releases/tag/v1.2.0',
  draft: false,
  commitSha: 'c'.repeat(40),
}
const subjects = [
  { name: 'app.zip', sha256: 'b'.repeat(64) },
  { name: 'SHA256SUMS', sha256: 'a'.repeat(64) },
]
const DOC = 'https://github.com/forge-release/forge-release/blob/main/docs/provenance-v1.md'
const githubCi: ProvenanceInput['ci'] = {
  system: 'github-actions',
  serverUrl: 'https://github.com',
  projectUrl: 'https://github.com/octo/app',
  pipelineUrl: 'https://github.com/octo/app/actions/runs/7',
  invocationUrl: 'https://github.com/octo/app/actions/runs/7/attempts/1',
  jobId: 'release',
  projectPath: 'octo/app',
  ref: 'refs/tags/v1.2.0',
  commitSha: 'c'.repeat(40),
  trigger: 'push',
  workflowPath: '.github/workflows/release.yml',
  runnerEnvironment: 'self-hosted',
}

describe('buildProvenance', () => {
  it('sorts the subjects as SHA256SUMS sorts names, and is an in-toto Statement v1', () => {
    const statement = buildProvenance({ subjects, release, ci: githubCi })
    expect(statement._type).toBe('https://in-toto.io/Statement/v1')
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1')
    expect(statement.subject).toEqual([
      { name: 'SHA256SUMS', digest: { sha256: 'a'.repeat(64) } },
      { name: 'app.zip', digest: { sha256: 'b'.repeat(64) } },
    ])
  })

  it('names the runner kind as the builder on GitHub Actions', () => {
    const { predicate } = buildProvenance({ subjects, release, ci: githubCi })
    expect(predicate.runDetails.builder.id).toBe('https://github.com/actions/runner/self-hosted')
  })

  it('writes its own build type, not GitHub’s, when Forgejo or Gitea Actions ran the workflow', () => {
    const forgejo = 'https://code.example.org'
    const { predicate } = buildProvenance({
      subjects,
      release: { ...release, webUrl: `${forgejo}/forge/app/releases/tag/v1.2.0` },
      ci: {
        system: 'github-actions',
        giteaActions: true,
        serverUrl: forgejo,
        projectUrl: `${forgejo}/forge/app`,
        pipelineUrl: `${forgejo}/forge/app/actions/runs/17`,
        invocationUrl: `${forgejo}/forge/app/actions/runs/17`,
        jobId: 'release',
        ref: 'refs/tags/v1.2.0',
        commitSha: 'c'.repeat(40),
        trigger: 'push',
      },
    })
    expect(predicate).toEqual({
      buildDefinition: {
        buildType: `${DOC}#forgejo-and-gitea-actions`,
        externalParameters: {
          workflow: { ref: 'refs/tags/v1.2.0', repository: `${forgejo}/forge/app` },
        },
        internalParameters: { gitea: { event_name: 'push', job: 'release' } },
        resolvedDependencies: [
          {
            uri: `git+${forgejo}/forge/app@refs/tags/v1.2.0`,
            digest: { gitCommit: 'c'.repeat(40) },
          },
        ],
      },
      runDetails: {
        builder: { id: `${forgejo}/actions` },
        metadata: { invocationId: `${forgejo}/forge/app/actions/runs/17` },
      },
    })
  })

  it('adds the released commit when the workflow ran at another one', () => {
    const { predicate } = buildProvenance({
      subjects,
      release: { ...release, commitSha: 'd'.repeat(40) },
      ci: { ...githubCi, ref: 'refs/heads/main' },
    })
    expect(predicate.buildDefinition.resolvedDependencies).toEqual([
      {
        uri: 'git+https://github.com/octo/app@refs/heads/main',
        digest: { gitCommit: 'c'.repeat(40) },
      },
      {
        uri: 'git+https://github.com/octo/app@refs/tags/v1.2.0',
        digest: { gitCommit: 'd'.repeat(40) },
      },
    ])
  })

  it('describes a run by hand from the release alone', () => {
    const { predicate } = buildProvenance({ subjects, release, ci: { system: 'none' } })
    expect(predicate).toEqual({
      buildDefinition: {
        buildType: BY_HAND_BUILD_TYPE,
        externalParameters: { project: 'https://github.com/octo/app', tag_name: 'v1.2.0' },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/octo/app@refs/tags/v1.2.0',
            digest: { gitCommit: 'c'.repeat(40) },
          },
        ],
      },
      runDetails: { builder: { id: BY_HAND_BUILD_TYPE } },
    })
  })
})

describe('sameProvenance', () => {
  const first = buildProvenance({ subjects, release, ci: githubCi })

  it('ignores which run and runner wrote it: a re-run keeps the statement', () => {
    const rerun = buildProvenance({
      subjects,
      release,
      ci: {
        ...githubCi,
        invocationUrl: 'https://github.com/octo/app/actions/runs/7/attempts/2',
        runnerEnvironment: 'github-hosted',
      },
    })
    expect(sameProvenance(first, rerun)).toBe(true)
  })

  it.each([
    ['another file', { subjects: [...subjects, { name: 'b.zip', sha256: 'e'.repeat(64) }] }],
    ['another workflow', { ci: { ...githubCi, workflowPath: '.github/workflows/other.yml' } }],
    ['another commit', { release: { ...release, commitSha: 'f'.repeat(40) } }],
  ])('sees %s', (_what, change) => {
    expect(
      sameProvenance(first, buildProvenance({ subjects, release, ci: githubCi, ...change })),
    ).toBe(false)
  })

  it('reads back what it writes, and nothing else', () => {
    expect(parseProvenance(serialiseProvenance(first))).toEqual(first)
    expect(parseProvenance('{"_type":"https://in-toto.io/Statement/v1"}')).toBeUndefined()
    expect(parseProvenance('not json')).toBeUndefined()
  })
})
