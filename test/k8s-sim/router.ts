import { apiGroup, apiGroupList, apiResourceList, coreApiVersions, findResourceByPlural, servedGroupVersions, type ResourceType } from './resources';
import { pathNotFound } from './status';

/** What a URL path names. */
export type Route =
  | { kind: 'document'; body: unknown; public: boolean }
  | { kind: 'health' }
  | { kind: 'control'; segments: string[] }
  | {
      kind: 'resource';
      resource: ResourceType;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** The deprecated `/watch/` path form was used. */
      watchPath: boolean;
    };

/** The /version document (a Kubernetes 1.31 API server). */
export const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-k8s-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-08-13T00:00:00Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Maps a URL path onto a discovery document, a resource request or a simulator control. */
export function route(pathname: string): Route {
  const segments = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
  const [first, ...rest] = segments;
  if (first === '_sim') return { kind: 'control', segments: rest };
  if (segments.length === 1 && ['healthz', 'livez', 'readyz'].includes(first!)) return { kind: 'health' };
  if (segments.length === 1 && first === 'version') return { kind: 'document', body: VERSION_INFO, public: true };
  if (first === 'api') {
    if (rest.length === 0) return { kind: 'document', body: coreApiVersions(), public: false };
    const [version, ...tail] = rest;
    if (version !== 'v1') throw pathNotFound();
    if (tail.length === 0) return { kind: 'document', body: apiResourceList('', version), public: false };
    return resourceRoute('', version, tail);
  }
  if (first === 'apis') {
    if (rest.length === 0) return { kind: 'document', body: apiGroupList(), public: false };
    const [group, version, ...tail] = rest;
    if (version === undefined) {
      const document = apiGroup(group!);
      if (!document) throw pathNotFound();
      return { kind: 'document', body: document, public: false };
    }
    if (!servedGroupVersions().some((gv) => gv.group === group && gv.version === version)) throw pathNotFound();
    if (tail.length === 0) return { kind: 'document', body: apiResourceList(group!, version), public: false };
    return resourceRoute(group!, version, tail);
  }
  throw pathNotFound();
}

function resourceRoute(group: string, version: string, input: string[]): Route {
  let parts = input;
  const watchPath = parts[0] === 'watch';
  if (watchPath) parts = parts.slice(1);
  let namespace: string | undefined;
  let plural: string;
  let name: string | undefined;
  let subresource: string | undefined;
  const namespaceSubresource = group === '' && parts[0] === 'namespaces' && parts.length === 3 && ['status', 'finalize'].includes(parts[2]!);
  if (parts[0] === 'namespaces' && parts.length >= 3 && !namespaceSubresource) {
    namespace = parts[1];
    [plural, name, subresource] = [parts[2]!, parts[3], parts[4]];
    if (parts.length > 5) throw pathNotFound();
  } else {
    [plural, name, subresource] = [parts[0]!, parts[1], parts[2]];
    if (parts.length > 3) throw pathNotFound();
  }
  const resource = findResourceByPlural(group, version, plural);
  if (!resource) throw pathNotFound();
  if (!resource.namespaced && namespace !== undefined) throw pathNotFound();
  // A namespaced resource without a namespace is only listable/watchable across namespaces.
  if (resource.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  if (subresource !== undefined && !resource.subresources.includes(subresource)) throw pathNotFound();
  return { kind: 'resource', resource, namespace, name, subresource, watchPath };
}
