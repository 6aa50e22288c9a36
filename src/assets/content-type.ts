/**
 * Content-Type for uploads, from the file name. GitHub stores it and serves the asset with it;
 * a wrong or missing type makes browsers render archives as text, hence a small explicit map.
 */
const BY_SUFFIX: readonly (readonly [string, string])[] = [
  ['.tar.gz', 'application/gzip'],
  ['.tar.xz', 'application/x-xz'],
  ['.tar.zst', 'application/zstd'],
  ['.tar.bz2', 'application/x-bzip2'],
  ['.spdx.json', 'application/spdx+json'],
  ['.cdx.json', 'application/vnd.cyclonedx+json'],
  ['.intoto.json', 'application/vnd.in-toto+json'],
  ['.intoto.jsonl', 'application/jsonl'],
  ['.tgz', 'application/gzip'],
  ['.gz', 'application/gzip'],
  ['.xz', 'application/x-xz'],
  ['.zst', 'application/zstd'],
  ['.bz2', 'application/x-bzip2'],
  ['.tar', 'application/x-tar'],
  ['.zip', 'application/zip'],
  ['.7z', 'application/x-7z-compressed'],
  ['.deb', 'application/vnd.debian.binary-package'],
  ['.rpm', 'application/x-rpm'],
  ['.apk', 'application/vnd.android.package-archive'],
  ['.jar', 'application/java-archive'],
  // A wheel is a zip archive (PEP 427).
  ['.whl', 'application/zip'],
  ['.dmg', 'application/x-apple-diskimage'],
  ['.pkg', 'application/octet-stream'],
  ['.exe', 'application/vnd.microsoft.portable-executable'],
  ['.msi', 'application/x-msi'],
  ['.appimage', 'application/vnd.appimage'],
  ['.json', 'application/json'],
  ['.jsonl', 'application/jsonl'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
  ['.txt', 'text/plain'],
  ['.md', 'text/markdown'],
  ['.sha256', 'text/plain'],
  ['.spdx', 'text/spdx'],
  // `.sbom` says nothing about the format (SPDX tag-value, SPDX JSON, CycloneDX XML or JSON).
  ['.sbom', 'application/octet-stream'],
  ['.sig', 'application/pgp-signature'],
  ['.asc', 'application/pgp-signature'],
  ['.pem', 'application/x-pem-file'],
  ['.crt', 'application/x-x509-ca-cert'],
  ['.pdf', 'application/pdf'],
  ['.png', 'image/png'],
  ['.svg', 'image/svg+xml'],
]

const BY_NAME: Readonly<Record<string, string>> = {
  SHA256SUMS: 'text/plain',
  SHA512SUMS: 'text/plain',
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

export function detectContentType(name: string): string {
  const byName = BY_NAME[name]
  if (byName !== undefined) return byName
  const lower = name.toLowerCase()
  let best: readonly [string, string] | undefined
  for (const entry of BY_SUFFIX) {
    if (lower.endsWith(entry[0]) && (best === undefined || entry[0].length > best[0].length)) {
      best = entry
    }
  }
  return best?.[1] ?? DEFAULT_CONTENT_TYPE
}
