/** What a policy is matched against: the object's kind, namespace and labels, and its namespace's labels. */
export type PolicyTarget = {
  kind: string;
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  /** Owner names (Pods created by a ReplicaSet), so exceptions can name the workload. */
  owners: string[];
  namespaceLabels?: Record<string, string>;
};
