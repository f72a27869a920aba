/** `meshward install`: renders the cluster side (namespace, webhooks, RBAC, quarantine policy) as YAML. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import { parseInstallOptions } from '#infra/k8s/render/install-options.ts';
import { renderInstall } from '#infra/k8s/render/render-install.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward install --endpoint URL [options] > manifests.yaml

Renders the Kubernetes manifests that connect a cluster to a meshward control plane:
the meshward namespace, RBAC for the response actions, the quarantine NetworkPolicy template,
the mutating (injection) and validating (policy) webhook configurations, and optionally the
in-cluster control plane. Apply with: kubectl apply -f manifests.yaml

Options:
  --endpoint URL       https:// base URL the API server uses to reach the control plane (required)
  --ca-bundle FILE     PEM CA bundle for that endpoint (printed by 'meshward serve' on first start)
  --secret S           secret webhook path segment (MESHWARD_WEBHOOK_PATH_SECRET on the server)
  --namespace NS       namespace for meshward itself (default meshward)
  --image IMAGE        control-plane image for --in-cluster
  --in-cluster         also render the control plane as a Deployment (no AWS needed)
  --fail-closed        deny admission when meshward is unreachable (default: ignore)`;

const readCa = (path: string | undefined): string | undefined => {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError('bad-request', `cannot read --ca-bundle ${path}: ${(error as Error).message}`);
  }
};

export const installCommand: CliCommand = {
  name: 'install',
  summary: 'render the cluster manifests (webhooks, RBAC, namespace, quarantine policy)',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        endpoint: { type: 'string' },
        'ca-bundle': { type: 'string' },
        secret: { type: 'string' },
        namespace: { type: 'string' },
        image: { type: 'string' },
        'in-cluster': { type: 'boolean', default: false },
        'fail-closed': { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.endpoint === undefined)
      throw new AppError('bad-request', '--endpoint is required (see --help)');
    const options = parseInstallOptions({
      endpoint: values.endpoint,
      caBundlePem: readCa(values['ca-bundle']),
      webhookPathSecret: values.secret,
      namespace: values.namespace,
      image: values.image,
      inCluster: values['in-cluster'],
      failurePolicy: values['fail-closed'] ? 'Fail' : 'Ignore',
    });
    io.stdout(renderInstall(options));
    return 0;
  },
};
