/** Every rule exporter, by format id. */
import type { RuleExporter } from './exporter.ts';
import { ciliumExporter } from './formats/cilium.ts';
import { istioExporter } from './formats/istio.ts';
import { linkerdExporter } from './formats/linkerd.ts';
import { networkPolicyExporter } from './formats/networkpolicy.ts';

export const exporters: RuleExporter[] = [
  networkPolicyExporter,
  istioExporter,
  ciliumExporter,
  linkerdExporter,
];
