import { html, raw } from 'hono/html';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, RequestBodyObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';

type Schema = SchemaObject | ReferenceObject;
type Html = ReturnType<typeof html>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// Inline, so the page needs nothing but itself: no CDN, no script, works offline.
const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1f; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .25rem; margin-top: 2.5rem; }
details { border: 1px solid #ddd; border-radius: 6px; margin: .5rem 0; padding: .25rem .75rem; }
summary { cursor: pointer; }
code, .method { font-family: ui-monospace, monospace; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; text-transform: uppercase; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-top: 1px solid #eee; padding: .25rem .5rem; }
.muted { color: #666; }
@media (prefers-color-scheme: dark) { body { background: #15151a; color: #e4e4e7; } details, h2, th, td { border-color: #333; } .muted { color: #999; } a { color: #8ab4f8; } }
`;

function isRef(schema: Schema): schema is ReferenceObject {
  return '$ref' in schema && typeof schema.$ref === 'string';
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A one-line type: named schemas link to their table, arrays end in `[]`, enums list their values. */
function typeOf(schema: Schema | undefined): Html {
  if (!schema) return html`<span class="muted">any</span>`;
  if (isRef(schema)) return html`<a href="#schema-${refName(schema.$ref)}">${refName(schema.$ref)}</a>`;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return html`${alternatives.map((s, i) => html`${i > 0 ? ' | ' : ''}${typeOf(s)}`)}`;
  if (schema.enum) return html`<code>${schema.enum.map((v) => JSON.stringify(v)).join(' | ')}</code>`;
  if (schema.const !== undefined) return html`<code>${JSON.stringify(schema.const)}</code>`;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const main = types.filter((t) => t !== 'null');
  const nullable = types.includes('null') ? ' | null' : '';
  if (main.includes('array')) return html`${typeOf(schema.items)}[]${nullable}`;
  const format = schema.format ? ` (${schema.format})` : '';
  return html`<code>${main.join(' | ') || 'object'}</code>${format}${nullable}`;
}

/** An object's fields as a table, nested objects inside; anything else as its type. */
function schemaBody(schema: Schema | undefined): Html {
  if (!schema || isRef(schema) || !schema.properties) return typeOf(schema);
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties).map(
    ([name, field]) =>
      html`<tr><td><code>${name}</code>${required.has(name) ? '' : html` <span class="muted">optional</span>`}</td><td>${
        !isRef(field) && field.properties ? schemaBody(field) : typeOf(field)
      }</td><td>${isRef(field) ? '' : (field.description ?? '')}</td></tr>`,
  );
  return html`<table><tr><th>field</th><th>type</th><th></th></tr>${rows}</table>`;
}

function jsonSchemaOf(content: RequestBodyObject['content'] | undefined): Schema | undefined {
  return content ? Object.values(content)[0]?.schema : undefined;
}

function operation(method: string, path: string, op: OperationObject): Html {
  const params = (op.parameters ?? []).filter((p): p is ParameterObject => !('$ref' in p));
  const body = op.requestBody && !('$ref' in op.requestBody) ? op.requestBody : undefined;
  const responses = Object.entries(op.responses ?? {}).filter((entry): entry is [string, ResponseObject] => !('$ref' in entry[1]));
  return html`<details id="${method}-${path}">
<summary><span class="method">${method}</span> <code>${path}</code> — ${op.summary ?? ''}${op.security?.length ? html` <span class="muted">(bearer token)</span>` : ''}</summary>
${params.length > 0 ? html`<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th></th></tr>${params.map((p) => html`<tr><td><code>${p.name}</code>${p.required ? '' : html` <span class="muted">optional</span>`}</td><td>${p.in}</td><td>${typeOf(p.schema)}</td><td>${p.description ?? (p.schema && !isRef(p.schema) ? (p.schema.description ?? '') : '')}</td></tr>`)}</table>` : ''}
${body ? html`<h4>Request body</h4>${schemaBody(jsonSchemaOf(body.content))}` : ''}
<h4>Responses</h4><table>${responses.map(([status, r]) => html`<tr><td><code>${status}</code></td><td>${r.description}</td><td>${r.content ? typeOf(jsonSchemaOf(r.content)) : ''}</td></tr>`)}</table>
</details>`;
}

/**
 * The API reference as one self-contained HTML page, rendered from the OpenAPI document:
 * the operations grouped by tag, then every named schema. It loads nothing from elsewhere.
 */
export async function docsPage(doc: OpenAPIObject, documentUrl: string): Promise<string> {
  const byTag = new Map<string, Html[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} reference</title><style>${raw(STYLE)}</style></head>
<body>
<h1>${doc.info.title} <span class="muted">${doc.info.version}</span></h1>
<p>${doc.info.description ?? ''} The machine-readable document: <a href="${documentUrl}">${documentUrl}</a>.</p>
${[...byTag].map(([tag, ops]) => html`<h2>${tag}</h2>${ops}`)}
<h2>Schemas</h2>
${schemas.map(([name, schema]) => html`<details id="schema-${name}"><summary><code>${name}</code></summary>${schemaBody(schema)}</details>`)}
</body></html>`;
  return (await page).toString();
}
