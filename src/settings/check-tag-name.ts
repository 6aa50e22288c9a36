/**
 * Why git (and therefore every forge) would refuse `name` as a tag, following
 * `git check-ref-format` and GitLab's `Gitlab::GitRefValidator` (API-NOTES §1.4). Empty when the
 * name is fine.
 */
export function checkTagName(name: string): string[] {
  if (name === '') return ['it is empty']
  if (name === 'HEAD' || name === '@') return [`'${name}' is reserved by git`]
  const reasons: string[] = []
  if (name.startsWith('-')) reasons.push("it starts with '-'")
  if (/^refs\/(heads|remotes)\//.test(name)) {
    reasons.push("it starts with 'refs/heads/' or 'refs/remotes/'")
  }
  if (name.includes('..')) reasons.push("it contains '..'")
  if (name.includes('@{')) reasons.push("it contains '@{'")
  if (name.includes('//')) reasons.push("it contains '//'")
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) reasons.push('it contains a control character')
  const special = [...new Set(name.match(/[ ~^:?*[\\]/g) ?? [])]
  if (special.length > 0) {
    reasons.push(`it contains ${special.map((c) => (c === ' ' ? 'a space' : `'${c}'`)).join(', ')}`)
  }
  if (name.startsWith('/') || name.endsWith('/')) reasons.push("it starts or ends with '/'")
  if (name.endsWith('.')) reasons.push("it ends with '.'")
  const components = name.split('/')
  if (components.some((c) => c.startsWith('.'))) reasons.push("a part of it starts with '.'")
  if (components.some((c) => c.endsWith('.lock'))) reasons.push("a part of it ends with '.lock'")
  return reasons
}
