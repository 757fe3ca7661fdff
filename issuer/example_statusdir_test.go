package issuer_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// An issuer issues a revocable credential, revokes it, and publishes its
// status lists for verifiers.
func ExampleStatusDir() {
	tmp, _ := os.MkdirTemp("", "netcred-example")
	defer os.RemoveAll(tmp)
	key, _ := keys.Generate(credential.EdDSA)

	dir, err := issuer.OpenStatusDir(filepath.Join(tmp, "status"), issuer.StatusDirOptions{BaseURI: "https://issuer.example/status/"})
	if err != nil {
		log.Fatal(err)
	}
	defer dir.Close()
	issued, err := dir.Issue(issuer.New(key, nil), issuer.Request{
		Type: "identity", Level: credential.LevelSubstantial,
		Claims: map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"},
	})
	if err != nil {
		log.Fatal(err)
	}
	id := issuer.CredentialID(issued.Claims.Status) // e.g. https://issuer.example/status/1#734512
	fmt.Println(strings.HasPrefix(id, "https://issuer.example/status/1#"))

	if _, err := dir.SetStatus(id, status.Revoked, "reported stolen"); err != nil {
		log.Fatal(err)
	}
	published, err := dir.Publish(key, filepath.Join(tmp, "www"), time.Now(), issuer.DefaultStatusValidity, issuer.DefaultStatusTTL)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range published {
		fmt.Println(filepath.Base(p.File) == status.FileName(p.URI), p.URI, p.Revoked)
	}
	// Output:
	// true
	// true https://issuer.example/status/1 1
}
