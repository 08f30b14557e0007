/**
 * Reading JSON Schema (from the OpenAPI document) for people: a schema becomes table rows (one per
 * field, nested fields as `parent.child`, array items as `list[].field`), union types become their
 * variants, and every schema can produce an example value for the curl lines.
 */
export type Schema = Record<string, unknown>;
export type Resolver = (schema: Schema) => Schema;

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
  /** Limits and defaults, e.g. "1–200 chars · default 20". */
  notes: string;
}

export interface Variant {
  /** The discriminator's value (e.g. "dish_card") or the variant's title. */
  label: string;
  rows: FieldRow[];
}

const maxDepth = 4;

/** Follows `#/components/schemas/…` references inside the document. */
export function resolverFor(document: Record<string, unknown>): Resolver {
  const schemas = ((document.components as Schema | undefined)?.schemas ?? {}) as Record<string, Schema>;
  return (schema) => {
    let current = schema;
    for (let hops = 0; typeof current?.$ref === "string" && hops < 10; hops++) {
      current = schemas[(current.$ref as string).replace("#/components/schemas/", "")] ?? {};
    }
    return current ?? {};
  };
}

const variantsOf = (schema: Schema) => (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;

/** A union of object schemas (not just "X or null"): shown variant by variant. */
export function objectVariants(schema: Schema, resolve: Resolver): Variant[] | null {
  const variants = variantsOf(schema)?.map(resolve);
  if (!variants || variants.filter((variant) => variant.type === "object").length < 2) return null;
  const discriminator = (schema.discriminator as { propertyName?: string } | undefined)?.propertyName ??
    commonConstProperty(variants);
  return variants.map((variant, index) => {
    const tag = discriminator
      ? resolve((variant.properties as Record<string, Schema>)?.[discriminator] ?? {})
      : {};
    const label = String(
      tag.const ?? (tag.enum as unknown[] | undefined)?.[0] ?? variant.title ?? `variant ${index + 1}`,
    );
    return { label, rows: fieldRows(variant, resolve) };
  });
}

function commonConstProperty(variants: Schema[]): string | undefined {
  const first = Object.entries((variants[0].properties ?? {}) as Record<string, Schema>);
  return first.find(([name]) =>
    variants.every((variant) => {
      const property = (variant.properties as Record<string, Schema> | undefined)?.[name];
      return property &&
        (property.const !== undefined || (property.enum as unknown[] | undefined)?.length === 1);
    })
  )?.[0];
}

export function typeLabel(raw: Schema, resolve: Resolver): string {
  const schema = resolve(raw);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const union = variantsOf(schema);
  if (union) return [...new Set(union.map((variant) => typeLabel(variant, resolve)))].join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : String(schema.type ?? "any");
  if (type === "array") return `array of ${typeLabel((schema.items as Schema) ?? {}, resolve)}`;
  if (type === "string" && schema.format) return `string (${schema.format})`;
  if (type === "object" && schema.additionalProperties && !schema.properties) {
    return `map of ${typeLabel(schema.additionalProperties as Schema, resolve)}`;
  }
  return type;
}

/** zod writes the safe-integer range on every integer; that is no limit worth reading. */
const limit = (value: unknown) =>
  typeof value === "number" && Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;

function notesOf(schema: Schema): string {
  const notes: string[] = [];
  const range = (rawLow: unknown, rawHigh: unknown, unit: string) => {
    const [low, high] = [limit(rawLow), limit(rawHigh)];
    if (low !== undefined && high !== undefined) notes.push(`${low}–${high}${unit}`);
    else if (low !== undefined) notes.push(`≥ ${low}${unit}`);
    else if (high !== undefined) notes.push(`≤ ${high}${unit}`);
  };
  range(schema.minLength, schema.maxLength, " chars");
  range(schema.minimum, schema.maximum, "");
  range(schema.minItems, schema.maxItems, " items");
  if (schema.pattern) notes.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes.join(" · ");
}

/** One row per field of an object schema, nested objects and arrays of objects flattened. */
export function fieldRows(raw: Schema, resolve: Resolver, prefix = "", depth = 0): FieldRow[] {
  const schema = resolve(raw);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: FieldRow[] = [];
  for (const [name, rawProperty] of Object.entries(properties)) {
    const property = resolve(rawProperty);
    const path = `${prefix}${name}`;
    rows.push({
      name: path,
      type: typeLabel(property, resolve),
      required: required.has(name),
      description: String(property.description ?? ""),
      notes: notesOf(property),
    });
    if (depth >= maxDepth) continue;
    const items = property.type === "array" ? resolve((property.items as Schema) ?? {}) : undefined;
    if (property.type === "object" && property.properties) {
      rows.push(...fieldRows(property, resolve, `${path}.`, depth + 1));
    }
    if (items?.type === "object" && items.properties) {
      rows.push(...fieldRows(items, resolve, `${path}[].`, depth + 1));
    }
  }
  return rows;
}

const stringExamples: [RegExp, string][] = [
  [/url|uri|link/i, "https://example.com/talk.mp3"],
  [/email/i, "ada@example.com"],
  [/user/i, "ada"],
  [/tenant/i, "bistro"],
  [/prompt/i, "warm terracotta trattoria"],
  [/batch/i, "b1"],
  [/key$/i, "staging/b1/scan.tif"],
  [/name/i, "scan.tif"],
  [/(^|_)id$|Id$/i, "r-1"],
];

/** A plausible value: the schema's own example or default first, else one made from its type. */
export function exampleOf(raw: Schema, resolve: Resolver, name = "", depth = 0): unknown {
  const schema = resolve(raw);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const union = variantsOf(schema);
  if (union) {
    return exampleOf(
      union.find((variant) => resolve(variant).type !== "null") ?? union[0],
      resolve,
      name,
      depth,
    );
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      if (depth > maxDepth) return {};
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries = Object.entries(properties).filter(([field]) => required.has(field));
      return Object.fromEntries(
        entries.map(([field, value]) => [field, exampleOf(value, resolve, field, depth + 1)]),
      );
    }
    case "array":
      return depth > maxDepth ? [] : [exampleOf((schema.items as Schema) ?? {}, resolve, name, depth + 1)];
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? Math.max(schema.minimum, 1) : 1;
    case "boolean":
      return true;
    case "string": {
      if (schema.format === "uri" || schema.format === "url") return "https://example.com/talk.mp3";
      if (schema.format === "date-time") return "2026-01-01T12:00:00Z";
      return stringExamples.find(([pattern]) => pattern.test(name))?.[1] ?? "text";
    }
    default:
      return null;
  }
}
