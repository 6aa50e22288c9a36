import { FreshRead } from '../../../src/forges/gitea/fresh-read.js'

/** A read whose answers the test releases one at a time, numbered in the order they started. */
function controlledRead() {
  const pending: ((value: number) => void)[] = []
  let started = 0
  const read = () =>
    new Promise<number>((resolve) => {
      started += 1
      const n = started
      pending.push(() => resolve(n))
    })
  const finishNext = async () => {
    pending.shift()?.(0)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { read, finishNext, started: () => started }
}

describe('FreshRead', () => {
  it('gives a caller that asks while a read is in flight the next read, shared by all who asked meanwhile', async () => {
    const { read, finishNext, started } = controlledRead()
    const shared = new FreshRead(read)
    const first = shared.get()
    const second = shared.get()
    const third = shared.get()
    expect(started()).toBe(1)
    await finishNext()
    // The first read began before the second and third asked: they wait for one that begins after.
    expect(started()).toBe(2)
    await finishNext()
    await expect(first).resolves.toBe(1)
    await expect(second).resolves.toBe(2)
    await expect(third).resolves.toBe(2)
    const later = shared.get()
    expect(started()).toBe(3)
    await finishNext()
    await expect(later).resolves.toBe(3)
  })

  it('starts the next read after a failed one, and passes the failure only to its own callers', async () => {
    let calls = 0
    const shared = new FreshRead(() => {
      calls += 1
      return calls === 1 ? Promise.reject(new Error('503')) : Promise.resolve(calls)
    })
    const failing = shared.get()
    const after = shared.get()
    await expect(failing).rejects.toThrow('503')
    await expect(after).resolves.toBe(2)
  })
})
