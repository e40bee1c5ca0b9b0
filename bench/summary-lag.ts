import { startDynamoDbLocal } from '../lib/local/dynamodb-local.ts';
import { childFigures } from './capacity-figures.ts';
import { writeFiguresApart } from './results-file.ts';
import { SCALE } from './scale.ts';
import { type Figure, log, printFigures } from './stats.ts';

/** `summary_lag_s` (SPEC section 6, run progress), measured by bench/summary-lag-child.ts in a process of its own. */
export async function summaryLagFigure(endpoint: string): Promise<Figure> {
  log(`summary lag: a 2,000-line load of one billing run, and its summary until exact, under the emulator at scale ${SCALE}`);
  const [figure] = await childFigures('bench/summary-lag-child.ts', endpoint);
  return figure as Figure;
}

// `npx node bench/summary-lag.ts`: this figure alone, on a DynamoDB Local of its own (a minute or two),
// written into bench/results.json in place of the last one, with the time it was measured.
if (import.meta.main) {
  const dynamoDb = await startDynamoDbLocal();
  try {
    const figure = await summaryLagFigure(dynamoDb.endpoint);
    figure.details = { measured_at: new Date().toISOString(), through: 'npx node bench/summary-lag.ts', ...figure.details };
    writeFiguresApart([figure]);
    printFigures([figure]);
    console.log('\nwritten to bench/results.json');
  } finally {
    await dynamoDb.stop();
  }
}
