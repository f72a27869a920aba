/**
 * The AWS SDK's own credential providers, run against whatever answers on the metadata addresses (in a test's network
 * namespace, the fake services): `fromInstanceMetadata` (IMDSv2 session, the role's name, its credentials) and
 * `fromHttp` (EKS Pod Identity, with `AWS_CONTAINER_CREDENTIALS_FULL_URI` and an authorization token). Prints one JSON
 * line: the access key ids each returned, or the error it gave.
 */
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { fromInstanceMetadata } from '@smithy/credential-provider-imds';

const attempt = async (provide: () => Promise<{ accessKeyId: string }>): Promise<string> => {
  try {
    return (await provide()).accessKeyId;
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
};

const which = process.argv[2] ?? 'both';
const out: Record<string, string> = {};
if (which !== 'pod-identity')
  out.imds = await attempt(fromInstanceMetadata({ timeout: 3_000, maxRetries: 0 }));
if (which !== 'imds')
  out.podIdentity = await attempt(
    fromHttp({
      awsContainerCredentialsFullUri: process.env.POD_IDENTITY_URI ?? 'http://169.254.170.23/v1/credentials',
      awsContainerAuthorizationToken: 'eyJhbGciOiJSUzI1NiJ9.projected-service-account-token',
      timeout: 3_000,
      maxRetries: 0,
    }),
  );
process.stdout.write(`${JSON.stringify(out)}\n`);
