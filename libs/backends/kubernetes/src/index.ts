/**
 * The Kubernetes backend: Galera clusters as StatefulSets, written through the Kubernetes API.
 * See README.md.
 */
export { KubernetesBackend, type KubernetesBackendOptions } from './kubernetes.backend';
export {
  KUBERNETES_CAPABILITIES,
  KUBERNETES_CREDENTIAL_KINDS,
  KUBERNETES_SPEC_DEFAULTS,
  KUBERNETES_SPEC_RULES,
  kubernetesCredentialOf,
  kubernetesSpecDefaults,
  validateKubernetesSpec,
} from './kubernetes-spec';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './apply';
export { STEP_ACTIONS } from './cluster-plan';
export {
  CONFIG_HASH_ANNOTATION,
  FIELD_MANAGER,
  RESTARTED_AT_ANNOTATION,
  RESTART_FIELD_MANAGER,
  claimName,
  clusterLabels,
  objectNames,
  renderClusterObjects,
  selectorLabels,
  type ClusterObjectNames,
  type ManifestInput,
} from './render-manifests';
