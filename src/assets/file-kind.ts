import type { Stats } from 'node:fs'

import { isWithin } from './follow-symlinks.js'

/**
 * procfs and sysfs make their files' content up when they are read and report a size that is
 * not theirs (0 for /proc/self/environ), so they are never assets, whatever their type says.
 * https://docs.kernel.org/filesystems/proc.html
 */
const KERNEL_FILE_SYSTEMS = process.platform === 'linux' ? ['/proc', '/sys'] : []

/**
 * What a file that cannot be an asset is, in words for an error ("a FIFO (named pipe)"), or
 * undefined for a regular file or a directory. `realPath` is where the file really is.
 */
export function describeNonRegularFile(stats: Stats, realPath: string): string | undefined {
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (KERNEL_FILE_SYSTEMS.some((root) => isWithin(realPath, root))) {
    return 'a file the kernel generates (under /proc or /sys)'
  }
  if (stats.isFile() || stats.isDirectory()) return undefined
  return 'not a regular file'
}
