import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { createCliRuntime } from '../../src/runtime/cli.js'
import { createGitHubActionsRuntime } from '../../src/runtime/github-actions.js'
import { createGitLabCiRuntime } from '../../src/runtime/gitlab-ci.js'
import { registerSecret } from '../../src/secrets.js'
import { parseGitHubOutput } from '../support/run-tool.js'

describe('the GitHub Actions runtime writing through a stream (--json)', () => {
  it('writes groups, warnings, debug lines and the failure as workflow commands', async () => {
    let text = ''
    const runtime = createGitHubActionsRuntime({}, { write: (t) => (text += t) })
    await runtime.log.group('Uploading assets', () => {
      runtime.log.info('Uploading a.tar.gz (1.0 KiB)')
      runtime.log.warn('50% done\nsecond line')
      runtime.log.debug('details')
      return Promise.resolve()
    })
    runtime.reportFailure("Input 'ref': is not set.")
    expect(text).toBe(
      [
        '::group::Uploading assets',
        'Uploading a.tar.gz (1.0 KiB)',
        // Data is escaped as @actions/core does, so a message stays one command.
        '::warning::50%25 done%0Asecond line',
        '::debug::details',
        '::endgroup::',
        "::error::Input 'ref': is not set.",
        '',
      ].join('\n'),
    )
  })

  it('keeps user data from issuing workflow commands and redacts secrets', () => {
    registerSecret('ghs_RuntimeTestSecret42')
    let text = ''
    const runtime = createGitHubActionsRuntime({}, { write: (t) => (text += t) })
    runtime.log.info('::add-mask::x from a file name, token ghs_RuntimeTestSecret42')
    expect(text).not.toMatch(/^::add-mask::/m)
    expect(text).not.toContain('ghs_RuntimeTestSecret42')
  })

  it('still writes step outputs to GITHUB_OUTPUT', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-release-gh-'))
    const file = path.join(dir, 'output')
    await writeFile(file, '')
    const saved = process.env.GITHUB_OUTPUT
    process.env.GITHUB_OUTPUT = file
    try {
      const runtime = createGitHubActionsRuntime({}, { write: () => undefined })
      await runtime.writeOutputs({ tag_name: 'v1.0.0', assets: '[{"name":"a"}]' })
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT
      else process.env.GITHUB_OUTPUT = saved
    }
    expect(parseGitHubOutput(await readFile(file, 'utf8'))).toEqual({
      tag_name: 'v1.0.0',
      assets: '[{"name":"a"}]',
    })
  })
})

describe('the GitLab CI runtime', () => {
  it('logs through the given writer, with the job directory as working directory', async () => {
    const lines: string[] = []
    const runtime = createGitLabCiRuntime({ CI_PROJECT_DIR: '/builds/group/app' }, (l) =>
      lines.push(l),
    )
    expect(runtime.cwd).toBe('/builds/group/app')
    expect(runtime.progressIntervalMs).toBeGreaterThanOrEqual(3000)
    runtime.reportFailure('Tag v1 does not exist')
    await runtime.writeSummary('| asset |\n|---|')
    expect(lines).toEqual(['ERROR: Tag v1 does not exist', '| asset |', '|---|'])
  })
})

describe('the CLI runtime', () => {
  it('prints outputs as name=value lines on stdout, without the long assets JSON', async () => {
    let stdout = ''
    const runtime = createCliRuntime(
      {},
      { printOutputs: true, stdout: (t) => (stdout += t), stderr: () => undefined },
    )
    await runtime.writeOutputs({ tag_name: 'v1', assets: '[]', created: 'true' })
    expect(stdout).toBe('tag_name=v1\ncreated=true\n')
  })

  it('prints nothing on stdout when the caller prints JSON instead', async () => {
    let stdout = ''
    const runtime = createCliRuntime(
      {},
      { printOutputs: false, stdout: (t) => (stdout += t), stderr: () => undefined },
    )
    await runtime.writeOutputs({ tag_name: 'v1' })
    expect(stdout).toBe('')
  })

  it('logs on stderr, and reports progress in place and more often on a terminal', () => {
    let stderr = ''
    const tty = createCliRuntime(
      {},
      { printOutputs: true, stderr: (t) => (stderr += t), interactive: true },
    )
    const pipe = createCliRuntime(
      {},
      { printOutputs: true, stderr: (t) => (stderr += t), interactive: false },
    )
    expect(tty.progressIntervalMs).toBeLessThan(pipe.progressIntervalMs)
    expect('showProgress' in tty.log).toBe(true)
    expect('showProgress' in pipe.log).toBe(false)
    tty.log.info('hello')
    expect(stderr).toBe('hello\n')
  })

  it('shows debug lines when FORGE_RELEASE_DEBUG is true', () => {
    let stderr = ''
    const runtime = createCliRuntime(
      { FORGE_RELEASE_DEBUG: 'true' },
      { printOutputs: true, stderr: (t) => (stderr += t) },
    )
    runtime.log.debug('request GET /projects/42')
    expect(stderr).toBe('DEBUG: request GET /projects/42\n')
  })
})
