package keyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

func TestWriteRead(t *testing.T) {
	tests := []struct {
		name       string
		alg        credential.Algorithm
		passphrase []byte
	}{
		{"EdDSA plain", credential.EdDSA, nil},
		{"EdDSA encrypted", credential.EdDSA, []byte("correct horse battery staple")},
		{"ES256 plain", credential.ES256, nil},
		{"ES256 encrypted", credential.ES256, []byte("correct horse battery staple")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "issuer.jwk")
			k := mustGenerate(t, tt.alg)
			if err := Write(path, k, tt.passphrase); err != nil {
				t.Fatalf("Write: %v", err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" {
				if got := info.Mode().Perm(); got != 0o600 {
					t.Errorf("mode = %04o; want 0600", got)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := isEncrypted(data); got != (len(tt.passphrase) > 0) {
				t.Errorf("file encrypted = %v; want %v", got, len(tt.passphrase) > 0)
			}
			read, warnings, err := Read(path, tt.passphrase)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings %q; want none", warnings)
			}
			checkSameKey(t, read.Public(), k.Public())
			checkSignature(t, read, k.Public())
			checkOnlyFile(t, dir, "issuer.jwk")
		})
	}
}

// checkOnlyFile fails unless dir holds exactly the named file (no
// temporary files left behind).
func checkOnlyFile(tb testing.TB, dir, name string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != name {
		tb.Errorf("directory holds %q; want only %q", names, name)
	}
}

func TestWriteRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "issuer.jwk")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, passphrase := range [][]byte{nil, []byte("pw")} {
		err := Write(path, mustGenerate(t, credential.EdDSA), passphrase)
		wantErr(t, err, ErrExists)
	}
	if got, _ := os.ReadFile(path); string(got) != "keep me" {
		t.Errorf("existing file now holds %q; want it unchanged", got)
	}
	checkOnlyFile(t, dir, "issuer.jwk")
}

func TestWriteMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "issuer.jwk")
	err := Write(path, mustGenerate(t, credential.EdDSA), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got error %v; want fs.ErrNotExist", err)
	}
}

