/** Mutating and validating webhook configurations pointing the API server at meshward. */
import { type InstallOptions, webhookUrl } from './install-options.ts';

const excludedNamespaces = (options: InstallOptions) => ['kube-system', options.namespace];

const clientConfig = (options: InstallOptions, route: string) => ({
  url: webhookUrl(options, route),
  ...(options.caBundlePem === undefined
    ? {}
    : { caBundle: Buffer.from(options.caBundlePem).toString('base64') }),
});

const common = (options: InstallOptions) => ({
  admissionReviewVersions: ['v1'],
  sideEffects: 'None',
  failurePolicy: options.failurePolicy,
  timeoutSeconds: options.timeoutSeconds,
});

const notExcluded = (options: InstallOptions) => ({
  key: 'kubernetes.io/metadata.name',
  operator: 'NotIn',
  values: excludedNamespaces(options),
});

const podCreate = [
  { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' },
];

/** CEL guards evaluated by the API server before calling us: no call at all for pods we would skip. */
const mutateConditions = [
  {
    name: 'not-host-network',
    expression: '!has(object.spec.hostNetwork) || object.spec.hostNetwork == false',
  },
  { name: 'not-from-kubelet', expression: "!request.userInfo.username.startsWith('system:node:')" },
];

export const mutatingWebhookConfiguration = (options: InstallOptions) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name: 'meshward-inject', labels: { 'app.kubernetes.io/part-of': 'meshward' } },
  webhooks: [
    {
      name: 'namespace.inject.meshward.io',
      ...common(options),
      reinvocationPolicy: 'IfNeeded',
      clientConfig: clientConfig(options, '/admission/mutate/namespace'),
      rules: podCreate,
      namespaceSelector: {
        matchExpressions: [
          { key: 'meshward.io/inject', operator: 'In', values: ['enabled'] },
          notExcluded(options),
        ],
      },
      objectSelector: {
        matchExpressions: [{ key: 'meshward.io/inject', operator: 'NotIn', values: ['false'] }],
      },
      matchConditions: mutateConditions,
    },
    {
      name: 'pod.inject.meshward.io',
      ...common(options),
      reinvocationPolicy: 'IfNeeded',
      clientConfig: clientConfig(options, '/admission/mutate'),
      rules: podCreate,
      namespaceSelector: {
        matchExpressions: [
          { key: 'meshward.io/inject', operator: 'NotIn', values: ['enabled', 'disabled'] },
          notExcluded(options),
        ],
      },
      objectSelector: { matchLabels: { 'meshward.io/inject': 'true' } },
      matchConditions: mutateConditions,
    },
  ],
});

const controllers = [
  { apiGroups: [''], resources: ['pods', 'replicationcontrollers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
  { apiGroups: [''], resources: ['services'] },
];

const validatingEntry = (options: InstallOptions, name: string, route: string, optIn: 'In' | 'NotIn') => ({
  name,
  ...common(options),
  clientConfig: clientConfig(options, route),
  rules: controllers.map((rule) => ({
    operations: ['CREATE', 'UPDATE'],
    apiGroups: rule.apiGroups,
    apiVersions: ['v1'],
    resources: rule.resources,
    scope: 'Namespaced',
  })),
  namespaceSelector: {
    matchExpressions: [
      { key: 'meshward.io/inject', operator: optIn, values: ['enabled'] },
      notExcluded(options),
    ],
  },
  matchConditions: [
    { name: 'not-status-updates', expression: "!has(request.subResource) || request.subResource == ''" },
  ],
});

export const validatingWebhookConfiguration = (options: InstallOptions) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'meshward-policy', labels: { 'app.kubernetes.io/part-of': 'meshward' } },
  // Two entries because only the API server knows namespace labels: `tap-required` needs to know
  // whether the namespace opted into injection.
  webhooks: [
    validatingEntry(options, 'namespace.policy.meshward.io', '/admission/validate/namespace', 'In'),
    validatingEntry(options, 'policy.meshward.io', '/admission/validate', 'NotIn'),
  ],
});
