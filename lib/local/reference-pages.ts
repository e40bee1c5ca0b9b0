import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildOpenApiDocument } from '../openapi/openapi.ts';

const require = createRequire(import.meta.url);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Billing Run Actions API reference</title>
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="/docs/redoc.standalone.js"></script>
  </body>
</html>
`;

/**
 * The API's machine-readable description and its reference page, served without authentication:
 * the OpenAPI document (pointing at this server) and Redoc's standalone bundle from node_modules, so
 * the page works with no network at all.
 */
export function referencePages(url: string): Record<string, { contentType: string; body: string | Buffer }> {
  const document = { ...buildOpenApiDocument(), servers: [{ url, description: 'this local service' }] };
  return {
    '/openapi.json': { contentType: 'application/json', body: JSON.stringify(document) },
    '/docs': { contentType: 'text/html; charset=utf-8', body: DOCS_PAGE },
    '/docs/redoc.standalone.js': {
      contentType: 'text/javascript; charset=utf-8',
      body: readFileSync(require.resolve('redoc/bundles/redoc.standalone.js')),
    },
  };
}
