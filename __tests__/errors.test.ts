import { InputErrors, ReleaseError, inputError } from '../src/errors.js'

describe('ReleaseError.describe', () => {
  test.each([
    [
      'ends the message before the hint',
      'Gongfeng cannot create tag v1 from main: start_point is not a valid commit, branch or tag',
      "Gongfeng cannot create tag v1 from main: start_point is not a valid commit, branch or tag. Set 'ref' to an existing commit SHA, branch or tag.",
    ],
    [
      'keeps a full stop that is there',
      'Tag v1 does not exist.',
      "Tag v1 does not exist. Set 'ref' to an existing commit SHA, branch or tag.",
    ],
    [
      'ends a message closing with a parenthesis',
      'GitLab answered 404 (Not Found)',
      "GitLab answered 404 (Not Found). Set 'ref' to an existing commit SHA, branch or tag.",
    ],
    [
      'keeps a question or a quoted full stop',
      'Is it "v1."',
      'Is it "v1." Set \'ref\' to an existing commit SHA, branch or tag.',
    ],
  ])('%s', (_what, message, described) => {
    const error = new ReleaseError({
      code: 'INVALID_INPUT',
      message,
      hint: "Set 'ref' to an existing commit SHA, branch or tag.",
    })
    expect(error.describe()).toBe(described)
  })

  it('names the input and leaves a message without a hint as it is', () => {
    expect(new ReleaseError({ code: 'HTTP', message: 'GitLab answered 500' }).describe()).toBe(
      'GitLab answered 500',
    )
    expect(inputError('ref', 'is not set', 'Set ref.').describe()).toBe(
      "Input 'ref': is not set. Set ref.",
    )
  })

  it('lists several problems, one sentence pair each', () => {
    const error = new InputErrors([
      inputError('ref', 'is not set', 'Set ref.'),
      inputError('retries', '"x" is not a whole number.', 'Use 0 to 20.'),
    ])
    expect(error.describe()).toBe(
      "2 input problems:\n  - Input 'ref': is not set. Set ref.\n  - Input 'retries': \"x\" is not a whole number. Use 0 to 20.",
    )
  })
})
