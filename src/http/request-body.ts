import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  openSync,
  type ReadStream,
} from 'node:fs'
import { Readable } from 'node:stream'

import { ReleaseError } from '../errors.js'
import { frameMultipart } from './multipart-framing.js'
import type { FileReadObserver, ReadTap, RequestBody } from './types.js'
import { plural } from '../plural.js'

/**
 * Read size for file bodies. With the read stream's default of 64 KiB, reading cost more than
 * sending: every chunk is a fresh buffer, and reading a 1 GiB file took 1.1 s of system time in
 * 16,384 chunks against 0.17 s in 1 MiB ones (measured on the bench machine).
 */
const READ_CHUNK_BYTES = 1024 * 1024

// A FIFO put in the file's place must not block the open waiting for a writer (no such flag,
// and no such risk, on Windows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** A request body ready to send any number of times. */
export interface PreparedBody {
  /** content-type and content-length. */
  readonly headers: Readonly<Record<string, string>>
  readonly length: number
  /**
   * A fresh body for one attempt; `onSent` gets each chunk's size as undici takes it. File
   * bodies reopen the file, so a retry after a mid-body failure sends the whole file again.
   */
  open(onSent: (bytes: number) => void): Promise<OpenedBody>
}

export interface OpenedBody {
  readonly body: Buffer | Readable
  /** Releases the file handle; safe to call more than once. */
  close(): void
}

export function prepareBody(body: RequestBody): PreparedBody {
  switch (body.kind) {
    case 'json':
      return prepareBuffer(Buffer.from(JSON.stringify(body.value), 'utf8'), 'application/json')
    case 'form':
      return prepareBuffer(
        Buffer.from(encodeForm(body.fields), 'utf8'),
        'application/x-www-form-urlencoded',
      )
    case 'file':
      return prepareFile(
        body.path,
        body.size,
        body.contentType ?? 'application/octet-stream',
        body.observer,
      )
    case 'multipart': {
      const framing = frameMultipart(body)
      return prepareFile(
        body.path,
        body.size,
        framing.contentType,
        body.observer,
        framing.preamble,
        framing.epilogue,
      )
    }
  }
}

/**
 * `application/x-www-form-urlencoded`; an array repeats its key with the `[]` suffix Rails and
 * Grape read as a list (`milestones[]=a&milestones[]=b`).
 */
export function encodeForm(fields: Readonly<Record<string, string | readonly string[]>>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') {
      params.append(name, value)
      continue
    }
    const listName = name.endsWith('[]') ? name : `${name}[]`
    for (const item of value) params.append(listName, item)
  }
  return params.toString()
}

function prepareBuffer(buffer: Buffer, contentType: string): PreparedBody {
  return {
    headers: { 'content-type': contentType, 'content-length': String(buffer.length) },
    length: buffer.length,
    open: (onSent) => {
      onSent(buffer.length)
      return Promise.resolve({ body: buffer, close: () => undefined })
    },
  }
}

function prepareFile(
  path: string,
  size: number,
  contentType: string,
  observer: FileReadObserver | undefined,
  preamble: Buffer = Buffer.alloc(0),
  epilogue: Buffer = Buffer.alloc(0),
): PreparedBody {
  const length = preamble.length + size + epilogue.length
  return {
    headers: { 'content-type': contentType, 'content-length': String(length) },
    length,
    // Through a promise, so that a failed open or check rejects, as the callers expect.
    open: (onSent) =>
      Promise.resolve().then(() =>
        openFileBody({ path, size, observer, preamble, epilogue }, onSent),
      ),
  }
}

interface FileBodyParts {
  readonly path: string
  readonly size: number
  readonly observer: FileReadObserver | undefined
  readonly preamble: Buffer
  readonly epilogue: Buffer
}

