/**
 * How GitHub renames uploaded asset files. The docs only say: "GitHub renames asset filenames
 * that have special characters, non-alphanumeric characters, and leading or trailing periods."
 * The rule below reproduces what users observed on the real server:
 *
 * - travis-ci/dpl#821: `a5_ !#$%&'()+,-.0123456789;=@ABC…Z[]^_\`abc…z{}~.txt` became
 *   `a5_.-.0123456789.ABC…Z._.abc…z.txt` — every run of characters other than letters, digits,
 *   `_`, `-` and `.` becomes ONE `.`, and dots next to such a run merge into it (`{}~.txt` →
 *   `.txt`); `a5_ð_æ_©_ŋ.txt` became `a5_d_ae_._ng.txt` — letters are transliterated to ASCII.
 * - softprops/action-gh-release#159 (`~` → `.`), actions/upload-release-asset#57 (`(`, `)` and
 *   spaces → `.`).
 * - softprops/action-gh-release#741: `.config` was stored as `default.config` (a leading period
 *   gets `default` in front). Trailing periods are dropped (inferred: no report shows one).
 */

/** Letters NFKD does not decompose, as Rails' transliteration writes them. */
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

const isKept = (char: string): boolean => /^[A-Za-z0-9_-]$/.test(char)

export const renameAsset = (name: string): string => {
  const ascii = Array.from(name.normalize('NFKD'))
    .filter((char) => !/\p{M}/u.test(char))
    .map((char) => LETTERS[char] ?? char)
    .join('')
  // Walk the name: a run of dots and other characters collapses to one '.', unless the run is
  // dots only (which GitHub keeps, as in `-.0123`).
  let out = ''
  let run = ''
  const flush = (): void => {
    if (run === '') return
    out += /^\.+$/.test(run) ? run : '.'
    run = ''
  }
  for (const char of ascii) {
    if (isKept(char)) {
      flush()
      out += char
    } else {
      run += char
    }
  }
  flush()
  out = out.replace(/\.+$/, '')
  if (out === '') return 'default'
  return out.startsWith('.') ? `default${out}` : out
}
