// Package httpapi is the issuer's HTTP service (spec/service.md): the /v1
// JSON API that enrollment clients use to ask for credentials and change
// their status, the OpenID4VCI pre-authorized code flow that gives a
// holder's wallet device-bound credentials (spec/oid4vci.md: POST
// /v1/offers, /token, /nonce, /credential and the issuer metadata; an
// [OfferBackend]), the JWKS of the issuer's keys, the distribution point
// that verifiers sync from (bundle.jws and the status list tokens), a
// health check and Prometheus metrics.
//
// The package holds the HTTP layer only. It consumes two small interfaces
// it defines: a [Backend] (the issuer and its store: issuance, records,
// status changes, clients, idempotency records, status list publication)
// and an [Evaluator] (which level the evidence of a request earns). The
// issuance rules stay in package issuer; this package checks what the
// HTTP contract says (authentication, the client's scope, the body) and
// maps the backend's answers to status codes and stable error codes.
//
// # Security
//
// Bearer tokens are passed to the backend, which stores only their hash.
// Logs carry a request id, the route, the client's name, the status and
// the error code, never claims, evidence or tokens. Bodies are capped
// (413), decoded strictly (400 naming the field), and every client has a
// rate limit (429 with Retry-After); failed authentications are limited
// per remote address in a bounded table (429 before the token is looked
// up), so that unknown tokens cannot be tried at the network's pace. An
// Idempotency-Key's answer is recorded in the credential's own store
// write, so a retry never issues twice. Pre-authorized codes and access
// tokens are 256-bit secrets whose hashes alone are stored; a wrong
// transaction code is counted durably and the fifth invalidates the
// offer; a proof JWT is checked against an allow-list (ES256, EdDSA, a
// bare jwk, no other header) and its c_nonce is used once.
package httpapi