function openFileBody(parts: FileBodyParts, onSent: (bytes: number) => void): OpenedBody {
  const { path, size, observer, preamble, epilogue } = parts
  const fd = openChecked(path, size, observer)
  // An empty file has no byte range to read (the stream's end is inclusive), so its descriptor
  // is done with at once.
  const file = size === 0 ? undefined : streamFrom(fd, path, size)
  if (file === undefined) closeSync(fd)
  const recheck = (): void => observer?.checkOpened?.(fstatSync(fd))
  const source: FileSource = { file, size, tap: observer?.tap(), recheck }
  const body = Readable.from(streamParts(preamble, source, epilogue, onSent), {
    objectMode: false,
    // Pull one chunk at a time, so progress reflects what undici has taken, not read-ahead.
    highWaterMark: 1,
  })
  let closed = false
  return {
    body,
    close: () => {
      if (closed) return
      closed = true
      // Destroying the stream closes the descriptor, once any read still in flight is done.
      file?.destroy()
      body.destroy()
    },
  }
}

/**
 * The file read in READ_CHUNK_BYTES chunks. `autoClose: false` keeps the descriptor open after
 * the last chunk, for the check after it, until the attempt closes and destroys the stream (a
 * stream that closed on its own end raced that check: EBADF in 2 of 12 bench uploads of 1 GiB).
 */
function streamFrom(fd: number, path: string, size: number): ReadStream {
  return createReadStream(path, {
    fd,
    start: 0,
    end: size - 1,
    highWaterMark: READ_CHUNK_BYTES,
    autoClose: false,
  })
}

/** The file part of one attempt's body. */
interface FileSource {
  readonly file: ReadStream | undefined
  readonly size: number
  readonly tap: ReadTap | undefined
  /** Throws when the file is no longer the one planned. */
  readonly recheck: () => void
}

async function* streamParts(
  preamble: Buffer,
  source: FileSource,
  epilogue: Buffer,
  onSent: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  const { file, size, tap } = source
  // The tap finishes as soon as the last byte is read, before that chunk is handed on: a server
  // may answer once it has every byte, and the attempt is then closed before the read stream
  // would have reported its end. An attempt cut short never finishes its tap. Before the last
  // chunk goes out the file is checked again: one rewritten while it was read fails the upload
  // before the server has the whole body, so nothing of it is stored.
  let read = 0
  if (size === 0) tap?.finish()
  // Each chunk is counted when the consumer asks for the next one, i.e. once it has taken it.
  if (preamble.length > 0) {
    yield preamble
    onSent(preamble.length)
  }
  if (file !== undefined) {
    for await (const chunk of file) {
      const buffer = chunk as Buffer
      tap?.update(buffer)
      read += buffer.length
      if (read === size) {
        source.recheck()
        tap?.finish()
      }
      yield buffer
      onSent(buffer.length)
    }
  }
  if (epilogue.length > 0) {
    yield epilogue
    onSent(epilogue.length)
  }
}

/**
 * Opens the file for one attempt and checks, on the open descriptor, that it is the file planned
 * (the observer's identity) and still `size` bytes long.
 *
 * Synchronous on purpose: for a file in the page cache these calls take microseconds, while each
 * promise call is a round trip through libuv's thread pool. A 1000-file release spent about half
 * a second of its main thread in the open, stat and close round trips (cpu profile of `npm run
 * bench` scenario 6). The reads stay asynchronous. READ_FLAGS has O_NONBLOCK, so a FIFO put in
 * the file's place cannot block the open.
 */
function openChecked(path: string, size: number, observer: FileReadObserver | undefined): number {
  let fd: number
  try {
    fd = openSync(path, READ_FLAGS)
  } catch (error) {
    throw new ReleaseError({
      code: 'ASSET_NOT_FOUND',
      message: `Cannot read ${path} for upload: ${(error as Error).message}`,
      hint: 'Check that the file still exists and is readable when the upload starts.',
      cause: error,
    })
  }
  try {
    const stats = fstatSync(fd)
    observer?.checkOpened?.(stats)
    if (stats.size !== size) throw sizeChanged(path, size, stats.size)
  } catch (error) {
    closeSync(fd)
    throw error
  }
  return fd
}

function sizeChanged(path: string, planned: number, actual: number): ReleaseError {
  return new ReleaseError({
    code: 'ASSET_INVALID',
    message: `${path} changed while publishing: it was ${plural(planned, 'byte')} when hashed and is ${plural(actual, 'byte')} now`,
    hint: 'Make sure no other step writes to the assets while the release is published.',
  })
}
