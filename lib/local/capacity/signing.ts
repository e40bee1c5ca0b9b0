import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { type Send, sender } from './proxy.ts';

/** SHA-256 (HMAC-SHA-256 with a secret) in the shape the signer asks for. */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Data): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class Sha256 {
  private hash;
  private readonly secret: string | Uint8Array | undefined;

  constructor(secret?: Data) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }

  update(data: Data): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

/** The region of an AWS DynamoDB endpoint (dynamodb.<region>.amazonaws.com), else the configured one. */
const regionOf = (url: URL): string =>
  /^dynamodb\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';

/**
 * How the emulator sends on: to an AWS endpoint (https) each call is signed again with the machine's
 * credentials (the emulator changes what it sends: another host, or a batch's admitted part), as AWS
 * checks every signature; DynamoDB Local and other emulators take any signature, so they get the call as it came.
 */
export function upstreamSender(endpoint: string): Send {
  const url = new URL(endpoint);
  const send = sender(endpoint);
  if (url.protocol !== 'https:') return send;
  const signer = new SignatureV4({ credentials: defaultProvider(), region: regionOf(url), service: 'dynamodb', sha256: Sha256 });
  return async (target, body, headers) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      headers: { 'content-type': headers['content-type'] ?? 'application/x-amz-json-1.0', 'x-amz-target': target, host: url.host },
      body,
    });
    return send(target, body, signed.headers as Record<string, string>);
  };
}
