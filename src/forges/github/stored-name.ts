/**
 * The name GitHub stores an uploaded asset under. The docs say only that "GitHub renames asset
 * filenames that have special characters, non-alphanumeric characters, and leading or trailing
 * periods"; this follows what the server was seen doing:
 *
 * - every run of characters other than ASCII letters, digits, `_`, `-` and `.` becomes one `.`,
 *   and dots next to such a run merge into it: `a5_ !#$%&'()+,-.0` → `a5_.-.0`, `z{}~.txt` →
 *   `z.txt` (travis-ci/dpl#821); `~` (softprops/action-gh-release#159), `(`, `)` and spaces
 *   (actions/upload-release-asset#57) likewise;
 * - accented and other Latin letters are transliterated: `a5_ð_æ_©_ŋ.txt` → `a5_d_ae_._ng.txt`
 *   (travis-ci/dpl#821);
 * - a leading period gets `default` in front: `.config` → `default.config`
 *   (softprops/action-gh-release#741); trailing periods are dropped (inferred).
 *
 * If GitHub ever renames differently, re-runs still find the file: reconcile matches a stored
 * asset of another name by its sha256.
 */

/** Latin letters that Unicode decomposition leaves as they are, written as Rails transliterates them. */
const LETTERS: Readonly<Record<string, string>> = {
  Æ: 'AE',
  æ: 'ae',
  Ð: 'D',
  ð: 'd',
  Đ: 'D',
  đ: 'd',
  Ł: 'L',
  ł: 'l',
  Ŋ: 'NG',
  ŋ: 'ng',
  Ø: 'O',
  ø: 'o',
  Œ: 'OE',
  œ: 'oe',
  ß: 'ss',
  Þ: 'TH',
  þ: 'th',
  ı: 'i',
}

export function gitHubStoredName(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ÆæÐðĐđŁłŊŋØøŒœßÞþı]/g, (letter) => LETTERS[letter] ?? letter)
  const renamed = ascii.replace(/\.*[^A-Za-z0-9._-][^A-Za-z0-9_-]*/g, '.').replace(/\.+$/, '')
  if (renamed === '') return 'default'
  return renamed.startsWith('.') ? `default${renamed}` : renamed
}
