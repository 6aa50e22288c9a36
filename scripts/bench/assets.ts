/**
 * Asset files for the benchmark, sparse where possible so gigabytes cost no disk: a file is a
 * hole of its full size with a small unique header written at its start (so every file has its
 * own sha256 and a re-run cannot be satisfied by an accidental duplicate).
 */
import { open, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'

export const MIB = 1024 * 1024
export const GIB = 1024 * MIB

/** Creates `file` of `size` bytes: `header` at offset 0, a hole after it. */
export async function writeSparseFile(file: string, size: number, header: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const handle = await open(file, 'w')
  try {
    const bytes = Buffer.from(header, 'utf8').subarray(0, size)
    if (bytes.length > 0) await handle.write(bytes, 0, bytes.length, 0)
    await handle.truncate(size)
  } finally {
    await handle.close()
  }
}

export interface AssetSet {
  readonly dir: string
  /** File names, relative to `dir`. */
  readonly names: readonly string[]
  readonly totalBytes: number
}

/** `count` files of `size` bytes named `<prefix>-NNN.bin` in a fresh `dir`. */
export async function makeAssetSet(
  dir: string,
  count: number,
  size: number,
  prefix: string,
): Promise<AssetSet> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    const name = count === 1 ? `${prefix}.bin` : `${prefix}-${String(i).padStart(3, '0')}.bin`
    await writeSparseFile(path.join(dir, name), size, `${prefix} file ${i} of ${count}\n`)
    names.push(name)
  }
  return { dir, names, totalBytes: count * size }
}

/** Changes one file's content in place (same size), as a rebuilt artefact would. */
export async function changeFile(file: string, marker: string): Promise<void> {
  const handle = await open(file, 'r+')
  try {
    const bytes = Buffer.from(`changed ${marker}\n`, 'utf8')
    await handle.write(bytes, 0, bytes.length, 0)
  } finally {
    await handle.close()
  }
}
