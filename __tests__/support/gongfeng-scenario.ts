/** A fake Gongfeng with one project, a commit on master and a token, for end-to-end tests. */
import {
  startFakeGongfeng,
  type FakeGongfeng,
  type FakeGongfengOptions,
} from './fake-forge/index.js'
import type { Env } from './run-tool.js'

export const GONGFENG_TOKEN = 'gfpat-Secr3tT0ken-5e6f7a8b'
export const PROJECT = 'tencent/code'
export const PROJECT_ID = 85436

export interface GongfengScenario {
  readonly gongfeng: FakeGongfeng
  readonly masterSha: string
  /** Inputs as a person or a pipeline passes them (token_type left to `auto`). */
  env(extra?: Env): Env
  /** `METHOD /path` of every request that could change state, query left out. */
  writes(): string[]
  close(): Promise<void>
}

export async function startGongfengScenario(
  options: FakeGongfengOptions = {},
): Promise<GongfengScenario> {
  const gongfeng = await startFakeGongfeng({
    projects: [{ id: PROJECT_ID, path_with_namespace: PROJECT }],
    tokens: { [GONGFENG_TOKEN]: { access: 'master', username: 'bili' } },
    ...options,
  })
  const masterSha = gongfeng.project(PROJECT).branches.get('master') ?? ''
  return {
    gongfeng,
    masterSha,
    env: (extra = {}) => ({
      INPUT_PLATFORM: 'gongfeng',
      INPUT_API_URL: gongfeng.apiUrl,
      INPUT_PROJECT: PROJECT,
      INPUT_TOKEN: GONGFENG_TOKEN,
      INPUT_VERIFY: 'true',
      ...extra,
    }),
    writes: () =>
      gongfeng.requests.writeRequests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`),
    close: () => gongfeng.close(),
  }
}
