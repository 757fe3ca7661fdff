package issuer_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// A store, the rules over it, one credential and its revocation, then the
// audit log checked against the issuer key.
func ExampleService() {
	dir, _ := os.MkdirTemp("", "issuer")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(credential.EdDSA)
	st, err := bolt.Open(filepath.Join(dir, "issuer.db"), bolt.Options{})
	if err != nil {
		panic(err)
	}
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://id.example/status/"})
	if err != nil {
		panic(err)
	}
	out, err := svc.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial,
		Claims: map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}},
		issuer.IssueInfo{Client: "mini-app", Evidence: issuer.EvidenceSummary{Method: "face_match"}})
	if err != nil {
		panic(err)
	}
	id := issuer.CredentialID(out.Claims.Status)
	if _, err := svc.SetStatus(id, status.Revoked, "reported stolen", nil); err != nil {
		panic(err)
	}
	rec, _ := svc.Credential(id)
	fmt.Println(rec.Type, rec.Level, rec.Evidence.Method, rec.Client, rec.Status)
	svc.Close() // signs a checkpoint

	st, _ = bolt.Open(filepath.Join(dir, "issuer.db"), bolt.Options{ReadOnly: true})
	defer st.Close()
	report, _ := issuer.VerifyAudit(st, key.Public())
	fmt.Println(report.OK(), report.Entries, report.Covered == report.Last)
	// Output:
	// identity substantial face_match mini-app revoked
	// true 5 true
}
