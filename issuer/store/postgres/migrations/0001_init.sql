-- netcred issuer store, schema version 1 (spec/issuer.md §2.8).
-- Each record is the JSON of spec/issuer.md §2, exactly as the embedded
-- store keeps it, in a column of type json (kept as written); the columns
-- beside it are its keys and what queries select on.

CREATE TABLE config (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	record    json NOT NULL
);

CREATE TABLE lists (
	number bigint PRIMARY KEY CHECK (number BETWEEN 0 AND 4294967295),
	record json NOT NULL
);

CREATE TABLE credentials (
	list   bigint   NOT NULL CHECK (list BETWEEN 0 AND 4294967295),
	idx    bigint   NOT NULL CHECK (idx >= 0),
	status smallint NOT NULL CHECK (status BETWEEN 0 AND 3),
	record json     NOT NULL,
	PRIMARY KEY (list, idx)
);
-- What publication reads: the credentials whose status is not valid.
CREATE INDEX credentials_not_valid ON credentials (list, idx) INCLUDE (status) WHERE status <> 0;

CREATE TABLE status_changes (
	seq    bigint PRIMARY KEY CHECK (seq > 0),
	list   bigint NOT NULL,
	idx    bigint NOT NULL,
	record json   NOT NULL
);
CREATE INDEX status_changes_by_credential ON status_changes (list, idx, seq);

CREATE TABLE clients (
	name       text  PRIMARY KEY,
	token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	record     json  NOT NULL
);

CREATE TABLE terminals (
	name   text PRIMARY KEY,
	record json NOT NULL
);

CREATE TABLE used_once (
	kind    text   NOT NULL,
	id      text   NOT NULL,
	expires bigint NOT NULL, -- Unix seconds
	PRIMARY KEY (kind, id)
);

CREATE TABLE idempotency (
	client text NOT NULL,
	key    text NOT NULL,
	record json NOT NULL,
	PRIMARY KEY (client, key)
);

CREATE TABLE audit (
	seq  bigint PRIMARY KEY CHECK (seq > 0),
	prev bytea  NOT NULL CHECK (length(prev) = 32),
	hash bytea  NOT NULL CHECK (length(hash) = 32),
	body bytea  NOT NULL -- the entry's JSON, exactly as hashed
);

-- The chain's head: one row, locked (SELECT ... FOR UPDATE) first by every
-- write transaction, so that appends from several processes form one chain.
CREATE TABLE audit_head (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	seq       bigint  NOT NULL CHECK (seq >= 0),
	hash      bytea   NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
	seq    bigint PRIMARY KEY CHECK (seq > 0),
	record json   NOT NULL
);

-- Append-only tables: the database refuses UPDATE, DELETE and TRUNCATE.
CREATE FUNCTION netcred_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'netcred: table % is append-only (% refused)', TG_TABLE_NAME, TG_OP
		USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER status_changes_append_only BEFORE UPDATE OR DELETE ON status_changes
	FOR EACH ROW EXECUTE FUNCTION netcred_append_only();
CREATE TRIGGER status_changes_no_truncate BEFORE TRUNCATE ON status_changes
	FOR EACH STATEMENT EXECUTE FUNCTION netcred_append_only();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION netcred_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION netcred_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
	FOR EACH ROW EXECUTE FUNCTION netcred_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
	FOR EACH STATEMENT EXECUTE FUNCTION netcred_append_only();

-- The head only moves forward.
CREATE FUNCTION netcred_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.seq < OLD.seq THEN
		RAISE EXCEPTION 'netcred: the audit head cannot move back (from % to %)', OLD.seq, NEW.seq
			USING ERRCODE = 'restrict_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
	FOR EACH ROW EXECUTE FUNCTION netcred_audit_head_forward();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
	FOR EACH ROW EXECUTE FUNCTION netcred_append_only();
