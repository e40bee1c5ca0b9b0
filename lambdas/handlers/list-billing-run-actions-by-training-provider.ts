import { createListHandler } from '../middleware/list-handler.ts';

export const handler = createListHandler('listBillingRunActionsByTrainingProvider');