func TestReadPermissionWarnings(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not apply on windows")
	}
	tests := []struct {
		mode fs.FileMode
		want string // printf format with the path twice; "" for no warning
	}{
		{0o600, ""},
		{0o400, ""},
		{0o644, "keyfile: warning: %s is readable by others (mode 0644); chmod 600 %s"},
		{0o640, "keyfile: warning: %s is readable by others (mode 0640); chmod 600 %s"},
		{0o604, "keyfile: warning: %s is readable by others (mode 0604); chmod 600 %s"},
		{0o620, "keyfile: warning: %s is writable by others (mode 0620); chmod 600 %s"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%04o", tt.mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "issuer.jwk")
			if err := Write(path, mustGenerate(t, credential.EdDSA), nil); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, warnings, err := Read(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.want != "" {
				want = []string{fmt.Sprintf(tt.want, path, path)}
			}
			if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
				t.Errorf("warnings %q; want %q", warnings, want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	k := mustGenerate(t, credential.ES256)
	encryptedPath := filepath.Join(dir, "encrypted.jwk")
	if err := Write(encryptedPath, k, []byte("right")); err != nil {
		t.Fatal(err)
	}
	largePath := filepath.Join(dir, "large.jwk")
	if err := os.WriteFile(largePath, bytes.Repeat([]byte(" "), keys.MaxJWKSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	publicPath := filepath.Join(dir, "public.jwk")
	if err := os.WriteFile(publicPath, mustJSON(t, k.Public()), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		path       string
		passphrase []byte
		want       error
	}{
		{"no passphrase", encryptedPath, nil, ErrPassphraseRequired},
		{"wrong passphrase", encryptedPath, []byte("wrong"), ErrWrongPassphrase},
		{"too large", largePath, nil, keys.ErrTooLarge},
		{"public key", publicPath, nil, keys.ErrNotPrivateKey},
		{"missing file", filepath.Join(dir, "missing.jwk"), nil, fs.ErrNotExist},
		{"directory", dir, nil, ErrNotRegular},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, _, err := Read(tt.path, tt.passphrase)
			if err == nil || k != nil {
				t.Fatalf("Read = %v, %v; want an error", k, err)
			}
			if tt.want != nil {
				wantErr(t, err, tt.want)
			}
		})
	}
}

func TestReadPlainWithPassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.jwk")
	if err := Write(path, mustGenerate(t, credential.EdDSA), nil); err != nil {
		t.Fatal(err)
	}
	_, warnings, err := Read(path, []byte("unused"))
	if err != nil {
		t.Fatal(err)
	}
	want := "keyfile: warning: " + path + " is not encrypted; the passphrase was not used"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings %q; want [%q]", warnings, want)
	}
}

func TestReadPassphrase(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
		wantErr error
	}{
		{"newline", "secret\n", "secret", nil},
		{"crlf", "secret\r\n", "secret", nil},
		{"no newline", "secret", "secret", nil},
		{"only one newline trimmed", "secret\n\n", "secret\n", nil},
		{"inner spaces kept", " se cret \n", " se cret ", nil},
		{"carriage return without newline kept", "secret\r", "secret\r", nil},
		{"empty", "", "", ErrEmptyPassphrase},
		{"only newline", "\n", "", ErrEmptyPassphrase},
		{"only crlf", "\r\n", "", ErrEmptyPassphrase},
		{"too large", strings.Repeat("a", MaxPassphraseSize+1), "", keys.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "passphrase")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadPassphrase(path)
			if tt.wantErr != nil {
				wantErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
	if _, err := ReadPassphrase(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got error %v; want fs.ErrNotExist", err)
	}
}
func encryptForTest(tb testing.TB, plaintext []byte, alg jose.KeyAlgorithm, key []byte, cty string) []byte {
	tb.Helper()
	encrypter, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: alg, Key: key, PBES2Count: 1000},
		new(jose.EncrypterOptions).WithContentType(jose.ContentType(cty)))
	if err != nil {
		tb.Fatal(err)
	}
	object, err := encrypter.Encrypt(plaintext)
	if err != nil {
		tb.Fatal(err)
	}
	compact, err := object.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(compact)
}

func TestEncryptParse(t *testing.T) {
	for _, alg := range []credential.Algorithm{credential.EdDSA, credential.ES256} {
		t.Run(string(alg), func(t *testing.T) {
			k := mustGenerate(t, alg)
			encrypted, err := Encrypt(k, []byte("correct horse"))
			if err != nil {
				t.Fatal(err)
			}
			decrypted, err := Parse(encrypted, []byte("correct horse"))
			if err != nil {
				t.Fatalf("Parse(encrypted): %v", err)
			}
			checkSameKey(t, decrypted.Public(), k.Public())
			checkSignature(t, decrypted, k.Public())
			plain, err := Parse(mustJSON(t, k), nil)
			if err != nil {
				t.Fatalf("Parse(plain): %v", err)
			}
			checkSameKey(t, plain.Public(), k.Public())
		})
	}
}

