import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The environment a function reads in AWS, for tests and benchmarks that run the handlers in process
 * with the SDK mocked. Set it before the first invocation; the handlers read it then.
 */
export function useMockedEnvironment(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, {
    TABLE_NAME: 'actions',
    TENANTS_TABLE_NAME: 'tenants',
    CURSOR_SECRET: 'test-cursor-secret',
    AWS_REGION: 'eu-west-1',
    // As the stack sets them on the functions that may start processing.
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor',
    PROCESSING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/starts',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...overrides,
  });
}

/** The `handler` of a module under lambdas/handlers, by file name. */
export async function loadHandler(file: string): Promise<ProxyHandler> {
  return ((await import(`../lambdas/handlers/${file}.ts`)) as { handler: ProxyHandler }).handler;
}
