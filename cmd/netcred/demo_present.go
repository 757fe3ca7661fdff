package main

import (
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/replay"
	"github.com/netcred/netcred/presentation/sign"
	"github.com/netcred/netcred/verifier"
)

// boundCredential is the demo's device-bound credential and the phone's
// device key.
type boundCredential struct {
	cose   []byte
	device *keys.PrivateKey
}

// issueBound issues a second credential of the demo subject, bound to a
// new P-256 device key (the phone's secure element).
func (d *demo) issueBound(sd *issuer.Service) (*boundCredential, int) {
	d.say("the holder's phone makes a P-256 device key; the issuer binds a credential to it (cnf)")
	device, err := keys.Generate(credential.ES256)
	if err != nil {
		return nil, d.fail(err)
	}
	if err := keyfile.Write(d.path("device.jwk"), device, nil); err != nil {
		return nil, d.fail(err)
	}
	issued, err := sd.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: demoClaims, HolderKey: device.Public()}, issuer.IssueInfo{})
	if err != nil {
		return nil, d.fail(err)
	}
	fmt.Fprintf(d.e.stdout, "device key %s in %s; device-bound credential %s (%d QR characters)\n",
		device.Public().KIDString(), d.path("device.jwk"), issuer.CredentialID(issued.Claims.Status), len(issued.QR))
	return &boundCredential{cose: issued.COSE, device: device}, exitOK
}

// presentSteps shows, offline at a metro gate that requires holder
// binding, a live presentation accepted, a screenshot of it replayed a
// minute later refused, the same code shown twice refused by the gate's
// replay cache, and the bare credential refused. at is the demo's clock.
func (d *demo) presentSteps(b *boundCredential, at time.Time) int {
	w := d.e.stdout
	gate := verifier.Policy{RequireHolderBinding: true}
	d.say("a metro gate requires holder binding: the phone shows a live presentation, refreshed every 30 s")
	cose, err := sign.Present(b.cose, b.device.Algorithm(), b.device.Signer(), sign.Options{Now: at})
	if err != nil {
		return d.fail(err)
	}
	text, err := presentation.EncodeQR(cose)
	if err != nil {
		return d.fail(err)
	}
	fmt.Fprintf(w, "presentation signed at %s (%d QR characters):\n%s\n", at.Format(time.RFC3339), len(text), text)
	cache := replay.New(0)
	res, code := d.verifyWith("trust", text, gate, verifier.Options{Now: at.Add(2 * time.Second), Replay: cache})
	if code != exitOK {
		return code
	}
	if !res.Valid {
		return d.fail(fmt.Errorf("the live presentation did not verify: %s", res.Code))
	}

	d.say("someone passes the phone's code to a friend: the gate's replay cache refuses it the second time")
	if res, code = d.verifyWith("trust", text, gate, verifier.Options{Now: at.Add(9 * time.Second), Replay: cache}); code != exitOK {
		return code
	}
	if res.Code != verifier.CodePresentationReplayed {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodePresentationReplayed, res.Code))
	}

	d.say("a screenshot of that code, replayed a minute later at another gate: refused offline")
	if res, code = d.verifyWith("trust", text, gate, verifier.Options{Now: at.Add(75 * time.Second)}); code != exitOK {
		return code
	}
	if res.Code != verifier.CodePresentationStale {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodePresentationStale, res.Code))
	}

	d.say("the bare credential (a photo of the card's static QR) at the same gate: refused")
	bare, err := credential.EncodeQR(b.cose)
	if err != nil {
		return d.fail(err)
	}
	if res, code = d.verifyWith("trust", bare, gate, verifier.Options{Now: at.Add(75 * time.Second)}); code != exitOK {
		return code
	}
	if res.Code != verifier.CodeHolderBindingMissing {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodeHolderBindingMissing, res.Code))
	}
	return exitOK
}
