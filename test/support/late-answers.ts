import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Send } from '../../lib/local/capacity/proxy.ts';

/**
 * A way to the DynamoDB behind the capacity emulator on which the next transactions land at once but
 * answer late, as an answer lost on the network looks to the client that gave its attempt up.
 */
export function lateTransactionAnswers() {
  const delays: number[] = [];
  return {
    /** The next `count` TransactWriteItems answer `delayMs` after they landed. */
    next(count: number, delayMs: number): void {
      for (let index = 0; index < count; index++) delays.push(delayMs);
    },
    /** How many late answers are still to come (0 once every transaction asked for has landed). */
    pending: (): number => delays.length,
    wrap(send: Send): Send {
      return async (target, body, headers) => {
        const answer = await send(target, body, headers);
        const delay = target.endsWith('.TransactWriteItems') ? delays.shift() : undefined;
        if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
        return answer;
      };
    },
  };
}

/** An endpoint in front of `upstream` (DynamoDB Local) that sends every call on through `send` (a `wrap`ped sender). */
export async function proxyThrough(send: Send): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).filter(
        ([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const answer = await send(String(incoming.headers['x-amz-target']), Buffer.concat(chunks), headers);
    response.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/x-amz-json-1.0' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
