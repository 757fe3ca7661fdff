package main

import (
	"errors"
	"fmt"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// checkBinding checks that claims carry holder's public key as cnf.
func checkBinding(claims *credential.Claims, holder *keys.PrivateKey) error {
	alg, pub, ok, err := claims.HolderKey()
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("it carries no cnf (holder key)")
	}
	k, err := keys.NewPublicKey(pub)
	if err != nil {
		return err
	}
	if alg != holder.Algorithm() || k.Thumbprint() != holder.Public().Thumbprint() {
		return fmt.Errorf("its cnf is key %s, not the wallet's %s", k.Thumbprint(), holder.Public().Thumbprint())
	}
	return nil
}
