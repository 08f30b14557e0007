/**
 * The PostgreSQL schema behind `KvStore`, created on start (idempotent, under an advisory lock so
 * instances starting together do not race). One table of versioned rows plays the part of Deno KV:
 * `versionstamp` is the optimistic-concurrency column, bumped from one sequence by every commit.
 *
 * All writes go through `kv_commit_batch`: one call commits a batch of atomic operations ("plans")
 * whose keys do not overlap (commit_batch.ts groups them), in one transaction, set-wise:
 * 1. transaction advisory locks on every key the batch checks or writes, taken in hash order (no
 *    deadlocks), so a version check and the writes that depend on it cannot interleave with another
 *    commit on the same keys — the guarantee KV's atomic check gives;
 * 2. the checks (an absent or expired row has version NULL); a plan with a failed check writes
 *    nothing and gets version NULL, the others each get a new version;
 * 3. the mutations — deletes, then sets (with optional expiry), then sum/min/max on 64-bit unsigned
 *    values in order; each plan arrives with at most one set or delete per key, preceding its
 *    sum/min/max, which is what applying its mutations in order would leave;
 * 4. the queue messages, as Graphile Worker jobs in the same transaction as the data they belong to;
 * 5. the NOTIFYs the caller prepared (the written keys, in payloads under the 8,000-byte cap) with
 *    the batch's highest version, so watchers on every instance re-read.
 * As the plans share no key, committing them together equals committing them one after another.
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

CREATE OR REPLACE FUNCTION ${schema}.kv_commit_batch(
  plan_count int,
  check_plans int[], check_keys bytea[], check_versions bigint[],
  mutation_plans int[], mutation_kinds text[], mutation_keys bytea[], mutation_values bytea[],
  mutation_expire_ms bigint[],
  queue_plans int[], queue_payloads json[], queue_delays_ms bigint[],
  notify_payloads text[]
) RETURNS bigint[] LANGUAGE plpgsql
-- Plans are made once per connection: custom plans (PostgreSQL's default for the first calls and
-- whenever it doubts the generic one) cost more than running these statements, Graphile's
-- add_jobs included.
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
  failed int[];
  versions bigint[];
  specs ${workerSchema}.job_spec[];
  m record;
  found_value bytea;
  current numeric;
  operand numeric;
  payload text;
BEGIN
  PERFORM pg_advisory_xact_lock(lock_id) FROM (
    SELECT DISTINCT hashtextextended('${schema}:' || encode(k, 'hex'), 0) AS lock_id
    FROM unnest(check_keys || mutation_keys) AS k ORDER BY 1
  ) AS locks;

  -- Statements look keys up one by one (subqueries, = ANY): a generic plan joining the arrays to
  -- the table could choose to scan all of it.
  SELECT coalesce(array_agg(DISTINCT c.plan), '{}') INTO failed
  FROM unnest(check_plans, check_keys, check_versions) AS c(plan, key, version)
  WHERE c.version IS DISTINCT FROM (SELECT versionstamp FROM ${schema}.kv
    WHERE kv.key = c.key AND (kv.expires_at IS NULL OR kv.expires_at > clock_timestamp()));

  SELECT array_agg(CASE WHEN p = ANY(failed) THEN NULL ELSE nextval('${schema}.kv_versionstamp') END ORDER BY p)
  INTO versions FROM generate_series(1, plan_count) AS p;
  IF cardinality(failed) = plan_count THEN RETURN versions; END IF;

  IF 'delete' = ANY(mutation_kinds) THEN
    DELETE FROM ${schema}.kv WHERE key = ANY(ARRAY(
      SELECT d.key FROM unnest(mutation_plans, mutation_kinds, mutation_keys) AS d(plan, kind, key)
      WHERE d.kind = 'delete' AND NOT (d.plan = ANY(failed))));
  END IF;

  IF 'set' = ANY(mutation_kinds) THEN
    INSERT INTO ${schema}.kv (key, value, versionstamp, expires_at)
      SELECT s.key, s.value, versions[s.plan], clock_timestamp() + s.expire_ms * interval '1 millisecond'
      FROM unnest(mutation_plans, mutation_kinds, mutation_keys, mutation_values, mutation_expire_ms)
        AS s(plan, kind, key, value, expire_ms)
      WHERE s.kind = 'set' AND NOT (s.plan = ANY(failed))
      ON CONFLICT (key) DO UPDATE
        SET value = excluded.value, versionstamp = excluded.versionstamp, expires_at = excluded.expires_at;
  END IF;

  FOR m IN
    SELECT u.plan, u.kind, u.key, u.value
    FROM unnest(mutation_plans, mutation_kinds, mutation_keys, mutation_values) WITH ORDINALITY
      AS u(plan, kind, key, value, n)
    WHERE u.kind IN ('sum', 'min', 'max') AND NOT (u.plan = ANY(failed)) ORDER BY u.n
  LOOP
    SELECT value INTO found_value FROM ${schema}.kv
      WHERE key = m.key AND (expires_at IS NULL OR expires_at > clock_timestamp());
    IF found_value IS NULL THEN
      found_value := m.value;
    ELSIF get_byte(found_value, 0) <> 1 THEN
      RAISE EXCEPTION 'Failed to perform ''%'' mutation on a non-U64 value in the database', m.kind
        USING ERRCODE = '22023';
    ELSE
      current := ${schema}.kv_u64(found_value);
      operand := ${schema}.kv_u64(m.value);
      found_value := ${schema}.kv_u64_bytes(CASE m.kind
        WHEN 'sum' THEN mod(current + operand, 18446744073709551616)
        WHEN 'min' THEN least(current, operand)
        ELSE greatest(current, operand) END);
    END IF;
    INSERT INTO ${schema}.kv (key, value, versionstamp, expires_at)
      VALUES (m.key, found_value, versions[m.plan], NULL)
      ON CONFLICT (key) DO UPDATE
        SET value = excluded.value, versionstamp = excluded.versionstamp, expires_at = NULL;
  END LOOP;

  specs := ARRAY(
    SELECT ROW('kiln_queue', q.payload, NULL::text, clock_timestamp() + q.delay_ms * interval '1 millisecond',
      25::smallint, NULL::text, NULL::smallint, NULL::text[])::${workerSchema}.job_spec
    FROM unnest(queue_plans, queue_payloads, queue_delays_ms) WITH ORDINALITY AS q(plan, payload, delay_ms, n)
    WHERE NOT (q.plan = ANY(failed)) ORDER BY q.n
  );
  IF cardinality(specs) > 0 THEN PERFORM ${workerSchema}.add_jobs(specs); END IF;

  FOREACH payload IN ARRAY notify_payloads LOOP
    PERFORM pg_notify('${channel}', (SELECT max(v) FROM unnest(versions) AS v) || ' ' || payload);
  END LOOP;
  RETURN versions;
END
$$;
`;
}
