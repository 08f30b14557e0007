/**
 * The PostgreSQL schema behind `KvStore`, created on start (idempotent, under an advisory lock so
 * instances starting together do not race). One table of versioned rows plays the part of Deno KV:
 * `versionstamp` is the optimistic-concurrency column, bumped from one sequence by every commit.
 *
 * All writes go through `kv_commit`, one round trip per atomic operation:
 * 1. transaction advisory locks on every key it checks or writes, taken in hash order (no
 *    deadlocks), so a version check and the writes that depend on it cannot interleave with another
 *    commit on the same keys — the guarantee KV's atomic check gives;
 * 2. the checks (an absent or expired row has version NULL); a failed check returns NULL;
 * 3. the mutations (set with optional expiry, delete, and sum/min/max on 64-bit unsigned values);
 * 4. the queue messages, as Graphile Worker jobs in the same transaction as the data they belong to;
 * 5. one NOTIFY carrying the new version and the written keys, so watchers on every instance re-read.
 */

export interface SchemaNames {
  /** Schema of the kv table and functions. */
  schema: string;
  /** Schema Graphile Worker installs itself into. */
  workerSchema: string;
  /** LISTEN/NOTIFY channel of key changes. */
  channel: string;
}

/** Schema names are spliced into SQL, so only plain lower-case identifiers are accepted. */
export const schemaNamePattern = /^[a-z_][a-z0-9_]{0,40}$/;

export function schemaNames(schema: string): SchemaNames {
  if (!schemaNamePattern.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return { schema, workerSchema: `${schema}_worker`, channel: `${schema}_kv` };
}

/** NOTIFY payloads are capped at 8,000 bytes; a commit touching more keys than fit says "*" (all). */
const MAX_NOTIFY_KEYS_LENGTH = 7_000;

export function migrationSql({ schema, workerSchema, channel }: SchemaNames): string {
  return `
SELECT pg_advisory_xact_lock(hashtextextended('kiln:migrate:${schema}', 0));
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.kv (
  key bytea PRIMARY KEY,
  value bytea NOT NULL,
  versionstamp bigint NOT NULL,
  expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS kv_expires_at ON ${schema}.kv (expires_at) WHERE expires_at IS NOT NULL;
CREATE SEQUENCE IF NOT EXISTS ${schema}.kv_versionstamp;

CREATE OR REPLACE FUNCTION ${schema}.kv_u64(value bytea) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN signed < 0 THEN signed + 18446744073709551616 ELSE signed END
  FROM (SELECT ('x' || encode(substring(value FROM 2 FOR 8), 'hex'))::bit(64)::bigint::numeric AS signed) AS v
$$;

CREATE OR REPLACE FUNCTION ${schema}.kv_u64_bytes(value numeric) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
  SELECT '\\x01'::bytea || int8send((CASE WHEN value >= 9223372036854775808
    THEN value - 18446744073709551616 ELSE value END)::bigint)
$$;

CREATE OR REPLACE FUNCTION ${schema}.kv_commit(
  check_keys bytea[], check_versions bigint[],
  mutation_kinds text[], mutation_keys bytea[], mutation_values bytea[], mutation_expire_ms bigint[],
  queue_payloads json[], queue_delays_ms bigint[]
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  i int;
  found_version bigint;
  found_value bytea;
  new_version bigint;
  new_value bytea;
  current numeric;
  operand numeric;
  changed_keys text;
BEGIN
  PERFORM pg_advisory_xact_lock(lock_id) FROM (
    SELECT DISTINCT hashtextextended('${schema}:' || encode(k, 'hex'), 0) AS lock_id
    FROM unnest(check_keys || mutation_keys) AS k ORDER BY 1
  ) AS locks;

  FOR i IN 1 .. coalesce(array_length(check_keys, 1), 0) LOOP
    SELECT versionstamp INTO found_version FROM ${schema}.kv
      WHERE key = check_keys[i] AND (expires_at IS NULL OR expires_at > clock_timestamp());
    IF found_version IS DISTINCT FROM check_versions[i] THEN RETURN NULL; END IF;
  END LOOP;

  new_version := nextval('${schema}.kv_versionstamp');
  FOR i IN 1 .. coalesce(array_length(mutation_keys, 1), 0) LOOP
    IF mutation_kinds[i] = 'delete' THEN
      DELETE FROM ${schema}.kv WHERE key = mutation_keys[i];
      CONTINUE;
    END IF;
    new_value := mutation_values[i];
    IF mutation_kinds[i] <> 'set' THEN
      SELECT value INTO found_value FROM ${schema}.kv
        WHERE key = mutation_keys[i] AND (expires_at IS NULL OR expires_at > clock_timestamp());
      IF found_value IS NOT NULL THEN
        IF get_byte(found_value, 0) <> 1 THEN
          RAISE EXCEPTION 'Failed to perform ''%'' mutation on a non-U64 value in the database', mutation_kinds[i]
            USING ERRCODE = '22023';
        END IF;
        current := ${schema}.kv_u64(found_value);
        operand := ${schema}.kv_u64(new_value);
        new_value := ${schema}.kv_u64_bytes(CASE mutation_kinds[i]
          WHEN 'sum' THEN mod(current + operand, 18446744073709551616)
          WHEN 'min' THEN least(current, operand)
          ELSE greatest(current, operand) END);
      END IF;
    END IF;
    INSERT INTO ${schema}.kv (key, value, versionstamp, expires_at)
      VALUES (mutation_keys[i], new_value, new_version,
        clock_timestamp() + mutation_expire_ms[i] * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE
        SET value = excluded.value, versionstamp = excluded.versionstamp, expires_at = excluded.expires_at;
  END LOOP;

  FOR i IN 1 .. coalesce(array_length(queue_payloads, 1), 0) LOOP
    PERFORM ${workerSchema}.add_job('kiln_queue', queue_payloads[i],
      run_at => clock_timestamp() + queue_delays_ms[i] * interval '1 millisecond', max_attempts => 25);
  END LOOP;

  SELECT string_agg(DISTINCT encode(k, 'hex'), ',') INTO changed_keys FROM unnest(mutation_keys) AS k;
  IF changed_keys IS NOT NULL THEN
    PERFORM pg_notify('${channel}', new_version || ' ' ||
      CASE WHEN length(changed_keys) > ${MAX_NOTIFY_KEYS_LENGTH} THEN '*' ELSE changed_keys END);
  END IF;
  RETURN new_version;
END
$$;
`;
}
