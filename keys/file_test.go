package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
)

func TestWriteReadPrivateFile(t *testing.T) {
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
			if err := WritePrivateFile(path, k, tt.passphrase); err != nil {
				t.Fatalf("WritePrivateFile: %v", err)
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
			read, warnings, err := ReadPrivateFile(path, tt.passphrase)
			if err != nil {
				t.Fatalf("ReadPrivateFile: %v", err)
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

func TestWritePrivateFileRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "issuer.jwk")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, passphrase := range [][]byte{nil, []byte("pw")} {
		err := WritePrivateFile(path, mustGenerate(t, credential.EdDSA), passphrase)
		wantErr(t, err, ErrExists)
	}
	if got, _ := os.ReadFile(path); string(got) != "keep me" {
		t.Errorf("existing file now holds %q; want it unchanged", got)
	}
	checkOnlyFile(t, dir, "issuer.jwk")
}

func TestWritePrivateFileMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "issuer.jwk")
	err := WritePrivateFile(path, mustGenerate(t, credential.EdDSA), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got error %v; want fs.ErrNotExist", err)
	}
}

func TestReadPrivateFilePermissionWarnings(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not apply on windows")
	}
	tests := []struct {
		mode fs.FileMode
		want string // printf format with the path twice; "" for no warning
	}{
		{0o600, ""},
		{0o400, ""},
		{0o644, "keys: warning: %s is readable by others (mode 0644); chmod 600 %s"},
		{0o640, "keys: warning: %s is readable by others (mode 0640); chmod 600 %s"},
		{0o604, "keys: warning: %s is readable by others (mode 0604); chmod 600 %s"},
		{0o620, "keys: warning: %s is writable by others (mode 0620); chmod 600 %s"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%04o", tt.mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "issuer.jwk")
			if err := WritePrivateFile(path, mustGenerate(t, credential.EdDSA), nil); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, warnings, err := ReadPrivateFile(path, nil)
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

func TestReadPrivateFileErrors(t *testing.T) {
	dir := t.TempDir()
	k := mustGenerate(t, credential.ES256)
	encryptedPath := filepath.Join(dir, "encrypted.jwk")
	if err := WritePrivateFile(encryptedPath, k, []byte("right")); err != nil {
		t.Fatal(err)
	}
	largePath := filepath.Join(dir, "large.jwk")
	if err := os.WriteFile(largePath, bytes.Repeat([]byte(" "), MaxJWKSize+1), 0o600); err != nil {
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
		{"too large", largePath, nil, ErrTooLarge},
		{"public key", publicPath, nil, ErrNotPrivateKey},
		{"missing file", filepath.Join(dir, "missing.jwk"), nil, fs.ErrNotExist},
		{"directory", dir, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, _, err := ReadPrivateFile(tt.path, tt.passphrase)
			if err == nil || k != nil {
				t.Fatalf("ReadPrivateFile = %v, %v; want an error", k, err)
			}
			if tt.want != nil {
				wantErr(t, err, tt.want)
			}
		})
	}
}

func TestReadPrivateFilePlainWithPassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.jwk")
	if err := WritePrivateFile(path, mustGenerate(t, credential.EdDSA), nil); err != nil {
		t.Fatal(err)
	}
	_, warnings, err := ReadPrivateFile(path, []byte("unused"))
	if err != nil {
		t.Fatal(err)
	}
	want := "keys: warning: " + path + " is not encrypted; the passphrase was not used"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings %q; want [%q]", warnings, want)
	}
}

func TestReadPassphraseFile(t *testing.T) {
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
		{"too large", strings.Repeat("a", MaxPassphraseSize+1), "", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "passphrase")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadPassphraseFile(path)
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
	if _, err := ReadPassphraseFile(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got error %v; want fs.ErrNotExist", err)
	}
}
