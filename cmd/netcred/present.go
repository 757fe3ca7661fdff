package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
	"golang.org/x/term"
)

const presentSynopsis = `present --credential FILE --holder-key KEY [--nonce N] [--audience A] [--png FILE] [--refresh 30s [--count N]]

Signs a presentation of a device-bound credential (netcred issue
--holder-key) with the holder's device key and prints its QR text
("NP1:..."): the credential, the time and, when the verifier shows them,
its nonce and audience, signed by the key the credential's cnf names. A
verifier accepts it for 60 seconds (netcred verify --max-presentation-age):
a screenshot is worthless a minute later. FILE is the credential's QR
text, a file holding it, - for standard input, or an image of its QR code;
KEY is the private device key file (netcred holder keys new).

With --refresh, a new presentation is drawn in the terminal every period
until interrupted (Ctrl-C), as a wallet shows one; --count stops after N.

Example:
  netcred present --credential alice.txt --holder-key device.jwk > presented.txt
  netcred present --credential alice.txt --holder-key device.jwk --nonce 7KQ2-9XJ4 --audience gate-7
  netcred present --credential alice.txt --holder-key device.jwk --refresh 30s`

func runPresent(args []string, e *env) int {
	fs := newFlags(e, "present", presentSynopsis)
	credFile := fs.String("credential", "", "the device-bound credential: QR text, a file, - or an image (required)")
	keyFile := fs.String("holder-key", "", "the private device key file (netcred holder keys new) (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted device key file")
	nonce := fs.String("nonce", "", "the nonce the verifier shows, if it shows one")
	audience := fs.String("audience", "", "the audience the verifier shows, if it shows one")
	pngFile := fs.String("png", "", "also write the QR code as a PNG image to this file")
	refresh := time.Duration(0)
	fs.Var(durationFlag{d: &refresh}, "refresh", "draw a new presentation in the terminal every period (e.g. 30s) until interrupted")
	count := fs.Int("count", 0, "with --refresh: stop after this many presentations (default: until interrupted)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "present takes no arguments, got %q", rest)
		hint(e, "give the credential with --credential FILE")
		return exitUsage
	}
	if *credFile == "" || *keyFile == "" {
		errorf(e, "present needs --credential FILE and --holder-key KEY")
		hint(e, "netcred present --credential alice.txt --holder-key device.jwk")
		return exitUsage
	}
	if *count < 0 || (*count > 0 && refresh == 0) {
		errorf(e, "--count needs --refresh and a positive number")
		return exitUsage
	}
	if len(*nonce) > presentation.MaxNonceLen || len(*audience) > presentation.MaxAudienceLen {
		errorf(e, "--nonce is at most %d bytes and --audience at most %d", presentation.MaxNonceLen, presentation.MaxAudienceLen)
		return exitUsage
	}
	data, _, err := loadInput(e, *credFile)
	if err != nil {
		return inputError(e, err)
	}
	cred := data
	if len(data) == 0 || data[0] != 0xd2 {
		if presentation.IsQR(string(data)) {
			errorf(e, "%s is a presentation, not a credential", *credFile)
			hint(e, "give the credential netcred issue printed, not an earlier presentation")
			return exitUsage
		}
		if cred, err = credential.DecodeQR(string(data)); err != nil {
			errorf(e, "%s: %v", *credFile, err)
			hint(e, "--credential takes the QR text netcred issue --holder-key printed")
			return exitUsage
		}
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	opts := sign.Options{Audience: *audience}
	if *nonce != "" {
		opts.Nonce = []byte(*nonce)
	}
	make1 := func() (string, bool) {
		opts.Now = e.now()
		cose, err := sign.Present(cred, key.Algorithm(), key.Signer(), opts)
		if err == nil {
			var text string
			if text, err = presentation.EncodeQR(cose); err == nil {
				return text, true
			}
		}
		errorf(e, "%v", err)
		if errors.Is(err, sign.ErrNotHolder) {
			hint(e, "the credential is bound to another device key, or to none: issue it with netcred issue --holder-key, and present it with the matching private key")
		}
		return "", false
	}
	if refresh == 0 {
		text, ok := make1()
		if !ok {
			return exitUsage
		}
		fmt.Fprintln(e.stdout, text)
		fmt.Fprintf(e.stderr, "%s: presentation signed at %s, valid for verifiers for about a minute (%d QR characters)\n", progName, opts.Now.UTC().Format(time.RFC3339), len(text))
		if *pngFile != "" {
			if err := writePNG(*pngFile, text); err != nil {
				errorf(e, "the PNG was not written: %v", err)
				return exitUsage
			}
		}
		return exitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	tick := time.NewTicker(refresh)
	defer tick.Stop()
	for n := 1; ; n++ {
		text, ok := make1()
		if !ok {
			return exitUsage
		}
		art, err := qrimage.Options{NoColor: os.Getenv("NO_COLOR") != ""}.Terminal(text)
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if f, isFile := e.stdout.(interface{ Fd() uintptr }); isFile && term.IsTerminal(int(f.Fd())) {
			fmt.Fprint(e.stdout, "\x1b[H\x1b[2J") // a new code in place of the old
		}
		fmt.Fprint(e.stdout, art)
		fmt.Fprintf(e.stdout, "presentation %d, signed at %s; a new one every %s (Ctrl-C to stop)\n%s\n", n, opts.Now.UTC().Format(time.RFC3339), refresh, text)
		if *pngFile != "" {
			if err := writePNG(*pngFile, text); err != nil {
				errorf(e, "the PNG was not written: %v", err)
				return exitUsage
			}
		}
		if *count > 0 && n >= *count {
			return exitOK
		}
		select {
		case <-ctx.Done():
			return exitOK
		case <-tick.C:
		}
	}
}
