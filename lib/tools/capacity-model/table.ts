import { LEGACY_PROCESSING_INDEX, PROCESSING_INDEX } from '../../../lambdas/adapters/dynamodb/table-design.ts';
import { LIST_LIMITS } from '../../../lambdas/http/request-parameters.ts';
import { LINE_ERRORS_KEPT } from '../../../lambdas/domain/bulk-load.ts';
import { COUNTER_SHARDS } from '../../../lambdas/domain/record-limit.ts';
import { PROCESSING_STARTS, SWEEP_SCHEDULE } from '../../../lambdas/stack-functions.ts';
import { PAGE_MARGIN_MS } from '../../../lambdas/use-cases/sweep-stuck-processing.ts';
import { CHANGES_PER_LINE, costFigures, starterReadUnits, writeBackUnits } from './costs.ts';
import { MODEL_DEFAULTS, type ModelInput } from './inputs.ts';
import { SWEEP_PAGE_RECORDS, startFigures, sweepFigures, sweepWalkFigures } from './processing.ts';
import { listPageReadUnits, listWalkFigures } from './reads.ts';
import { shown } from './shown.ts';
import { streamRows } from './stream-rows.ts';
import { ERROR_SHARDS, LOOKUPS, RUN_SHARDS, loadUnits, writeFigures } from './writes.ts';

/**
 * docs/capacity.md's table of figures, rendered from the model: `npm run capacity-model` writes it
 * between the two markers, and a test fails when the doc holds another.
 */
const START = '<!-- capacity-model:start -->';
const END = '<!-- capacity-model:end -->';

