import { describe, expect, it } from 'vitest';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const recordsTable = (template: ReturnType<typeof synth>['template']) =>
  ofType(template, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith('Records'))?.[1].Properties as Record<string, any>;

describe("the records table's warm throughput (context warmWriteUnits)", () => {
  it('pre-warms the table and every index alike when given, and leaves AWS its defaults when not', () => {
    const warm = recordsTable(synth({ ...NO_BUNDLING, warmWriteUnits: 12_000 }).template);
    expect(warm.WarmThroughput).toEqual({ WriteUnitsPerSecond: 12_000 });
    expect(warm.GlobalSecondaryIndexes).toHaveLength(11);
    for (const index of warm.GlobalSecondaryIndexes) expect(index.WarmThroughput, index.IndexName).toEqual({ WriteUnitsPerSecond: 12_000 });
    const plain = recordsTable(synth(NO_BUNDLING).template);
    expect(plain.WarmThroughput).toBeUndefined();
    expect(plain.GlobalSecondaryIndexes.every((index: { WarmThroughput?: unknown }) => index.WarmThroughput === undefined)).toBe(true);
  });

  it("gives the chunk function the loads' pace: 85% of the table's write throughput, raised with it", () => {
    const paceOf = (template: ReturnType<typeof synth>['template']) =>
      ofType(template, 'AWS::Lambda::Function')
        .map(([, fn]) => fn.Properties?.Environment?.Variables?.BULK_LOAD_WRITE_UNITS)
        .filter((pace) => pace !== undefined);
    expect(paceOf(synth({ ...NO_BUNDLING, warmWriteUnits: 12_000 }).template)).toContain('10200');
    expect(paceOf(synth(NO_BUNDLING).template)).toContain('3400');
  });

  it('refuses less than a new on-demand table takes by itself', () => {
    expect(() => synth({ ...NO_BUNDLING, warmWriteUnits: 1_000 })).toThrow(/warmWriteUnits' must be at least 4000/);
  });
});
