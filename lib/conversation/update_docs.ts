/**
 * The OpenAPI description of display updates: a union discriminated on `type` with each type's
 * `data` (canonical fields, the producer aliases of `update_aliases.ts`, money in major units
 * beside the `…Minor` fields) and an example per type, plus the stored shape, the state and the
 * write/read responses. Generated from the same schemas and alias tables the normaliser uses.
 */
import { z } from "zod";
import { fieldAliases, lineItemAliases, menuItemAliases } from "./update_aliases.ts";
import { updateExamples } from "./update_examples.ts";
import { lineItem, updateShapes, type UpdateType, updateTypes } from "./update_schemas.ts";

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function toJson(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Json;
  return rest;
}

/** Input forms `update_aliases.ts` turns into the canonical type (a number of minutes, one string …). */
const alsoAccepted: Record<string, Json> = {
  preparationTime: { type: "number", description: "Minutes." },
  estimatedTime: { type: "number", description: "Minutes; stored as `etaMinutes`." },
  itemId: { type: "number" },
  customizations: { type: "string" },
  choices: { type: "string" },
  allergens: { type: "string" },
};

/**
 * Adds `price` beside `priceMinor` (major units), each alias beside its canonical field, and the
 * other input forms the normaliser accepts.
 */
function documented(schema: Json, aliases: Record<string, string>): Json {
  const properties = { ...(schema.properties as Record<string, Json>) };
  for (const [name, extra] of Object.entries(alsoAccepted)) {
    if (properties[name]) properties[name] = { anyOf: [properties[name], extra] };
  }
  if (properties.currency) {
    properties.currency = { type: "string", pattern: "^[A-Za-z]{3}$", description: "ISO 4217, any case." };
  }
  for (const name of Object.keys(properties)) {
    if (!name.endsWith("Minor")) continue;
    const major = name.slice(0, -"Minor".length);
    properties[major] = {
      type: "number",
      description: `Amount in major units (12.99); stored as \`${name}\` in the currency's minor unit.`,
    };
  }
  for (const [alias, canonical] of Object.entries(aliases)) {
    properties[alias] ??= { description: `Alias of \`${canonical}\`.` };
  }
  // A required field may come under any of its names: `name` or `dishName`, `amountMinor` or `amount`.
  const required: string[] = [];
  const either: Json[] = [];
  for (const name of (schema.required as string[] | undefined) ?? []) {
    const names = [
      name,
      ...(name.endsWith("Minor") ? [name.slice(0, -"Minor".length)] : []),
      ...Object.keys(aliases).filter((alias) => aliases[alias] === name),
    ];
    if (names.length === 1) required.push(name);
    else either.push({ anyOf: names.map((alternative) => ({ required: [alternative] })) });
  }
  const { required: _required, ...rest } = schema;
  return {
    ...rest,
    properties,
    ...(required.length ? { required } : {}),
    ...(either.length ? { allOf: either } : {}),
  };
}

function dataSchema(type: UpdateType): Json {
  const schema = documented(toJson(z.object(updateShapes[type])), fieldAliases[type] ?? {});
  const properties = schema.properties as Record<string, Json>;
  const shape = updateShapes[type];
  if (type === "menu_section") {
    const items = properties.items as Json;
    properties.items = { ...items, items: documented(items.items as Json, menuItemAliases) };
  } else if ("items" in shape) {
    properties.items = { type: "array", maxItems: 100, items: ref("DisplayLineItem") };
    properties.cart = {
      type: "object",
      description: "The cart nested (Stonepot's form): its fields apply here.",
    };
  }
  if ("item" in shape) {
    properties.item = { anyOf: [ref("DisplayLineItem"), { type: "string", description: "A dish name." }] };
  }
  if (type === "checkout_summary") {
    properties.address = {
      anyOf: [properties.address, { type: "object", properties: { formatted: { type: "string" } } }],
    };
  }
  return {
    ...schema,
    additionalProperties: {
      description: "Kept as sent under `data.extra` (bounded; the largest dropped first).",
    },
    examples: [updateExamples[type]],
  };
}

