/**
 * User data (file names, descriptions, server messages) is printed in CI logs. There it must
 * not act as a command: GitHub runs `::command::` at the start of a line, GitLab reads section
 * markers and any terminal reads ANSI escapes.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

export function neutraliseForLog(text: string): string {
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\r(?!\n)/g, '\\r')
    .split('\n')
    .map((line) => (/^\s*::/.test(line) ? line.replace('::', ':\u200b:') : line))
    .join('\n')
    .replace(/section_(start|end):/g, 'section_$1\u200b:')
}
