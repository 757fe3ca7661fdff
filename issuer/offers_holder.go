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
	req.HolderKey = k
	return nil
}
