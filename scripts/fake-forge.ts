/**
 * `npm run fake-forge`: the fake GitLab, Gongfeng and GitHub servers of the test suite on fixed
 * ports of 127.0.0.1, each with a project `demo/app` and a token, and the commands that publish
 * to them. It stays up until Ctrl-C; the state lives in memory and goes with it.
 *
 *   npm run fake-forge                      GitLab :4010, Gongfeng :4020, GitHub :4030-4032
 *   npm run fake-forge -- --port-base 5000  GitLab :5010, Gongfeng :5020, GitHub :5030-5032
 *   FAKE_FORGE_PORT_BASE=5000 npm run fake-forge
 *
 * `--port-base 0` takes any free ports.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import {
  startFakeGitHub,
  startFakeGitLab,
  startFakeGongfeng,
  type FakeServer,
} from '../__tests__/support/fake-forge/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const DEFAULT_PORT_BASE = 4000
export const PROJECT = 'demo/app'
export const TAG = 'v1.0.0'
export const TOKENS = {
  gitlab: 'glpat-fake-forge-demo-token',
  gongfeng: 'gfpat-fake-forge-demo-token',
  github: 'ghp_FakeForgeDemoToken0001',
} as const
/** The commit `main` points at on the fake GitHub, fixed so that examples/local-action.env can name it. */
export const GITHUB_MAIN_SHA = '5f0c6e3a4b1d2e7f8a9b0c1d2e3f4a5b6c7d8e9f'

const USAGE = `Usage: npm run fake-forge [-- --port-base <n>]

Starts a fake GitLab on 127.0.0.1:<n>+10, Gongfeng on <n>+20 and GitHub on <n>+30 (uploads
<n>+31, downloads <n>+32), each with the project ${PROJECT} and a token, prints the commands that
publish to them and stays up until Ctrl-C. <n> defaults to $FAKE_FORGE_PORT_BASE or
${DEFAULT_PORT_BASE}; 0 takes any free ports.
`

export function parsePortBase(argv: readonly string[], env: NodeJS.ProcessEnv): number | 'help' {
  let value = env.FAKE_FORGE_PORT_BASE ?? String(DEFAULT_PORT_BASE)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--help' || arg === '-h') return 'help'
    if (arg === '--port-base' || arg === '--port_base') value = argv[++i] ?? ''
    else if (/^--port[-_]base=/.test(arg)) value = arg.slice(arg.indexOf('=') + 1)
    else throw new Error(`unknown argument ${arg}\n\n${USAGE}`)
  }
  const base = Number(value)
  if (!/^\d+$/.test(value) || (base !== 0 && (base < 1024 || base + 32 > 65535))) {
    throw new Error(`--port-base must be 0 or a number from 1024 to 65503, not '${value}'`)
  }
  return base
}

