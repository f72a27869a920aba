/** Opens the DynamoDB response store for respond on AWS; the adapter and the SDK client load on first use. */
import { createDynamoClient } from '#functions/platform/aws-clients.ts';
import type { ResponseStore } from './store/response-store.ts';

export const openAwsResponseStore = async (options: {
  region: string;
  tableName: string;
}): Promise<ResponseStore> => {
  const [{ openDynamoResponseStore }, client] = await Promise.all([
    import('./store/dynamodb-response-store.ts'),
    createDynamoClient(options.region),
  ]);
  return openDynamoResponseStore({ client, tableName: options.tableName });
};
