import { ReleaseError } from '../../errors.js'

/**
 * The name Gongfeng stores an attachment under. The seed (上传附件) says "工蜂会对文件名进行特殊字符
 * 的过滤,最终上传的文件名以返回值中的name字段为准" — special characters are filtered out, and the
 * returned `name` is authoritative — without listing them. We assume letters and digits of any
 * script, `.`, `_` and `-` survive and everything else is dropped. Where the server's rule
 * differs, the adapter still uses the returned name, and re-runs find the file by its sha256
 * in SHA256SUMS.
 */
export function toStoredName(name: string): string {
  const stored = name.replace(/[^\p{L}\p{N}._-]/gu, '')
  if (stored === '' || /^\.+$/.test(stored)) {
    throw new ReleaseError({
      code: 'ASSET_INVALID',
      input: 'assets',
      message: `Upload name ${JSON.stringify(name)} has nothing left once Gongfeng removes special characters from it.`,
      hint: "Give the file a name with letters or digits, or set one with a YAML `name` in 'assets'.",
    })
  }
  return stored
}
