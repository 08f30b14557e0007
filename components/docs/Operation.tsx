import { curlOf } from "./curl.ts";
import { type FieldRow, fieldRows, objectVariants, type Resolver, type Schema, typeLabel } from "./schema.ts";

export interface OperationDoc {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses?: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  "x-kiln-page"?: boolean;
}

export const operationAnchor = (method: string, path: string) =>
  `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;

/** Backticks in route descriptions become <code>. */
export function Prose({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, index) =>
        part.startsWith("`") ? <code key={index}>{part.slice(1, -1)}</code> : part
      )}
    </>
  );
}

function Fields({ rows, caption }: { rows: FieldRow[]; caption: string }) {
  if (rows.length === 0) return null;
  return (
    <table class="stacked-table docs-fields">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
          <th>Meaning</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <td data-label="Field">
              <code>{row.name}</code>
              {row.required && <span class="badge docs-required">required</span>}
            </td>
            <td data-label="Type">{row.type}</td>
            <td data-label="Meaning">
              <Prose text={row.description} />
              {row.notes && <span class="muted docs-notes">{row.notes}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A schema as a table, or one table per variant when it is a union of objects. */
function SchemaView(
  { schema, resolve, caption }: { schema: Schema; resolve: Resolver; caption: string },
) {
  const variants = objectVariants(resolve(schema), resolve);
  if (variants) {
    return (
      <div class="stack">
        <p class="muted">{caption}: one of {variants.length} shapes.</p>
        {variants.map((variant) => (
          <details key={variant.label} class="docs-variant">
            <summary>
              <code>{variant.label}</code>
            </summary>
            <Fields rows={variant.rows} caption={`${caption} — ${variant.label}`} />
          </details>
        ))}
      </div>
    );
  }
  const rows = fieldRows(schema, resolve);
  if (rows.length === 0) return <p class="muted">{caption}: {typeLabel(schema, resolve)}</p>;
  return <Fields rows={rows} caption={caption} />;
}

export function Operation(
  { method, path, operation, resolve, schemes }: {
    method: string;
    path: string;
    operation: OperationDoc;
    resolve: Resolver;
    schemes: Record<string, Schema>;
  },
) {
  const [bodyType, body] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
  const parameters = operation.parameters ?? [];
  const auth = (operation.security ?? []).map((entry) => Object.keys(entry)[0] ?? "none");
  const stream = /Server-Sent Events|SSE/i.test(`${operation.summary} ${operation.description ?? ""}`);
  const responses = Object.entries(operation.responses ?? {}).filter(([status]) => status !== "default");
  return (
    <details class="card docs-op" id={operationAnchor(method, path)}>
      <summary>
        <span class={`docs-method docs-${method}`}>{method.toUpperCase()}</span>
        <code class="docs-path">{path}</code>
        <span class="docs-summary">
          <Prose text={operation.summary} />
        </span>
      </summary>
      <div class="stack">
        {operation.description && (
          <p>
            <Prose text={operation.description} />
          </p>
        )}
        {auth.length > 0 && (
          <p class="muted">
            Credentials:{" "}
            {auth.map((name) => (name === "none" ? "none (the id is the capability)" : name)).join(" or ")}.
          </p>
        )}
        {parameters.length > 0 && (
          <table class="stacked-table docs-fields">
            <caption>Parameters</caption>
            <thead>
              <tr>
                <th>Name</th>
                <th>In</th>
                <th>Type</th>
              </tr>
            </thead>
            <tbody>
              {parameters.map((parameter) => (
                <tr key={parameter.name}>
                  <td data-label="Name">
                    <code>{parameter.name}</code>
                    {parameter.required && <span class="badge docs-required">required</span>}
                  </td>
                  <td data-label="In">{parameter.in}</td>
                  <td data-label="Type">
                    {typeLabel(parameter.schema ?? {}, resolve)}
                    {parameter.schema?.description
                      ? <span class="muted docs-notes">{String(parameter.schema.description)}</span>
                      : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {body && <SchemaView schema={body.schema} resolve={resolve} caption={`Request body (${bodyType})`} />}
        <pre class="docs-curl"><code>{curlOf({
          method,
          path,
          parameters,
          security: operation.security,
          body: body && { type: bodyType!, schema: body.schema },
          schemes,
          resolve,
          stream,
        })}</code></pre>
        <h4>Responses</h4>
        <dl class="docs-responses">
          {responses.map(([status, response]) => {
            const [type, content] = Object.entries(response.content ?? {})[0] ?? [];
            const showSchema = content && type === "application/json";
            return (
              <div key={status}>
                <dt class={`docs-status docs-status-${status[0]}xx`}>{status}</dt>
                <dd>
                  <Prose text={response.description} />
                  {showSchema && (
                    <SchemaView schema={content.schema} resolve={resolve} caption={`${status} body`} />
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      </div>
    </details>
  );
}