func TestParseRejects(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA)
	passphrase := []byte("correct horse")
	encrypted, err := Encrypt(ed, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(encrypted)
	// Change one ciphertext character to another valid base64url one (a
	// bit flip could make it invalid base64, a different error).
	if i := bytes.LastIndexByte(tampered, '.') - 3; tampered[i] == 'A' {
		tampered[i] = 'B'
	} else {
		tampered[i] = 'A'
	}
	publicEncrypted := encryptForTest(t, mustJSON(t, ed.Public()), jose.PBES2_HS512_A256KW, passphrase, "jwk+json")
	otherCTY := encryptForTest(t, mustJSON(t, ed), jose.PBES2_HS512_A256KW, passphrase, "JWT")
	directKey := encryptForTest(t, mustJSON(t, ed), jose.A256KW, bytes.Repeat([]byte{1}, 32), "jwk+json")
	tests := []struct {
		name       string
		data       []byte
		passphrase []byte
		want       error
	}{
		{"public key", mustJSON(t, ed.Public()), nil, keys.ErrNotPrivateKey},
		{"encrypted without passphrase", encrypted, nil, ErrPassphraseRequired},
		{"wrong passphrase", encrypted, []byte("wrong horse"), ErrWrongPassphrase},
		{"tampered ciphertext", tampered, passphrase, ErrWrongPassphrase},
		{"encrypted public key", publicEncrypted, passphrase, keys.ErrNotPrivateKey},
		{"encrypted with other content type", otherCTY, passphrase, keys.ErrMalformed},
		{"encrypted with a raw key", directKey, passphrase, keys.ErrMalformed},
		{"truncated JWE", encrypted[:len(encrypted)/2], passphrase, keys.ErrMalformed},
		{"garbage", []byte("not a key"), passphrase, keys.ErrMalformed},
		{"garbage without passphrase", []byte("not.a.key.at.all"), nil, keys.ErrMalformed},
		{"empty", []byte(" \n"), nil, keys.ErrMalformed},
		{"too large", bytes.Repeat([]byte("a"), keys.MaxJWKSize+1), passphrase, keys.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse(tt.data, tt.passphrase)
			if k != nil {
				t.Errorf("got key %s; want nil", k.Public().KIDString())
			}
			wantErr(t, err, tt.want)
		})
	}
}

func TestEncrypt(t *testing.T) {
	k := mustGenerate(t, credential.EdDSA)
	if _, err := Encrypt(k, nil); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("Encrypt(nil) = %v; want ErrEmptyPassphrase", err)
	}
	encrypted, err := Encrypt(k, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	object, err := jose.ParseEncryptedCompact(string(encrypted), []jose.KeyAlgorithm{EncryptionAlgorithm}, []jose.ContentEncryption{ContentEncryption})
	if err != nil {
		t.Fatalf("ParseEncryptedCompact: %v", err)
	}
	if got := object.Header.Algorithm; got != string(EncryptionAlgorithm) {
		t.Errorf("alg = %q; want %q", got, EncryptionAlgorithm)
	}
	if got := object.Header.ExtraHeaders[jose.HeaderContentType]; got != EncryptedContentType {
		t.Errorf("cty = %v; want %q", got, EncryptedContentType)
	}
	if got := object.Header.ExtraHeaders["enc"]; got != string(ContentEncryption) {
		t.Errorf("enc = %v; want %q", got, ContentEncryption)
	}
	var m map[string]any
	if err := json.Unmarshal(mustJSON(t, k), &m); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(encrypted, []byte(m["d"].(string))) {
		t.Error("encrypted key contains the private key in clear")
	}
}

func TestDefaultPBES2Count(t *testing.T) {
	// go-jose refuses to decrypt with a count above 1,000,000.
	if DefaultPBES2Count < 600_000 || DefaultPBES2Count > 1_000_000 {
		t.Errorf("DefaultPBES2Count = %d; want between 600000 and 1000000", DefaultPBES2Count)
	}
}

func FuzzParse(f *testing.F) {
	passphrase := []byte("correct horse")
	for _, alg := range []credential.Algorithm{credential.EdDSA, credential.ES256} {
		k := mustGenerate(f, alg)
		f.Add(mustJSON(f, k), []byte(nil))
		f.Add(mustJSON(f, k), passphrase)
		f.Add(mustJSON(f, k.Public()), []byte(nil))
		encrypted, err := Encrypt(k, passphrase)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(encrypted, passphrase)
		f.Add(encrypted, []byte(nil))
		f.Add(encrypted, []byte("wrong"))
	}
	f.Fuzz(func(t *testing.T, data, passphrase []byte) {
		k, err := Parse(data, passphrase)
		if err != nil {
			if k != nil {
				t.Fatalf("got a key and error %v", err)
			}
			return
		}
		again, err := keys.ParsePrivateJWK(mustJSON(t, k))
		if err != nil {
			t.Fatalf("ParsePrivateJWK of a marshalled key: %v", err)
		}
		if again.Public().Thumbprint() != k.Public().Thumbprint() {
			t.Fatal("round trip changed the key")
		}
		checkSignature(t, k, k.Public())
	})
}
