import { createListHandler } from '../http/list-handler.ts';

export const handler = createListHandler('listBillingRunActionsByApplication');
