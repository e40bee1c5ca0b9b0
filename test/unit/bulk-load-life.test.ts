import { describe, expect, it } from 'vitest';
import { BULK_LOAD_STATUSES, isLoadEnded, statusesBefore } from '../../lambdas/domain/bulk-load.ts';

describe("a bulk load's life (domain/bulk-load.ts)", () => {
  it('moves forward only: started, loading (again for the same upload), then one end', () => {
    expect(Object.fromEntries(BULK_LOAD_STATUSES.map((status) => [status, statusesBefore(status)]))).toEqual({
      'awaiting upload': [],
      loading: ['awaiting upload', 'loading'],
      completed: ['loading'],
      'completed with errors': ['loading'],
      failed: ['awaiting upload', 'loading'],
    });
  });

  it('says a load has ended once its status moves no more, and for a status no load has', () => {
    expect(BULK_LOAD_STATUSES.filter(isLoadEnded)).toEqual(['completed', 'completed with errors', 'failed']);
    expect([undefined, '', 'done'].map(isLoadEnded)).toEqual([true, true, true]);
  });
});
