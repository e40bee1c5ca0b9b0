import { partitionShare } from '../../../lambdas/adapters/dynamodb/dynamodb-index-partition.ts';
import { readUnits } from '../../local/capacity/units.ts';
import type { ModelInput } from './inputs.ts';
import { RUN_SHARDS } from './writes.ts';

/**
 * Read units of one list page of a billing run (`readMergedPartitions`): the page and one item more
 * (whether there are more), each of the run's shards asked for its share of that in one Query. An
 * index is read eventually consistently (half price), each Query rounded up to 4 KB on its own. The
 * entries are taken as spread evenly over the shards, so the merge takes no shard past what it read.
 */
export function listPageReadUnits(input: ModelInput, pageLimit: number): number {
  const perShard = partitionShare(pageLimit + 1, RUN_SHARDS);
  return RUN_SHARDS * readUnits(perShard * input.recordBytes, 'eventual');
}

/** A list of one billing run of the large load's size walked to its end, by one client, page after page. */
export function listWalkFigures(input: ModelInput) {
  const pageReadUnits = listPageReadUnits(input, input.listPageLimit);
  const pages = Math.ceil(input.largeLoadLines / input.listPageLimit);
  const readUnitsTotal = pages * pageReadUnits;
  return {
    pageReadUnits,
    pages,
    readUnits: readUnitsTotal,
    dollars: (readUnitsTotal * input.prices.dynamoReadsPerMillion) / 1_000_000,
    minutes: (pages * input.listPageMs) / 60_000,
  };
}
