-- Publication across the instances sharing this database (spec/issuer.md §7):
-- announced changes are numbered by list_changes; the last publication and
-- its tokens, stored by the holder of the publish lock, are served by all.
CREATE SEQUENCE list_changes AS bigint MINVALUE 1;
CREATE TABLE publication (
	id     boolean PRIMARY KEY DEFAULT true CHECK (id),
	iat    timestamptz NOT NULL,
	covers bigint NOT NULL
);
INSERT INTO publication (id, iat, covers) VALUES (true, '-infinity', 0) ON CONFLICT DO NOTHING;
CREATE TABLE published_tokens (
	uri    text PRIMARY KEY,
	token  bytea NOT NULL,
	iat    timestamptz NOT NULL,
	exp    timestamptz NOT NULL,
	ttl    bigint NOT NULL CHECK (ttl >= 0),
	number integer NOT NULL
);
