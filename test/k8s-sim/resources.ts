import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

/** How a name of this resource is validated (Kubernetes apimachinery name rules). */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label';

/** One served resource type: where it lives in the URL space and how it behaves. */
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Lower-case plural, the URL segment. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served, e.g. status, scale, eviction. */
  subresources: string[];
  /** metadata.generation is kept and bumped on spec changes. */
  hasGeneration: boolean;
  /** spec and status are written separately (status only through /status). */
  hasStatusSubresource: boolean;
  nameRule: NameRule;
  /** Throws a kubernetes-models ValidationError (ajv errors) when the object breaks the schema. */
  validateSchema(object: unknown): void;
}

type ModelClass = new (data: never) => { validate(): void };

function schemaValidator(model: ModelClass): (object: unknown) => void {
  return (object) => new model(object as never).validate();
}

const coreVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The resource types the simulator serves. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    hasGeneration: false,
    hasStatusSubresource: true,
    nameRule: 'dns1123-label',
    validateSchema: schemaValidator(Namespace),
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    listKind: 'ServiceList',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    subresources: ['status'],
    hasGeneration: false,
    hasStatusSubresource: true,
    nameRule: 'dns1035-label',
    validateSchema: schemaValidator(Service),
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    subresources: [],
    hasGeneration: false,
    hasStatusSubresource: false,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(ConfigMap),
  },
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    listKind: 'SecretList',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    shortNames: [],
    subresources: [],
    hasGeneration: false,
    hasStatusSubresource: false,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(Secret),
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    listKind: 'PodList',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    subresources: ['status', 'eviction'],
    hasGeneration: false,
    hasStatusSubresource: true,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(Pod),
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    listKind: 'PersistentVolumeClaimList',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
    hasGeneration: false,
    hasStatusSubresource: true,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(PersistentVolumeClaim),
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    subresources: ['status', 'scale'],
    hasGeneration: true,
    hasStatusSubresource: true,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(StatefulSet),
  },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    listKind: 'PodDisruptionBudgetList',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    namespaced: true,
    shortNames: ['pdb'],
    subresources: ['status'],
    hasGeneration: true,
    hasStatusSubresource: true,
    nameRule: 'dns1123-subdomain',
    validateSchema: schemaValidator(PodDisruptionBudget),
  },
];

/** apiVersion as written in objects: "v1" or "group/version". */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** "statefulsets.apps" or "pods": the group-qualified resource name used in error messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

/** "StatefulSet.apps" or "Pod": the group-qualified kind used in Invalid messages. */
export function qualifiedKind(type: ResourceType): string {
  return type.group === '' ? type.kind : `${type.kind}.${type.group}`;
}

/** Looks a resource type up by group, version and plural (URL form). */
export function findResourceByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** Looks a resource type up by kind name (e.g. "StatefulSet"). */
export function resourceByKind(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (!type) throw new Error(`k8s-sim: no resource type for kind ${kind}`);
  return type;
}

/** The group/versions served, in discovery order. */
export function servedGroupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of RESOURCE_TYPES) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
  return [...seen.values()];
}

const subresourceDiscovery: Record<string, { group?: string; version?: string; kind: string; verbs: string[] }> = {
  status: { kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
};

/** The APIResourceList document for one group/version (GET /api/v1, /apis/apps/v1, ...). */
export function apiResourceList(group: string, version: string): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group && r.version === version)) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.plural === 'namespaces' ? coreVerbs.filter((v) => v !== 'deletecollection') : coreVerbs,
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    });
    for (const sub of t.subresources) {
      const d = subresourceDiscovery[sub];
      if (!d) continue;
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(d.group ? { group: d.group, version: d.version } : {}),
        kind: d.kind || t.kind,
        verbs: d.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources,
  };
}

/** The APIGroup document for one named group (GET /apis/apps). */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  const versions = servedGroupVersions().filter((gv) => gv.group === group && group !== '');
  if (versions.length === 0) return undefined;
  const list = versions.map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[0] };
}

/** The APIGroupList document (GET /apis). */
export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(servedGroupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(g)) };
}

/** The APIVersions document (GET /api). */
export function coreApiVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  };
}