/** A shell word, quoted only when it needs to be. */
const quote = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`

export function publishCommand(platform: string, apiUrl: string, token: string): string {
  const args = [
    ['--platform', platform],
    ['--api_url', apiUrl],
    ['--project', PROJECT],
    ['--token', token],
    ['--tag_name', TAG],
    ['--ref', 'main'],
    ['--assets', 'dist/*'],
  ]
  return [
    'node dist/index.js',
    ...args.map(([flag, value]) => `${flag} ${quote(value ?? '')}`),
  ].join(' ')
}

/** Prints each answered request as `[gitlab] PUT /api/v4/… 201`, in arrival order per server. */
function watchRequests(servers: readonly (readonly [string, FakeServer])[]): NodeJS.Timeout {
  const printed = new Map<string, number>()
  return setInterval(() => {
    for (const [name, server] of servers) {
      const all = server.requests.all()
      let next = printed.get(name) ?? 0
      while (next < all.length && all[next]?.status !== undefined) {
        const entry = all[next]
        if (entry !== undefined) {
          console.log(`[${name}] ${entry.method} ${entry.path} ${entry.status ?? ''}`)
        }
        next++
      }
      printed.set(name, next)
    }
  }, 200)
}

async function main(): Promise<void> {
  let base: number | 'help'
  try {
    base = parsePortBase(process.argv.slice(2), process.env)
  } catch (error) {
    console.error(`fake-forge: ${(error as Error).message}`)
    process.exitCode = 2
    return
  }
  if (base === 'help') {
    console.log(USAGE)
    return
  }
  const port = (offset: number): number => (base === 0 ? 0 : base + offset)
  const started: { close(): Promise<void> }[] = []
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.splice(0).map((server) => server.close()))
  }
  try {
    const gitlab = await startFakeGitLab({
      port: port(10),
      projects: [{ id: 1, path_with_namespace: PROJECT, visibility: 'private' }],
      tokens: { [TOKENS.gitlab]: { type: 'private', access: 'maintainer' } },
    })
    started.push(gitlab)
    const gongfeng = await startFakeGongfeng({
      port: port(20),
      projects: [{ id: 1, path_with_namespace: PROJECT, default_branch: 'main' }],
      tokens: { [TOKENS.gongfeng]: { access: 'master', username: 'demo' } },
    })
    started.push(gongfeng)
    const github = await startFakeGitHub({
      ports: { api: port(30), uploads: port(31), downloads: port(32) },
      repos: [{ fullName: PROJECT, private: true, branches: { main: GITHUB_MAIN_SHA } }],
      tokens: { [TOKENS.github]: { permission: 'write', login: 'demo' } },
    })
    started.push(github)

    const lines = [
      `Fake forges on 127.0.0.1, project ${PROJECT} on each (state in memory; Ctrl-C stops them):`,
      '',
      `  GitLab    ${gitlab.apiUrl}  token ${TOKENS.gitlab}`,
      `  Gongfeng  ${gongfeng.apiUrl}  token ${TOKENS.gongfeng}`,
      `  GitHub    ${github.apiUrl}  token ${TOKENS.github}  (uploads ${github.uploadsUrl}, main at ${GITHUB_MAIN_SHA})`,
      '',
      `Publish dist/* as release ${TAG}: run one of these in another terminal, in ${root}`,
      '(dist/index.js is committed; `npm run build` rebuilds it from src/):',
      '',
      '# GitLab',
      publishCommand('gitlab', gitlab.apiUrl, TOKENS.gitlab),
      '# Gongfeng',
      publishCommand('gongfeng', gongfeng.apiUrl, TOKENS.gongfeng),
      '# GitHub',
      publishCommand('github', github.apiUrl, TOKENS.github),
      '',
      'Add --dry_run to see the requests without sending them, --json for the outputs as JSON.',
      `The release as GitLab holds it: curl -H 'PRIVATE-TOKEN: ${TOKENS.gitlab}' ${gitlab.apiUrl}/projects/${encodeURIComponent(PROJECT)}/releases/${TAG}`,
      base === DEFAULT_PORT_BASE
        ? 'As a GitHub Action step: npx @github/local-action run . src/local-action.ts examples/local-action.env'
        : `As a GitHub Action step: copy examples/local-action.env and point its URLs at ${github.apiUrl}`,
      '',
      'Ready.',
    ]
    console.log(lines.join('\n'))
    const watcher = watchRequests([
      ['gitlab', gitlab],
      ['gongfeng', gongfeng],
      ['github', github.api],
      ['github-uploads', github.uploads],
      ['github-downloads', github.downloads],
    ])
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    clearInterval(watcher)
    console.log('Stopping the fake forges.')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    console.error(
      code === 'EADDRINUSE'
        ? `fake-forge: ${(error as Error).message}: another program uses the port; choose other ports with --port-base <n>`
        : `fake-forge: ${(error as Error).stack ?? String(error)}`,
    )
    process.exitCode = 1
  } finally {
    await closeAll()
  }
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main()
  // A server that failed to start halfway (one GitHub port taken) may still hold the others.
  if (process.exitCode === 1) process.exit(1)
}
