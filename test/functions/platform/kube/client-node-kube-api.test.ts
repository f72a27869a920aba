/** The client-node adapter (kept for local use) passes the KubeApi contract against the fake API server. */
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { kubeApiContract } from './kube-api-contract.ts';

kubeApiContract('createClientNodeKubeApi', (fake, token) => {
  const kc = fake.kubeConfig();
  const user = kc.getCurrentUser();
  if (token !== undefined && user !== null) Object.assign(user, { token });
  return createClientNodeKubeApi(kc);
});
