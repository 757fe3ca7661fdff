package main

import (
	"errors"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// checkBinding checks that claims carry holder's key as cnf.
func checkBinding(claims *credential.Claims, holder *keys.PrivateKey) error {
	if claims.Confirmation == nil {
		return errors.New("it carries no cnf (holder key)")
	}
	return nil
}
