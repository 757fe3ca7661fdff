package issuer

import (
	"fmt"

	"github.com/netcred/netcred/keys"
)

// bindHolder makes k the cnf of the credential req asks for.
func bindHolder(req *Request, k *keys.PublicKey) error {
	if k == nil {
		return fmt.Errorf("%w: no holder key", ErrBatch)
	}
	// Until Request.HolderKey lands (holder-key commits), a credential
	// cannot carry cnf: refuse rather than issue an unbound credential.
	return fmt.Errorf("%w: this build cannot bind credentials to holder keys yet", ErrRequest)
}
