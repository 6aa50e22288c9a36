import { ReleaseError } from '../../../src/errors.js'
import { toStoredName } from '../../../src/forges/gongfeng/stored-name.js'
import { filterAttachmentName } from '../../support/fake-forge/gongfeng/file-name.js'

describe('toStoredName (Gongfeng filters special characters from attachment names)', () => {
  it.each([
    ['app-linux_amd64.tar.gz', 'app-linux_amd64.tar.gz'],
    ['my app (x64).zip', 'myappx64.zip'],
    ['app+debug#2@home&co.bin', 'appdebug2homeco.bin'],
    ['工蜂发布-v1.0.txt', '工蜂发布-v1.0.txt'],
    ['Ünïcödé_1.2.tgz', 'Ünïcödé_1.2.tgz'],
    ['quote\'s "name".txt', 'quotesname.txt'],
  ])('stores %j as %j, as the fake server does', (name, stored) => {
    expect(toStoredName(name)).toBe(stored)
    expect(filterAttachmentName(name)).toBe(stored)
  })

  it.each(['()', '  ', '...', '(.)'])(
    'refuses %j, which has no name left, as an assets input error',
    (name) => {
      const error = (() => {
        try {
          return toStoredName(name)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(ReleaseError)
      expect(error).toMatchObject({ code: 'ASSET_INVALID', input: 'assets' })
    },
  )
})
