import { renderJsonResult } from '../../src/cli/render-json.js'

describe('renderJsonResult', () => {
  const outputs = {
    release_url: 'https://github.com/o/r/releases/tag/v1',
    tag_name: 'v1',
    commit_sha: 'abc123',
    created: 'false',
    assets: '[{"name":"app.zip","size":3}]',
    assets_file: '/w/.forge-release/assets.json',
    evidence_file: '',
    evidence_sha: '',
    checksums_url: '',
    release_id: '42',
    upload_url: 'https://uploads.github.com/repos/o/r/releases/42/assets',
  }

  it('gives outputs their types: booleans, numbers, the assets array, and null for no value', () => {
    expect(JSON.parse(renderJsonResult(outputs))).toEqual({
      release_url: 'https://github.com/o/r/releases/tag/v1',
      tag_name: 'v1',
      commit_sha: 'abc123',
      created: false,
      assets: [{ name: 'app.zip', size: 3 }],
      assets_file: '/w/.forge-release/assets.json',
      evidence_file: null,
      evidence_sha: null,
      checksums_url: null,
      release_id: 42,
      upload_url: 'https://uploads.github.com/repos/o/r/releases/42/assets',
    })
  })

  test.each([
    ['created', 'true', true],
    ['created', 'maybe', 'maybe'],
    ['release_id', '12345678901234567890', '12345678901234567890'],
    ['assets', 'not json', 'not json'],
    ['tag_name', '1', '1'],
    ['tag_name', 'true', 'true'],
  ])('renders %s = %j as %j', (name, value, expected) => {
    expect(JSON.parse(renderJsonResult({ [name]: value }))).toEqual({ [name]: expected })
  })
})
