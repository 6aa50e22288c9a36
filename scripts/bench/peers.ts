/**
 * Peers that publish the same release to the same fake GitLab, installed for the benchmark only
 * and never into the project: `@semantic-release/gitlab` under `.bench/peers` (npm --prefix) and
 * the python-gitlab CLI from Debian (`gitlab-cli`, whose command is `python-gitlab`; pip installs
 * name it `gitlab`). A peer that cannot be installed is reported as such and skipped.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface PeerStatus {
  readonly installed: boolean
  readonly version?: string
  readonly note: string
}

export interface Peers {
  readonly semanticRelease: PeerStatus & { readonly plugin?: string }
  readonly pythonGitlab: PeerStatus & { readonly command?: string }
}

interface CommandResult {
  readonly code: number
  readonly output: string
}

function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = ''
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: -1, output: error.message })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, output })
    })
  })
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .pop() ?? ''
  )
}

async function installSemanticRelease(
  peersDir: string,
  log: (line: string) => void,
): Promise<Peers['semanticRelease']> {
  const pluginDir = path.join(peersDir, 'node_modules/@semantic-release/gitlab')
  if (!existsSync(path.join(pluginDir, 'package.json'))) {
    log(`Installing @semantic-release/gitlab and semantic-release into ${peersDir} (bench only)`)
    await mkdir(peersDir, { recursive: true })
    const manifest = path.join(peersDir, 'package.json')
    if (!existsSync(manifest)) {
      await writeFile(manifest, `${JSON.stringify({ name: 'bench-peers', private: true })}\n`)
    }
    const result = await runCommand(
      'npm',
      [
        'install',
        '--prefix',
        peersDir,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '@semantic-release/gitlab',
        'semantic-release',
      ],
      { timeoutMs: 300_000 },
    )
    if (result.code !== 0) {
      return { installed: false, note: `not installed: npm failed (${lastLine(result.output)})` }
    }
  }
  const plugin = path.join(pluginDir, 'index.js')
  if (!existsSync(plugin)) return { installed: false, note: 'not installed: no index.js' }
  const { readFile } = await import('node:fs/promises')
  const manifest = JSON.parse(await readFile(path.join(pluginDir, 'package.json'), 'utf8')) as {
    version?: string
  }
  return {
    installed: true,
    plugin,
    ...(manifest.version === undefined ? {} : { version: manifest.version }),
    note: 'generic package mode (assets target: generic_package)',
  }
}

function findOnPath(names: readonly string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])
  for (const name of names) {
    for (const dir of dirs) {
      const file = path.join(dir, name)
      if (dir !== '' && existsSync(file)) return file
    }
  }
  return undefined
}

async function installPythonGitlab(log: (line: string) => void): Promise<Peers['pythonGitlab']> {
  const names = ['python-gitlab', 'gitlab']
  let command = findOnPath(names)
  if (command === undefined && existsSync('/usr/bin/apt-get')) {
    log('Installing the python-gitlab CLI from Debian (apt-get install gitlab-cli)')
    // gitlab-cli holds the command; python3-gitlab only the library it depends on.
    let result = await runCommand('apt-get', ['install', '-y', 'gitlab-cli'], {
      timeoutMs: 300_000,
    })
    if (result.code !== 0) {
      await runCommand('apt-get', ['update'], { timeoutMs: 300_000 })
      result = await runCommand('apt-get', ['install', '-y', 'gitlab-cli'], { timeoutMs: 300_000 })
    }
    if (result.code !== 0) {
      return {
        installed: false,
        note: `not installed: apt-get failed (${lastLine(result.output)})`,
      }
    }
    command = findOnPath(names)
  }
  if (command === undefined) return { installed: false, note: 'not installed: no apt-get' }
  const version = await runCommand(command, ['--version'], { timeoutMs: 30_000 })
  return {
    installed: true,
    command,
    version: version.output.trim(),
    note: 'generic-package upload per file (xargs -P 4), release create, one link create per file',
  }
}

export async function installPeers(peersDir: string, log: (line: string) => void): Promise<Peers> {
  return {
    semanticRelease: await installSemanticRelease(peersDir, log),
    pythonGitlab: await installPythonGitlab(log),
  }
}

export interface GitLabTarget {
  /** http://127.0.0.1:port */
  readonly url: string
  readonly apiUrl: string
  readonly projectId: string
  readonly projectPath: string
  readonly jobToken: string
  readonly commitSha: string
}

/** The job file for semantic-release-publish.mjs. */
export function semanticReleaseJob(
  plugin: string,
  target: GitLabTarget,
  tag: string,
  assetDir: string,
): unknown {
  return {
    plugin,
    pluginConfig: {
      useJobToken: true,
      assets: [{ path: path.join(assetDir, '*'), target: 'generic_package' }],
    },
    context: {
      cwd: assetDir,
      envCi: { service: 'gitlab' },
      env: {
        CI_JOB_TOKEN: target.jobToken,
        CI_API_V4_URL: target.apiUrl,
        CI_PROJECT_ID: target.projectId,
        CI_PROJECT_PATH: target.projectPath,
        CI_PROJECT_URL: `${target.url}/${target.projectPath}`,
      },
      options: { repositoryUrl: `${target.url}/${target.projectPath}.git` },
      nextRelease: {
        gitTag: tag,
        gitHead: target.commitSha,
        version: tag.replace(/^v/, ''),
        notes: `Release ${tag}`,
      },
    },
  }
}

/** python-gitlab's config file: the job token, no TLS (loopback). */
export function pythonGitlabConfig(target: GitLabTarget): string {
  return [
    '[global]',
    'default = bench',
    'ssl_verify = false',
    'timeout = 600',
    '',
    '[bench]',
    `url = ${target.url}`,
    `job_token = ${target.jobToken}`,
    'api_version = 4',
    '',
  ].join('\n')
}

/**
 * The release job with the python-gitlab CLI, as a person would script it: every file to the
 * generic package registry (4 at a time), then the release, then one link per file (its
 * `--assets` option takes only a string, which the API refuses as links).
 */
export function pythonGitlabScript(
  command: string,
  configFile: string,
  target: GitLabTarget,
  tag: string,
  assetDir: string,
  parallel: number,
): string {
  const version = tag.replace(/^v/, '')
  const packageUrl = `${target.apiUrl}/projects/${target.projectId}/packages/generic/release-assets/${version}`
  const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`
  const cli = `${q(command)} -c ${q(configFile)}`
  return [
    'set -u',
    `cd ${q(assetDir)}`,
    'status=0',
    `printf '%s\\0' * | xargs -0 -P ${parallel} -I{} ${cli} generic-package upload --project-id ${target.projectId} --package-name release-assets --package-version ${q(version)} --file-name {} --path {} > /dev/null || status=1`,
    `${cli} project-release create --project-id ${target.projectId} --tag-name ${q(tag)} --name ${q(tag)} --description ${q(`Release ${tag}`)} > /dev/null || status=1`,
    `printf '%s\\0' * | xargs -0 -P ${parallel} -I{} ${cli} project-release-link create --project-id ${target.projectId} --tag-name ${q(tag)} --name {} --url ${q(packageUrl)}/{} --link-type package > /dev/null || status=1`,
    'exit $status',
    '',
  ].join('\n')
}
