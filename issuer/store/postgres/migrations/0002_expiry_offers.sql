-- netcred issuer store, schema version 2 (spec/issuer.md §2.10): expiry of
-- used-once and idempotency records (DropExpired), the latest expiry of
-- what each key signed, credential offers.

-- When an idempotency record may be dropped; NULL: never (records of
-- schema 1).
ALTER TABLE idempotency ADD COLUMN expires timestamptz;
CREATE INDEX idempotency_expiry ON idempotency (expires) WHERE expires IS NOT NULL;
CREATE INDEX used_once_expiry ON used_once (expires);

CREATE TABLE key_expiry (
	kid     text   PRIMARY KEY, -- base64url
	expires bigint NOT NULL     -- Unix seconds, rounded up
);

CREATE TABLE offers (
	id     text PRIMARY KEY,
	record json NOT NULL
);
