/** Opens the DynamoDB store for the AWS runtime; the adapter and the SDK client load only when a function first needs them. */

import { createDynamoClient } from './aws-clients.ts';
import type { AwsRuntimeConfig } from './aws-env.ts';
import type { Store } from './store/store.ts';

export const openAwsStore = async (
  config: Pick<AwsRuntimeConfig, 'region' | 'tableName'>,
): Promise<Store> => {
  const [{ openDynamoStore }, client] = await Promise.all([
    import('./store/dynamodb.ts'),
    createDynamoClient(config.region),
  ]);
  return openDynamoStore({ client, tableName: config.tableName });
};
