/**
 * A throw-away self-signed certificate for 127.0.0.1 / localhost (valid 2020–2120, CA:TRUE), so
 * tests can run the fake over HTTPS and pass `cert` as the trusted CA (`ca_file`). The private
 * key is public on purpose: it protects nothing.
 *
 * Regenerate: openssl req -new (EC P-256, CN=127.0.0.1) + openssl ca -selfsign with
 * subjectAltName=IP:127.0.0.1,DNS:localhost and basicConstraints=critical,CA:TRUE.
 */
export const TEST_TLS = {
  key: `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggqM0ouW0zjA6TT1r
DDyzHSi104yLiXV3B/1MZvyonWihRANCAAQOz2ix6dOZVw90QtIYqPKbhfCmdxdo
p2BhVRzy1mBCDGub2tUxIWBm9kT4D52REcYxL7Eqj3eDT07Lfl5RStTe
-----END PRIVATE KEY-----
`.trimStart(),
  cert: `
-----BEGIN CERTIFICATE-----
MIIBijCCAS+gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABA7PaLHp05lXD3RC
0hio8puF8KZ3F2inYGFVHPLWYEIMa5va1TEhYGb2RPgPnZERxjEvsSqPd4NPTst+
XlFK1N6jcDBuMBoGA1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8E
BTADAQH/MAsGA1UdDwQEAwIChDATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4E
FgQUA/GUXe5ITrWg+BncT5EK/fdoxUUwCgYIKoZIzj0EAwIDSQAwRgIhAIW1hZCQ
7/hd/qegKUjfBTsnYrJ94MKU4JPFW5HZA9vlAiEAmJaI07WZqfd8OO9ryxeN6vrf
u85jVjAi8YLa2CKt6Y8=
-----END CERTIFICATE-----
`.trimStart(),
} as const
