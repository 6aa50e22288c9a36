/** `git check-ref-format` for tag names, which any git host enforces before creating a tag. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]/

export const isValidTagName = (name: string): boolean =>
  name !== '' &&
  name !== '@' &&
  !FORBIDDEN.test(name) &&
  !name.includes('..') &&
  !name.includes('@{') &&
  !name.includes('//') &&
  !/^[-/.]/.test(name) &&
  !/[/.]$/.test(name) &&
  !/\.lock(\/|$)/.test(name) &&
  !/\/\./.test(name)
