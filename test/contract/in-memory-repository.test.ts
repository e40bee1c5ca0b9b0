import { inMemoryRepository } from '../support/in-memory-repository.ts';
import { billingRunActionRepositoryContract } from './billing-run-action-repository.contract.ts';
import { recordListsContract } from './record-lists.contract.ts';

/** The repository contract on the in-memory stand-in the use case tests run on. */
billingRunActionRepositoryContract('the in-memory repository', async (tenants) => inMemoryRepository({ tenants }).repository);
recordListsContract('the in-memory repository', async (tenants) => inMemoryRepository({ tenants }).repository);
