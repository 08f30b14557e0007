/**
 * The one normaliser of display updates: whatever a producer sends becomes `{type, data}` in the
 * canonical stored shape of `update_schemas.ts`.
 * - Envelope `{type, data}`, Stonepot's `{type, displayData}` and the legacy flat `{type, ...fields}`.
 * - Producer field names are mapped first (`update_aliases.ts`).
 * - Money arrives as decimal major units (`price: 12.99`, what Stonepot sends) or integer minor
 *   units (`priceMinor: 1299`) and is stored in minor units of the update's currency, which is the
 *   update's own `currency`, else the session's (init, tenant menu or theme), else USD.
 * - Fields the schema does not know are kept under `data.extra` (as sent), as long as the update
 *   stays within MAX_UPDATE_BYTES; the largest are dropped first and named in `data.extraDropped`.
 */
import { KilnError } from "../errors.ts";
import { validate, validationError, type ValidationIssue } from "../http/body.ts";
import { defaultCurrency, toMinor } from "./money.ts";
import { canonicalNames, isObject, withoutNulls } from "./update_aliases.ts";
import { hasCurrency, updateSchemas, updateShapes, type UpdateType, updateTypes } from "./update_schemas.ts";

export { httpUrl, type UpdateType, updateTypes } from "./update_schemas.ts";

/** One update as stored, broadcast and rendered. `seq` orders it within its session. */
export interface DisplayUpdate {
  seq: number;
  type: UpdateType;
  // deno-lint-ignore no-explicit-any
  data: Record<string, any>;
  at: number;
}

/** Largest serialized update (a 100-line cart fits; KV values stay far below 64 KiB). */
export const MAX_UPDATE_BYTES = 16_000;
/**
 * Largest batch, summed: each update is written twice in the batch's one atomic (stored record and
 * staged live event), and Deno KV refuses atomics over 800 KiB.
 */
export const MAX_BATCH_BYTES = 350_000;
const maxExtraFields = 40;

/** Where the update is going: supplies the currency when the update names none. */
export interface UpdateContext {
  currency?: string;
}

const moneyNames = new Set([
  "price",
  "unitPrice",
  "lineTotal",
  "subtotal",
  "deliveryFee",
  "tax",
  "total",
  "amount",
]);

/** `price: 12.99` → `priceMinor: 1299` (in `currency`'s minor unit), recursively; explicit `…Minor` wins. */
function moneyToMinor(value: unknown, currency: string): unknown {
  if (Array.isArray(value)) return value.map((item) => moneyToMinor(item, currency));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (typeof field === "number" && moneyNames.has(key)) {
      if (!(`${key}Minor` in value)) out[`${key}Minor`] = toMinor(field, currency);
    } else out[key] = moneyToMinor(field, currency);
  }
  return out;
}

// Own keys only: a field named "constructor" or "toString" is not part of any shape.
const isKnown = (type: UpdateType, key: string) =>
  Object.hasOwn(updateShapes[type], key) ||
  (moneyNames.has(key) && Object.hasOwn(updateShapes[type], `${key}Minor`));

/** Validates one producer update into the canonical `{type, data}`. */
export function parseUpdate(
  input: unknown,
  path = "update",
  context: UpdateContext = {},
): Pick<DisplayUpdate, "type" | "data"> {
  if (!isObject(input)) {
    throw invalid([{ path, message: "must be an object with a type", code: "invalid_type" }]);
  }
  const { type, data, displayData, timestamp: _timestamp, ...flat } = input;
  if (typeof type !== "string" || !Object.hasOwn(updateShapes, type)) {
    throw invalid([{
      path: `${path}.type`,
      message: `unknown update type ${JSON.stringify(type)}; expected one of ${updateTypes.join(", ")}`,
      code: "unknown_type",
    }]);
  }
  const kind = type as UpdateType;
  const payload = isObject(data) ? data : isObject(displayData) ? displayData : flat;
  const named = canonicalNames(kind, withoutNulls(payload) as Record<string, unknown>);
  const known: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(named)) (isKnown(kind, key) ? known : extra)[key] = value;

  const currency = typeof known.currency === "string" ? known.currency : context.currency ?? defaultCurrency;
  const parsed = validate(updateSchemas[kind], moneyToMinor(known, currency), `${path}.data`, {
    code: "invalid_update",
  });
  const canonical = { ...parsed, ...(hasCurrency(kind) ? { currency } : {}) };
  return { type: kind, data: withBoundedExtra(kind, canonical, extra) };
}

export const updateBytes = (update: unknown) => new TextEncoder().encode(JSON.stringify(update)).length;

/** Adds the unknown fields, dropping the largest until the update fits; the known ones must fit. */
function withBoundedExtra(
  type: UpdateType,
  canonical: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  if (updateBytes({ type, data: canonical }) > MAX_UPDATE_BYTES) {
    throw new KilnError(
      "too_large",
      "update_too_large",
      `An update may be at most ${MAX_UPDATE_BYTES} bytes.`,
    );
  }
  const names = Object.keys(extra);
  if (names.length === 0) return canonical;
  const dropped = names.slice(maxExtraFields);
  const kept = Object.fromEntries(names.slice(0, maxExtraFields).map((name) => [name, extra[name]]));
  const build = () => ({
    ...canonical,
    ...(Object.keys(kept).length > 0 ? { extra: kept } : {}),
    ...(dropped.length > 0 ? { extraDropped: dropped } : {}),
  });
  let data = build();
  while (updateBytes({ type, data }) > MAX_UPDATE_BYTES && Object.keys(kept).length > 0) {
    const largest = Object.keys(kept).reduce((a, b) => updateBytes(kept[a]) >= updateBytes(kept[b]) ? a : b);
    delete kept[largest];
    dropped.push(largest);
    data = build();
  }
  if (updateBytes({ type, data }) > MAX_UPDATE_BYTES) {
    // Only the list of dropped names can still be too long: keep the count instead.
    data = { ...canonical, extraDropped: [`${dropped.length} fields`] };
  }
  return data;
}

function invalid(issues: ValidationIssue[]): KilnError {
  return validationError(issues, { code: "invalid_update" });
}
