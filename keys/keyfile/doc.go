// Package keyfile reads and writes netcred private key files: a private
// JWK (package keys), plain or, with a passphrase, a JWE compact
// serialization (RFC 7516) of it using PBES2-HS512+A256KW and A256GCM,
// content type "jwk+json". It is the only netcred package below cmd that
// needs go-jose's JWE and PBES2, and no verifier imports it.
//
// # Security
//
// Files are created with mode 0600 and never replace an existing file
// (ErrExists); Read warns when a key file is readable or writable by
// others. Encryption uses DefaultPBES2Count PBKDF2 iterations; decryption
// accepts PBES2-HS512+A256KW and PBES2-HS256+A128KW with A256GCM only, and
// go-jose refuses iteration counts above 1,000,000. Plaintext key bytes
// are cleared after use where the code holds them.
package keyfile
