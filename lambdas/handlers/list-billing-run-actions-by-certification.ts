import { cursorKeys, resolver } from '../composition/operations.ts';
import { createListHandler } from '../http/list-handler.ts';

export const handler = createListHandler('listBillingRunActionsByCertification', resolver({ cursorKeys }));
