import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsProcessingStarter } from '../../lambdas/adapters/step-functions/step-functions-processing-starter.ts';
import { ProcessorBusy } from '../../lambdas/ports/processing-starter.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor';
const INPUT = { tenantId: 't1', id: 'id-1', type: 'send renewal reminder' };

/**
 * Step Functions as the SDK meets it on the wire (JSON 1.0, errors as `__type` with HTTP 400): each
 * execution name is answered by its script of answers, the last one repeated. So the starter's
 * reading of a refusal is checked against the errors the SDK really builds, after its own retries.
 */
const scripts = new Map<string, string[]>();
const calls: string[] = [];
let server: Server;
let starter: StepFunctionsProcessingStarter;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { name } = JSON.parse(body) as { name: string };
      calls.push(name);
      const script = scripts.get(name) ?? ['started'];
      const answer = (script.length > 1 ? script.shift() : script[0]) as string;
      response.setHeader('Content-Type', 'application/x-amz-json-1.0');
      if (answer === 'started') {
        response.end(JSON.stringify({ executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`, startDate: 1 }));
      } else {
        response.statusCode = answer === 'ServiceUnavailable' ? 503 : 400;
        response.end(JSON.stringify({ __type: answer, message: `refused: ${answer}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  starter = StepFunctionsProcessingStarter.forStateMachine(STATE_MACHINE, 'eu-west-1');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  scripts.clear();
  calls.length = 0;
});

describe('starting executions against Step Functions on the wire', () => {
  it('rides out a short throttle within its own adaptive retries', async () => {
    scripts.set('bra-short', ['ThrottlingException', 'ThrottlingException', 'started']);
    await starter.start('bra-short', INPUT);
    expect(calls).toEqual(['bra-short', 'bra-short', 'bra-short']);
  });

  it.each([
    ['ThrottlingException', 3],
    ['ServiceUnavailable', 3],
    // Not retried by the SDK (a modeled error of the start): the queue's next delivery tries again.
    ['ExecutionLimitExceeded', 1],
  ])('calls the processor busy when %s outlasts its attempts (%i)', async (refusal, attempts) => {
    scripts.set('bra-busy', [refusal]);
    await expect(starter.start('bra-busy', INPUT)).rejects.toBeInstanceOf(ProcessorBusy);
    expect(calls).toHaveLength(attempts);
  });

  it('gives a start up as busy, unsent, once its caller is out of time', async () => {
    await expect(starter.start('bra-late', INPUT, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ProcessorBusy);
    expect(calls).toEqual([]);
  });

  it('passes a refusal of the start itself on as it is, after one call', async () => {
    scripts.set('bra-gone', ['StateMachineDoesNotExist']);
    const refused = starter.start('bra-gone', INPUT);
    await expect(refused).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(refused).rejects.not.toBeInstanceOf(ProcessorBusy);
    expect(calls).toEqual(['bra-gone']);
  });

  it('takes an execution that already exists for the name as started', async () => {
    scripts.set('bra-again', ['ExecutionAlreadyExists']);
    await expect(starter.start('bra-again', INPUT)).resolves.toBeUndefined();
  });
});
