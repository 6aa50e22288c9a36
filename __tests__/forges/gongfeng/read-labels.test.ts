import { readLabels } from '../../../src/forges/gongfeng/read-labels.js'

describe('readLabels', () => {
  it.each([
    [
      ['stable', 'linux'],
      ['stable', 'linux'],
    ],
    [
      [{ name: 'a' }, { title: 'b' }, { id: 3 }],
      ['a', 'b'],
    ],
    ['stable, linux,,', ['stable', 'linux']],
    [null, []],
    [[], []],
  ])('reads %j as %j', (value, labels) => {
    expect(readLabels(value)).toEqual(labels)
  })

  it.each([undefined, 42, { name: 'x' }])(
    'reads %j as unknown, so labels never count as changed',
    (value) => {
      expect(readLabels(value)).toBeUndefined()
    },
  )
})
