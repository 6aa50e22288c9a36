/** Files and helpers the hardening tests share. */
import { createHash } from 'node:crypto'

import { ReleaseError, InputErrors } from '../../../src/errors.js'
import type { ForgeName, ForgeScenario } from '../../support/forge-scenarios.js'
import type { LoggedRequest } from '../../support/fake-forge/index.js'

/** Three build outputs of different sizes; the largest is big enough to be cut mid-body. */
export const BUILD_FILES: Readonly<Record<string, string>> = {
  'dist/app-linux-amd64.tar.gz': 'linux build '.repeat(10_000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build '.repeat(4_000),
  'dist/app-windows-amd64.zip': 'windows build '.repeat(2_000),
}

export const BUILD_NAMES = Object.keys(BUILD_FILES)
  .map((file) => file.replace(/^dist\//, ''))
  .sort()

/** What every published release of BUILD_FILES holds. */
export const PUBLISHED_NAMES = [
  ...BUILD_NAMES,
  'SHA256SUMS',
  'provenance.intoto.json',
  'release-evidence.intoto.json',
].sort()

export const sha256 = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex')

/** Requests that reached the fake's API as a `METHOD /path` list (query dropped). */
export function describeRequests(requests: readonly LoggedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)
}

/** The one input an error (a ReleaseError, or InputErrors with one problem) names. */
export function namedInputs(error: unknown): string[] {
  if (error instanceof InputErrors) return error.problems.map((p) => p.input ?? '?')
  if (error instanceof ReleaseError) return [error.input ?? '?']
  return []
}

/** The hint(s) of an error: what would fix it. */
export function hintsOf(error: unknown): string[] {
  if (error instanceof InputErrors) return error.problems.map((p) => p.hint ?? '')
  if (error instanceof ReleaseError) return [error.hint ?? '']
  return []
}

/** A run's tag per forge, so failures name the forge in the release too. */
export function tagFor(forge: ForgeName, suffix = ''): string {
  return `v1.${['gitlab', 'gongfeng', 'github', 'gitea'].indexOf(forge)}.0${suffix}`
}

/** Asserts nothing a user would clean by hand is left and every file is there once. */
export async function expectPublished(
  scenario: ForgeScenario,
  tag: string,
  names: readonly string[] = PUBLISHED_NAMES,
): Promise<void> {
  const state = await scenario.endState(tag)
  expect(state.problems).toEqual([])
  expect(state.releases).toEqual([tag])
  expect(state.files.map((f) => f.name)).toEqual([...names].sort())
  expect(scenario.errors()).toEqual([])
}