/** The rows: a label and a value as shown. */
function rows(input: ModelInput): [string, string][] {
  const w = writeFigures(input);
  const list = listWalkFigures(input);
  const starts = startFigures(input);
  const sweep = sweepFigures(input);
  const walk = sweepWalkFigures(input);
  const costs = costFigures(input);
  const large = shown(input.largeLoadLines);
  const small = shown(input.smallLoadLines);
  const loads = input.concurrentLoads;
  const { largest, elsewhere } = input.startBuckets;
  return [
    [`write units per record (its item, and its entry in each of the ${LOOKUPS} lookup indexes)`, shown(w.unitsPerRecord)],
    ['records a second a new table takes (each index takes as many of its own)', shown(w.recordsPerSecond)],
    ['lines a second one index key value takes', shown(w.oneKeyLinesPerSecond)],
    [
      `lines a second all loads together may take (the loads' pace: ${shown(input.loadsShare * 100)}% of the table's warm throughput, charged each line's item alone; the counting of the records is the summaries table's)`,
      shown(w.loadsLinesPerSecond),
    ],
    [
      "write units a second left to other tenants' requests while loads run at their pace (each index keeps as many of its own)",
      shown(w.requestsWriteUnitsDuringLoads),
    ],
    [
      `lines a second of a load of one billing run (its index entries over ${RUN_SHARDS} shards; the loads' pace)`,
      shown(w.oneRunLinesPerSecond),
    ],
    [`minutes for ${large} lines of one billing run`, shown(w.largeOneRunMinutes, 1)],
    [
      `the same with the table's warm throughput raised (\`-c warmWriteUnits=${input.raisedWarmWriteUnits}\`)`,
      shown(w.largeOneRunRaisedMinutes, 1),
    ],
    [`minutes for ${large} lines spread over many billing runs`, shown(w.largeSpreadMinutes, 1)],
    [`minutes for ${small} lines of one billing run`, shown(w.smallOneRunMinutes, 1)],
    [
      "lines a second of each of two tenants' loads at once (they share the loads' pace equally, however many loads each runs)",
      shown(w.twoTenantsLinesPerSecond),
    ],
    [`minutes for ${large} lines of one tenant while another tenant loads too`, shown(w.largeBesideAnotherMinutes, 1)],
    [
      `lines a second of each of ${loads} tenants' loads at once on one new table (one billing run each; they share the loads' pace equally)`,
      shown(w.concurrentLoadLinesPerSecond),
    ],
    [`minutes until all ${loads} loads of ${small} lines are done`, shown(w.concurrentLoadsMinutes, 1)],
    [`dollars of write requests for ${large} lines (us-east-1, on demand)`, shown(w.largeLoadDollars, 2)],
    ['attempts the SDK makes of a throttled call', shown(w.sdkAttempts)],
    [
      `creates a second one tenant's counter takes (${COUNTER_SHARDS} shards, one transaction at a time each, ${input.transactionBusyMs} ms busy)`,
      shown(w.tenantCreatesCeiling),
    ],
    [
      `percent of a premium tenant's ${input.tenantCreatesPerSecond} creates a second that succeed (${input.createAttempts} attempts each)`,
      shown(w.tenantCreateSuccess * 100, 3),
    ],
    [
      `write units of a change of a tenant's limit (its item and its counter's ${COUNTER_SHARDS} shards in one transaction)`,
      shown(w.tenantChangeUnits),
    ],
    [
      `line errors a load of ${large} failing lines keeps (the first ${shown(LINE_ERRORS_KEPT)}, and at most what ${input.bulkLoadConcurrency} batches of ${input.batchLines} at once cannot yet leave out; the rest are counted)`,
      shown(w.keptErrors),
    ],
    [`seconds to write those (${ERROR_SHARDS} key values of the error index; the index's warm throughput)`, shown(w.keptErrorsSeconds, 1)],
    [`minutes the same load would take if it kept every error under one key value`, shown(w.everyErrorOneKeyMinutes, 1)],
    [
      `read units of a list page of ${LIST_LIMITS.default} (the default \`limit\`; ${RUN_SHARDS} Queries, eventually consistent)`,
      shown(listPageReadUnits(input, LIST_LIMITS.default), 1),
    ],
    [`read units of a list page of ${shown(input.listPageLimit)} (the largest \`limit\`)`, shown(list.pageReadUnits, 1)],
    [`pages to list ${large} records of one billing run to the end`, shown(list.pages)],
    ['read units of that list', shown(list.readUnits)],
    ['dollars of read requests for that list (us-east-1, on demand)', shown(list.dollars, 3)],
    [`minutes for that list (one client, page after page, ${input.listPageMs} ms a page)`, shown(list.minutes, 1)],
    [
      `processing starts a second the starter can make (${PROCESSING_STARTS.maxConcurrency} invocations of ${PROCESSING_STARTS.batchSize} starts at once, ${input.startMs} ms a start)`,
      shown(starts.starterCeiling),
    ],
    [
      `processing starts a second in the largest regions (a bucket of ${shown(largest.burst)}, ${largest.perSecond} a second)`,
      shown(starts.largestPerSecond),
    ],
    [`the same elsewhere (a bucket of ${shown(elsewhere.burst)}, ${elsewhere.perSecond} a second)`, shown(starts.elsewherePerSecond)],
    [`minutes to start the executions of ${large} lines loaded in processing, largest regions`, shown(starts.largestMinutes, 1)],
    ['the same elsewhere', shown(starts.elsewhereMinutes, 1)],
    [
      `seconds before another tenant's first start is made while one tenant has those ${large} starts waiting (a fair queue: the next delivery, behind the starter's ${PROCESSING_STARTS.maxConcurrency * PROCESSING_STARTS.batchSize} in flight), largest regions`,
      shown(starts.quietFirstStartSeconds, 2),
    ],
    ['the same elsewhere', shown(starts.quietFirstStartSecondsElsewhere, 2)],
    [
      'minutes it would wait in a queue that does not know tenants (behind the whole backlog), largest regions',
      shown(starts.unfairFirstStartMinutes, 1),
    ],
    [
      'executions a tenant opens and closes a second at most (its count of open executions is one item: two transactional writes an execution)',
      shown(starts.tenantOpensPerSecond),
    ],
    [
      `share of the account's ${shown(input.accountOpenExecutions)} open executions the largest tier's cap lets one tenant hold`,
      `${shown(starts.largestCapShare * 100)}%`,
    ],
    [
      `records one sweep run moves (${SWEEP_SCHEDULE.timeoutMinutes} minutes, pages of ${SWEEP_PAGE_RECORDS} from one tenant's ${PROCESSING_INDEX.shards} shards, no page begun with under ${PAGE_MARGIN_MS / 1000} s left, ${input.sweepRecordMs} ms a record: its read and its put)`,
      shown(sweep.perRun),
    ],
    [`records the sweep moves an hour (a run every ${SWEEP_SCHEDULE.everyMinutes} minutes)`, shown(sweep.perHour)],
    [
      `Queries of one sweep run over ${shown(input.sweptTenants)} tenants with nothing stuck (${PROCESSING_INDEX.shards} shards a tenant and its open executions' places, and the legacy index's ${LEGACY_PROCESSING_INDEX.shards} while it is kept)`,
      shown(walk.queries),
    ],
    [`seconds they take (a tenant's shards at once, then its places, ${input.sweepTenantMs} ms each)`, shown(walk.seconds, 1)],
    [`read units of that run (half a unit an empty Query, and the registry's Scan)`, shown(walk.readUnits)],
    [
      `dollars a month of those reads (a run every ${SWEEP_SCHEDULE.everyMinutes} minutes, us-east-1, on demand)`,
      shown(walk.monthlyDollars, 2),
    ],
    ...streamRows(input),
    [
      `dollars for ${large} lines loaded, not processed (their write requests, and their creates counted and published; the load's own S3, Lambda and Step Functions not counted)`,
      shown(costs.withoutProcessing, 2),
    ],
    [
      `dollars for ${large} lines loaded and each processed once (us-east-1 list prices; the same not counted)`,
      shown(costs.withProcessing, 2),
    ],
    [
      `of which DynamoDB (${loadUnits(input, 1)} write units a line at load, ${writeBackUnits(input)} at the write-back, ${starterReadUnits(input)} read unit at its start)`,
      shown(costs.parts.dynamoDb, 2),
    ],
    [
      `of which Step Functions Standard (${input.processorTransitions} state transitions an execution)`,
      shown(costs.parts.stepFunctions, 2),
    ],
    ["of which EventBridge (the processor's event, one an execution)", shown(costs.parts.eventBridge, 2)],
    [`of which SQS (a send a start; a receive and a delete per ${PROCESSING_STARTS.batchSize})`, shown(costs.parts.sqs, 2)],
    [
      `of which the starter's Lambda (an invocation per ${PROCESSING_STARTS.batchSize} starts, ${input.starterInvocationMs} ms at ${shown(input.starterMemoryMb)} MB)`,
      shown(costs.parts.lambda, 2),
    ],
    [
      `of which the change stream (${CHANGES_PER_LINE.processed} changes a line, its create and its write-back, counted and published)`,
      shown(costs.parts.changeStream, 2),
    ],
  ];
}

/** The table between the markers, as the doc holds it (each line ends in a newline). */
export function capacityTable(input: ModelInput = MODEL_DEFAULTS): string {
  const lines = ['| figure | value |', '|---|---|', ...rows(input).map(([label, value]) => `| ${label} | ${value} |`)];
  return `${lines.map((line) => `${line}\n`).join('')}`;
}

/** Where the table is in a doc: from after the start marker's line to the end marker; an error when it has no markers. */
function tableRegion(doc: string): { from: number; to: number } {
  const start = doc.indexOf(START);
  const to = doc.indexOf(END);
  const from = doc.indexOf('\n', start) + 1;
  if (start < 0 || to < from) throw new Error(`docs/capacity.md has no ${START} ... ${END}`);
  return { from, to };
}

/** The table a doc holds between the markers. */
export function tableIn(doc: string): string {
  const { from, to } = tableRegion(doc);
  return doc.slice(from, to);
}

/** The doc with the model's table between its markers. */
export function withCapacityTable(doc: string): string {
  const { from, to } = tableRegion(doc);
  return `${doc.slice(0, from)}${capacityTable()}${doc.slice(to)}`;
}