const displayUpdate: Json = {
  type: "object",
  description: "An update as stored and broadcast: canonical `data`, money in minor units.",
  required: ["seq", "type", "data", "at"],
  properties: {
    seq: { type: "integer", description: "Orders the update within its session; the resume point." },
    type: { enum: updateTypes },
    data: {
      type: "object",
      description: "The type's canonical fields, `currency` for money-bearing types, and `extra` / " +
        "`extraDropped` for unknown fields.",
    },
    at: { type: "integer", description: "Epoch milliseconds when Kiln received it." },
  },
};

/** Named schemas for `components.schemas`. */
export function updateSchemaComponents(): Record<string, Json> {
  const components: Record<string, Json> = {
    DisplayLineItem: documented(toJson(lineItem), lineItemAliases),
    DisplayUpdate: displayUpdate,
    DisplayUpdateInput: {
      description: "One display update: `{type, data}` (the legacy flat `{type, ...fields}` and " +
        "`{type, displayData}` are accepted too). `tenantId`/`category` beside `data` apply when the " +
        "call creates the session. A `null` field counts as absent; `timestamp` is ignored (Kiln " +
        "records `at`).",
      oneOf: updateTypes.map((type) => ref(`DisplayUpdate_${type}`)),
      discriminator: {
        propertyName: "type",
        mapping: Object.fromEntries(
          updateTypes.map((type) => [type, `#/components/schemas/DisplayUpdate_${type}`]),
        ),
      },
    },
  };
  for (const type of updateTypes) {
    components[`DisplayUpdate_${type}`] = {
      type: "object",
      required: ["type", "data"],
      properties: {
        type: { const: type },
        data: dataSchema(type),
        tenantId: { type: "string", description: "Tenant of a session this call creates." },
        category: { enum: ["restaurant", "financial"] },
      },
      examples: [{ type, data: updateExamples[type] }],
    };
  }
  return components;
}

const session = {
  sessionId: { type: "string" },
  tenantId: { type: "string" },
  category: { enum: ["restaurant", "financial"] },
  currency: { type: "string", description: "ISO 4217; used for updates that name none." },
};

/** What the conversation routes put in their `openapi` and `responses` specs. */
export const updateDocs = {
  input: ref("DisplayUpdateInput"),
  batchInput: {
    type: "object",
    required: ["updates"],
    properties: {
      updates: { type: "array", minItems: 1, maxItems: 100, items: ref("DisplayUpdateInput") },
      tenantId: { type: "string" },
      category: { enum: ["restaurant", "financial"] },
    },
  },
  written: {
    type: "object",
    properties: { success: { const: true }, seq: { type: "integer" }, update: ref("DisplayUpdate") },
  },
  batchWritten: {
    type: "object",
    properties: {
      success: { const: true },
      seq: { type: "integer" },
      updates: { type: "array", items: ref("DisplayUpdate") },
    },
  },
  initialised: {
    type: "object",
    properties: {
      success: { const: true },
      ...session,
      displayUrl: { type: "string", description: "The themed page, with the session's display token." },
      websocketUrl: { type: "string", description: "The live stream (WebSocket or SSE), with the token." },
      expiresAt: { type: "string", format: "date-time" },
      writeToken: {
        type: "string",
        description: "Only when the session was created: the session's own write token.",
      },
    },
  },
  state: {
    type: "object",
    properties: {
      ...session,
      createdAt: { type: "integer" },
      seq: { type: "integer" },
      expiresAt: { type: "integer" },
      transcripts: { type: "array", maxItems: 100, items: ref("DisplayUpdate") },
      updates: { type: "array", maxItems: 50, items: ref("DisplayUpdate") },
    },
  },
  writeErrors: {
    401: "`invalid_session_token`: no token, or not the service token / this session's write token.",
    409:
      "`session_tenant_mismatch` (the session belongs to another tenant) or `contention` (concurrent writers; retry after `Retry-After`).",
    413: "`update_too_large`, `batch_too_large` or `body_too_large`.",
    422: "`invalid_update` (unknown type or bad field; `issues[]` names each path) or `validation_failed`.",
  },
  readErrors: {
    401: "`invalid_session_token`: no token, or not a token of this session.",
    404: "`session_not_found`: the session ended (display token) or never existed.",
  },
  initErrors: {
    401: "`invalid_session_token`: the service token is required.",
    409: "`session_tenant_mismatch`: the session id belongs to another tenant.",
    422: "`validation_failed`: bad tenantId, category or currency.",
  },
};
