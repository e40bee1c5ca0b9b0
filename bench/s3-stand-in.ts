import { type Server, createServer } from 'node:http';

/**
 * An S3 endpoint (path-style, as the SDK addresses an endpoint given by IP) that answers at once: a
 * GET of any object is `file` (a byte range of it when asked), a PUT is stored nowhere. The bulk load
 * steps' cold starts are measured against it, as the functions' against the DynamoDB stand-in.
 */
export function startS3StandIn(port: number, file: string): Promise<Server> {
  const bytes = Buffer.from(file);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'PUT') {
        response.writeHead(200, { ETag: '"bench"' });
        response.end();
        return;
      }
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
      const body = range ? bytes.subarray(Number(range[1]), Number(range[2]) + 1) : bytes;
      response.writeHead(range ? 206 : 200, {
        'Content-Type': 'application/x-ndjson',
        'Content-Length': String(body.length),
        ETag: '"bench"',
        'x-amz-version-id': 'v1',
        ...(range && { 'Content-Range': `bytes ${range[1]}-${Number(range[1]) + body.length - 1}/${bytes.length}` }),
      });
      response.end(body);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
