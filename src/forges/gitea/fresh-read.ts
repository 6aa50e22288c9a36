/**
 * A read every caller may share, provided it started after the caller asked: a caller that asks
 * while a read is in flight gets the next one, which starts when that one ends, together with
 * everyone else who asked meanwhile. Checking each upload for a same-name twin needs a listing
 * made after the upload; with parallel uploads, one listing then answers several of them.
 */
export class FreshRead<T> {
  private inFlight: Promise<T> | undefined
  private next: Promise<T> | undefined

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.next !== undefined) return this.next
    const running = this.inFlight
    if (running === undefined) return this.start()
    const next = running.then(
      () => undefined,
      () => undefined,
    )
    this.next = next.then(() => {
      this.next = undefined
      return this.start()
    })
    return this.next
  }

  private start(): Promise<T> {
    const read = this.read()
    this.inFlight = read
    const clear = (): void => {
      if (this.inFlight === read) this.inFlight = undefined
    }
    read.then(clear, clear)
    return read
  }
}
