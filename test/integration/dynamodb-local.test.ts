import { describe, expect, inject, it } from 'vitest';

describe('DynamoDB Local as the local service starts it', () => {
  it('gives web pages no CORS access, so a site the developer opens cannot read or write the local tables', async () => {
    const preflight = await fetch(inject('dynamoDbEndpoint'), {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://any-site.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-amz-target',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
