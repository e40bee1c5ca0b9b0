import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * A reference for the bench, not part of the service: a get written in the style the AWS samples and
 * the Powertools example app use (Middy with Powertools Logger, Metrics and Tracer, the Tracer wrapping
 * the DocumentClient), so that the service's cold start is measured against the common way too.
 */
const logger = new Logger({ serviceName: 'reference' });
const metrics = new Metrics({ namespace: 'Reference', serviceName: 'reference' });
const tracer = new Tracer({ serviceName: 'reference' });
const endpoint = process.env.DYNAMODB_ENDPOINT;
const client = tracer.captureAWSv3Client(
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: process.env.AWS_REGION ?? 'us-east-1',
      ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    }),
  ),
);

export const handler = middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `${event.pathParameters?.tenantId}#${event.pathParameters?.id}` } }),
  );
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  logger.info('request', { status: Item ? 200 : 404 });
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? { message: 'Not found' }) };
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
