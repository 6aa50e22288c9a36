import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

import { ReleaseError } from '../errors.js'
import { formatBytes } from './asset-size.js'

/**
 * Which file an asset is, as found when the assets were planned: the inode (device and number)
 * and the content's size and modification time. Every later open of the asset (hashing, each
 * upload attempt) compares its handle with this, so the bytes that are hashed and uploaded are
 * those of the file that was checked, not of one moved or written over it since.
 */
export interface FileIdentity {
  readonly dev: number
  readonly ino: number
  readonly size: number
  readonly mtimeMs: number
}

// O_NONBLOCK: a FIFO swapped in for the file must not block the open waiting for a writer.
// Neither flag exists on Windows, where opening does not block and links are not in play.
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** What an open handle says about its file, in a form a worker thread can post. */
export interface ObservedFile extends FileIdentity {
  readonly regular: boolean
}

export function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs }
}

export function observe(stats: Stats): ObservedFile {
  return { ...identityOf(stats), regular: stats.isFile() }
}

/** How the observed file differs from `expected`, in words, or undefined when it is the same. */
export function describeChange(expected: FileIdentity, seen: ObservedFile): string | undefined {
  if (!seen.regular) return 'it is no longer a regular file'
  if (seen.dev !== expected.dev || seen.ino !== expected.ino) {
    return 'another file has taken its place (moved, copied or linked over it)'
  }
  if (seen.size !== expected.size) {
    return `its size went from ${formatBytes(expected.size)} to ${formatBytes(seen.size)}`
  }
  if (seen.mtimeMs !== expected.mtimeMs) return 'it was written to (its modification time changed)'
  return undefined
}

/** Throws when the observed file is not the one planned. */
export function checkObserved(path: string, expected: FileIdentity, seen: ObservedFile): void {
  const change = describeChange(expected, seen)
  if (change !== undefined) throw fileChangedError(path, change)
}

export function fileChangedError(path: string, change: string): ReleaseError {
  return new ReleaseError({
    code: 'ASSET_INVALID',
    message: `${path} changed during the run: ${change}. It is not published, so the release never holds bytes that were not checked.`,
    hint: 'Make sure no other step or process writes, moves or replaces the assets while the release is published, then run the job again.',
  })
}

/** Throws when the file behind `handle` is not the one planned. */
export async function checkIdentity(
  handle: FileHandle,
  path: string,
  expected: FileIdentity,
): Promise<void> {
  checkObserved(path, expected, observe(await handle.stat()))
}

/**
 * Opens a planned file for reading, checking (on the open handle, so nothing can be swapped in
 * between) that it is still the file that was planned. Without an identity (files the tool
 * writes itself) it only opens.
 */
export async function openPlannedFile(
  path: string,
  expected: FileIdentity | undefined,
): Promise<FileHandle> {
  const handle = await open(path, READ_FLAGS)
  if (expected === undefined) return handle
  try {
    await checkIdentity(handle, path, expected)
  } catch (error) {
    await handle.close()
    throw error
  }
  return handle
}

/**
 * The stats of a file found by discovery (`realPath`, with no link left in it), read from an
 * open handle so that they are those of a file that can be read. The handle is closed at once:
 * thousands of assets never hold thousands of descriptors. Synchronous, as discovery is: see
 * search-pattern.ts.
 */
export function statOpenedFile(realPath: string): Stats {
  const fd = openSync(realPath, READ_FLAGS | (constants.O_NOFOLLOW ?? 0))
  try {
    return fstatSync(fd)
  } finally {
    closeSync(fd)
  }
}
