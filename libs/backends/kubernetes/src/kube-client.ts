/**
 * The Kubernetes API as the backend uses it: a thin wrapper over @kubernetes/client-node's
 * generic object API (read, list, server-side apply, create, merge patch, delete), and one client
 * per kubeconfig, cached by the kubeconfig's hash.
 */
import { createHash } from 'node:crypto';
import type { BackendCredential } from '@galera-cp/backends';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { kubernetesErrors } from './kubernetes.errors';

/** Any Kubernetes object; callers read it through the client-node type of its kind (V1StatefulSet, V1Pod, ...). */
export type KubeObject = KubernetesObject;

/** What identifies an object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Refers to an object by its own header. */
export function refOf(object: KubernetesObject): ObjectRef {
  return { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}

/** `Kind namespace/name`, for logs and messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function header(ref: ObjectRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
}

/** The HTTP status of a failed call (client-node throws ApiException with `code`), if it has one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * One Kubernetes API server, as the backend calls it. Every method is one request; retries,
 * backoff and error codes are the caller's (see apply.ts).
 */
export class KubeClient {
  constructor(private readonly api: KubernetesObjectApi) {}

  /** The object, or undefined when it does not exist (404). */
  async read<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return (await this.api.read<T>(header(ref) as never)) as T;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Objects of a kind in a namespace matching a label selector. */
  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace: string, selector: string): Promise<T[]> {
    const answer = await this.api.list<T>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
    return answer.items;
  }

  /** Server-side apply: the object as this manager wants it; `force` takes over fields another manager set. */
  apply<T extends KubeObject>(object: T, fieldManager: string, force: boolean): Promise<T> {
    return this.api.patch(object, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply) as Promise<T>;
  }

  /** Creates the object; fails with 409 AlreadyExists when it exists. */
  create<T extends KubeObject>(object: T, fieldManager: string): Promise<T> {
    return this.api.create(object, undefined, undefined, fieldManager) as Promise<T>;
  }

  /** A JSON merge patch (RFC 7386) by a field manager. */
  mergePatch<T extends KubeObject>(ref: ObjectRef, patch: Record<string, unknown>, fieldManager: string): Promise<T> {
    const metadata = { ...((patch.metadata as Record<string, unknown> | undefined) ?? {}), name: ref.name, namespace: ref.namespace };
    return this.api.patch({ ...patch, apiVersion: ref.apiVersion, kind: ref.kind, metadata } as KubeObject, undefined, undefined, fieldManager, undefined, PatchStrategy.MergePatch) as Promise<T>;
  }

  /** Deletes the object; false when it did not exist. */
  async delete(ref: ObjectRef, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    try {
      await this.api.delete(header(ref), undefined, undefined, undefined, undefined, propagationPolicy);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
}

/** How the backend reaches Kubernetes when a cluster has no kubeconfig credential. */
export type InClusterLoader = (config: KubeConfig) => void;

/**
 * Clients by kubeconfig: one per distinct kubeconfig (keyed by its SHA-256, so the cache holds no
 * kubeconfig text as a key), and one for the in-cluster configuration (the pod's service
 * account) when a cluster has no credential. Clients are reused across steps and operations.
 */
export class KubeClientCache {
  private readonly clients = new Map<string, KubeClient>();

  constructor(private readonly loadInCluster: InClusterLoader = (config) => config.loadFromCluster()) {}

  /** The client for a cluster's credential (a kubeconfig) or, without one, the in-cluster configuration. */
  clientFor(credential: BackendCredential | undefined): KubeClient {
    if (credential && credential.kind !== 'kubeconfig') throw kubernetesErrors.credentialKind(credential.kind);
    const key = credential ? createHash('sha256').update(credential.kubeconfig).digest('hex') : 'in-cluster';
    let client = this.clients.get(key);
    if (!client) {
      const config = new KubeConfig();
      try {
        if (credential) config.loadFromString(credential.kubeconfig);
        else this.loadInCluster(config);
      } catch (error) {
        throw kubernetesErrors.kubeconfigInvalid(credential ? 'the kubeconfig credential' : 'the in-cluster configuration', error);
      }
      const server = config.getCurrentCluster()?.server;
      // client-node builds https://undefined:undefined when the process does not run in a pod.
      if (!server || server.includes('undefined')) {
        throw kubernetesErrors.kubeconfigInvalid(
          credential ? 'the kubeconfig credential' : 'the in-cluster configuration',
          new Error(credential ? 'it names no server for its current context' : 'the control plane does not run inside a Kubernetes pod; give the cluster a kubeconfig credential'),
        );
      }
      client = new KubeClient(KubernetesObjectApi.makeApiClient(config));
      this.clients.set(key, client);
    }
    return client;
  }

  /** Number of cached clients (for tests). */
  get size(): number {
    return this.clients.size;
  }
}
