/**
 * What the control plane needs to know about the Kubernetes backend before loading it: its
 * capabilities and its checks of a spec. Kept free of @kubernetes/client-node (about 40 MiB once
 * loaded), so processes that never touch a Kubernetes cluster never load the client.
 */
import type { BackendCapabilities, BackendSpecRules, ClusterSpec, ClusterSpecDraft, CredentialReference } from '@galera-cp/backends';
import type { FieldError } from '@galera-cp/core';
import { validateSharedGaleraConfigInput } from '@galera-cp/galera';

/**
 * No full-crash recovery and no stop/start (both need each member's grastate.dat, which cannot be
 * read without exec into the pods); removes the highest ordinal only; grows by itself.
 */
export const KUBERNETES_CAPABILITIES: BackendCapabilities = { recover: false, removeAnyMember: false, providesHosts: true, stopStart: false };

/** Defaults a client may leave out of a Kubernetes cluster. */
export const KUBERNETES_SPEC_DEFAULTS = { replicas: 3, namespace: 'default', image: 'mariadb:10.11', storageSize: '10Gi' } as const;

/** Credential kinds the Kubernetes backend logs in with. */
export const KUBERNETES_CREDENTIAL_KINDS = ['kubeconfig'] as const;

/** Three members unless told; the section gets namespace, image and storage size. */
export function kubernetesSpecDefaults(draft: ClusterSpecDraft): Pick<ClusterSpec, 'replicas' | 'kubernetes'> {
  const k8s = draft.kubernetes;
  return {
    replicas: draft.replicas ?? KUBERNETES_SPEC_DEFAULTS.replicas,
    ...(k8s
      ? {
          kubernetes: {
            ...(k8s.credentialId ? { credentialId: k8s.credentialId } : {}),
            namespace: k8s.namespace ?? KUBERNETES_SPEC_DEFAULTS.namespace,
            image: k8s.image ?? KUBERNETES_SPEC_DEFAULTS.image,
            storageSize: k8s.storageSize ?? KUBERNETES_SPEC_DEFAULTS.storageSize,
            ...(k8s.storageClassName ? { storageClassName: k8s.storageClassName } : {}),
            ...(k8s.resources ? { resources: k8s.resources } : {}),
          },
        }
      : {}),
  };
}

/** The kubeconfig of `kubernetes.credentialId`; none means in-cluster configuration. */
export function kubernetesCredentialOf(spec: ClusterSpec): CredentialReference | undefined {
  const id = spec.kubernetes?.credentialId;
  return id ? { id, pointer: '/kubernetes/credentialId', kinds: KUBERNETES_CREDENTIAL_KINDS } : undefined;
}

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The Kubernetes backend's checks of a spec, as field errors. */
export function validateKubernetesSpec(spec: ClusterSpec): FieldError[] {
  const k8s = spec.kubernetes;
  if (!k8s) return [{ pointer: '/kubernetes', detail: 'a kubernetes cluster needs the kubernetes section' }];
  const errors: FieldError[] = [];
  if (!DNS_LABEL.test(k8s.namespace)) errors.push({ pointer: '/kubernetes/namespace', detail: 'must be a DNS label (lowercase letters, digits and -, at most 63)' });
  if (!k8s.image || /\s/.test(k8s.image)) errors.push({ pointer: '/kubernetes/image', detail: 'must be an image reference' });
  if (!QUANTITY.test(k8s.storageSize)) errors.push({ pointer: '/kubernetes/storageSize', detail: 'must be a Kubernetes quantity, e.g. 10Gi' });
  if (k8s.storageClassName !== undefined && !DNS_SUBDOMAIN.test(k8s.storageClassName)) errors.push({ pointer: '/kubernetes/storageClassName', detail: 'must be a DNS subdomain' });
  for (const field of ['cpu', 'memory'] as const) {
    const value = k8s.resources?.[field];
    if (value !== undefined && !QUANTITY.test(value)) errors.push({ pointer: `/kubernetes/resources/${field}`, detail: 'must be a Kubernetes quantity' });
  }
  // The shared renderer's checks of the Galera settings (parameters are checked by the control plane already).
  const galera = validateSharedGaleraConfigInput({
    clusterName: 'cluster',
    members: ['cluster-0'],
    sstMethod: spec.galera.sstMethod,
    gcacheSize: spec.galera.gcacheSize,
    bufferPoolSize: spec.galera.bufferPoolSize,
  });
  for (const e of galera.errors) errors.push({ pointer: `/galera${e.pointer}`, detail: e.detail });
  return errors;
}

/**
 * The Kubernetes backend's spec rules: pods are its hosts (no inventory, no addresses to claim,
 * no host keys); a node.add only raises the StatefulSet's replicas.
 */
export const KUBERNETES_SPEC_RULES: BackendSpecRules = {
  kind: 'kubernetes',
  capabilities: KUBERNETES_CAPABILITIES,
  specDefaults: kubernetesSpecDefaults,
  validateSpec: validateKubernetesSpec,
  credentialOf: kubernetesCredentialOf,
};
