import { DEFAULT_CONTENT_TYPE, detectContentType } from '../../src/assets/content-type.js'

describe('detectContentType', () => {
  test.each([
    ['app-1.0.tar.gz', 'application/gzip'],
    ['app.TGZ', 'application/gzip'],
    ['app.zip', 'application/zip'],
    ['app_1.0_amd64.deb', 'application/vnd.debian.binary-package'],
    ['app-1.0.x86_64.rpm', 'application/x-rpm'],
    ['App.dmg', 'application/x-apple-diskimage'],
    ['setup.exe', 'application/vnd.microsoft.portable-executable'],
    ['setup.msi', 'application/x-msi'],
    ['manifest.json', 'application/json'],
    ['notes.txt', 'text/plain'],
    ['app.tar.gz.sig', 'application/pgp-signature'],
    ['app.tar.gz.asc', 'application/pgp-signature'],
    ['cert.pem', 'application/x-pem-file'],
    ['app.spdx.json', 'application/spdx+json'],
    ['app.sbom', 'application/octet-stream'],
    ['provenance.intoto.json', 'application/vnd.in-toto+json'],
    ['multiple.intoto.jsonl', 'application/jsonl'],
    ['app.apk', 'application/vnd.android.package-archive'],
    ['app.jar', 'application/java-archive'],
    ['app-1.0-py3-none-any.whl', 'application/zip'],
    ['data.gz', 'application/gzip'],
    ['app.tar.xz', 'application/x-xz'],
    ['app.xz', 'application/x-xz'],
    ['app.tar.zst', 'application/zstd'],
    ['app.7z', 'application/x-7z-compressed'],
    ['SHA256SUMS', 'text/plain'],
    ['app', DEFAULT_CONTENT_TYPE],
    ['app.unknown', DEFAULT_CONTENT_TYPE],
  ])('gives %s the type %s', (name, type) => {
    expect(detectContentType(name)).toBe(type)
  })
})
