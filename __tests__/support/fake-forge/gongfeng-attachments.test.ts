import { createHash } from 'node:crypto'
import { startFakeGongfeng, type FakeGongfeng } from './gongfeng.js'
import { call, type CallOptions } from './http-test-client.js'

const RELEASE = '/projects/tencent%2Fcode/releases/v1'
const ATTACHMENTS = `${RELEASE}/attachments`
const DEV = 'gf-developer'
const REPORTER = 'gf-reporter'

let gf: FakeGongfeng
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gf.apiUrl}${path}`, method, { token: DEV, ...options })

const form = (name: string, content: string | Buffer, field = 'file'): FormData => {
  const data = new FormData()
  data.append(field, new Blob([content]), name)
  return data
}

const sha256 = (content: string | Buffer): string =>
  createHash('sha256').update(content).digest('hex')

beforeEach(async () => {
  gf = await startFakeGongfeng({
    projects: [{ id: 85436, path_with_namespace: 'tencent/code' }],
    tokens: { [DEV]: { access: 'developer' }, [REPORTER]: { access: 'reporter' } },
  })
  gf.state.addRelease('tencent/code', { tag: 'v1' })
})

afterEach(async () => {
  expect(gf.errors).toEqual([])
  await gf.close()
})

describe('attachments', () => {
  it('stores an uploaded file under its filtered name and answers {name, size, type, created_at}', async () => {
    const res = await api('POST', ATTACHMENTS, {
      body: form('my app (v1)+linux#2.tar.gz', 'bytes!'),
    })
    expect(res.status).toBe(201)
    expect(res.json).toEqual({
      name: 'myappv1linux2.tar.gz',
      type: 'application/gzip',
      size: 6,
      created_at: expect.stringMatching(/\+0000$/),
    })
    const listed = await api('GET', RELEASE)
    expect(listed.json.attachments).toEqual([res.json])
  })

  it('keeps letters of any script, digits, dots, underscores and hyphens', async () => {
    const res = await api('POST', ATTACHMENTS, { body: form('工蜂_发布-v1.0.txt', 'x') })
    expect(res.json.name).toBe('工蜂_发布-v1.0.txt')
  })

  it('serves the bytes back with Content-Length, to HEAD and to a byte range', async () => {
    const content = Buffer.from('0123456789'.repeat(100))
    await api('POST', ATTACHMENTS, { body: form('data.bin', content) })
    const got = await fetch(`${gf.apiUrl}${ATTACHMENTS}/data.bin`, {
      headers: { 'PRIVATE-TOKEN': DEV },
    })
    expect(got.status).toBe(200)
    expect(got.headers.get('content-length')).toBe('1000')
    expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(content))
    const head = await api('HEAD', `${ATTACHMENTS}/data.bin`)
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('1000')
    const ranged = await api('GET', `${ATTACHMENTS}/data.bin`, { headers: { range: 'bytes=0-0' } })
    expect(ranged.status).toBe(206)
    expect(ranged.text).toBe('0')
    expect(ranged.headers.get('content-range')).toBe('bytes 0-0/1000')
  })

  it.each([
    ['method-not-allowed', 405],
    ['not-found', 404],
  ] as const)(
    'answers HEAD with %s (%i) like a server that routes GET only',
    async (head, status) => {
      gf.config.head = head
      await api('POST', ATTACHMENTS, { body: form('a.txt', 'x') })
      expect((await api('HEAD', `${ATTACHMENTS}/a.txt`)).status).toBe(status)
      expect((await api('GET', `${ATTACHMENTS}/a.txt`)).status).toBe(200)
    },
  )

  it('refuses a second file of the same stored name with 409, or overwrites when configured', async () => {
    expect((await api('POST', ATTACHMENTS, { body: form('a b.txt', 'one') })).status).toBe(201)
    const again = await api('POST', ATTACHMENTS, { body: form('ab.txt', 'two') })
    expect(again.status).toBe(409)
    expect(again.json).toEqual({ message: 'Attachment ab.txt already exists' })
    expect((await api('GET', `${ATTACHMENTS}/ab.txt`)).text).toBe('one')
    gf.config.duplicateAttachment = 'overwrite'
    expect((await api('POST', ATTACHMENTS, { body: form('ab.txt', 'two') })).status).toBe(201)
    expect((await api('GET', `${ATTACHMENTS}/ab.txt`)).text).toBe('two')
    expect(gf.state.release('tencent/code', 'v1')?.attachments).toHaveLength(1)
  })

  it('lets exactly one of two racing uploads of one name win', async () => {
    const [a, b] = await Promise.all([
      api('POST', ATTACHMENTS, { body: form('race.txt', 'a') }),
      api('POST', ATTACHMENTS, { body: form('race.txt', 'b') }),
    ])
    expect([a?.status, b?.status].sort()).toEqual([201, 409])
    expect(gf.state.release('tencent/code', 'v1')?.attachments).toHaveLength(1)
  })

  it('refuses a file over the size limit with 413 and keeps nothing', async () => {
    gf.config.maxAttachmentBytes = 1024
    const res = await api('POST', ATTACHMENTS, { body: form('big.bin', Buffer.alloc(1025)) })
    expect(res.status).toBe(413)
    expect(res.json).toEqual({ message: '413 Request Entity Too Large' })
    expect(gf.state.release('tencent/code', 'v1')?.attachments).toEqual([])
  })

  it('needs multipart/form-data with a file field', async () => {
    const plain = await api('POST', ATTACHMENTS, {
      body: 'raw',
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(plain.status).toBe(400)
    expect(plain.json.message).toMatch(/multipart\/form-data/)
    const wrongField = await api('POST', ATTACHMENTS, { body: form('a.txt', 'x', 'attachment') })
    expect(wrongField.status).toBe(400)
    expect(wrongField.json.message).toMatch(/file is missing/)
    const emptyName = await api('POST', ATTACHMENTS, { body: form('()', 'x') })
    expect(emptyName.status).toBe(400)
  })

  it('attaches to releases only: a missing release or a plain tag answers 404', async () => {
    gf.state.addTag('tencent/code', { name: 'plain' })
    for (const tag of ['v9', 'plain']) {
      const res = await api('POST', `/projects/tencent%2Fcode/releases/${tag}/attachments`, {
        body: form('a.txt', 'x'),
      })
      expect(res.status).toBe(404)
    }
  })

  it('deletes an attachment with 200, then answers 404 for it', async () => {
    await api('POST', ATTACHMENTS, { body: form('a.txt', 'x') })
    expect((await api('DELETE', `${ATTACHMENTS}/a.txt`, { token: REPORTER })).status).toBe(403)
    expect((await api('DELETE', `${ATTACHMENTS}/a.txt`)).status).toBe(200)
    expect((await api('DELETE', `${ATTACHMENTS}/a.txt`)).status).toBe(404)
    expect((await api('GET', `${ATTACHMENTS}/a.txt`)).status).toBe(404)
  })

  it('streams the upload to disk: the request log counts every body byte', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024, 7)
    const res = await api('POST', ATTACHMENTS, { body: form('big.bin', content) })
    expect(res.status).toBe(201)
    const logged = gf.requests.filter({ method: 'POST' })[0]
    expect(logged?.bodyBytes).toBeGreaterThan(content.length)
    const stored = gf.state.release('tencent/code', 'v1')?.attachments[0]
    expect(stored?.blob.sha256).toBe(sha256(content))
  })
})
