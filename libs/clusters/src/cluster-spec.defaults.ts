import { BACKEND_KINDS, BackendKind, BackendSectionInputs, BackendSpecRules, ClusterPolicy, ClusterSpec, ClusterSpecDraft } from '@galera-cp/backends';
import { DomainError, FieldError } from '@galera-cp/core';
import { checkClusterSize, validateParameters } from '@galera-cp/galera';

/** A cluster as a client asks for it (the API DTO has this shape). */
export interface NewClusterInput extends BackendSectionInputs {
  name: string;
  backend: BackendKind;
  replicas?: number;
  force?: boolean;
  engine?: { version?: string };
  galera?: { sstMethod?: 'mariabackup' | 'rsync'; gcacheSize?: string; bufferPoolSize?: string; parameters?: Record<string, string | number | boolean> };
  policy?: Partial<ClusterPolicy>;
  labels?: Record<string, string>;
}

/** Defaults of the shared parts of a spec a client may leave out (each backend defaults its own section). */
export const SPEC_DEFAULTS = {
  engineVersion: '10.11',
  sstMethod: 'mariabackup' as const,
  gcacheSize: '512M',
  bufferPoolSize: '256M',
};

/**
 * The full spec of a new cluster: the shared parts with their defaults here, `replicas` and the
 * backend's own section from the backend (`specDefaults`). Sections of other backends stay as
 * given, so that checkSpec refuses them.
 */
export function specOf(input: NewClusterInput, backend: BackendSpecRules): ClusterSpec {
  const draft: ClusterSpecDraft = {
    backend: input.backend,
    ...(input.replicas !== undefined ? { replicas: input.replicas } : {}),
    engine: { flavor: 'mariadb', version: input.engine?.version ?? SPEC_DEFAULTS.engineVersion },
    galera: {
      sstMethod: input.galera?.sstMethod ?? SPEC_DEFAULTS.sstMethod,
      gcacheSize: input.galera?.gcacheSize ?? SPEC_DEFAULTS.gcacheSize,
      bufferPoolSize: input.galera?.bufferPoolSize ?? SPEC_DEFAULTS.bufferPoolSize,
      parameters: input.galera?.parameters ?? {},
    },
    policy: {
      autoRecovery: input.policy?.autoRecovery ?? false,
      deletionProtection: input.policy?.deletionProtection ?? false,
      donorServesTraffic: input.policy?.donorServesTraffic ?? false,
    },
    ...Object.fromEntries(BACKEND_KINDS.filter((kind) => input[kind] !== undefined).map((kind) => [kind, input[kind]])),
  };
  const { replicas: _replicas, ...shared } = draft;
  // The backend's answer replaces its own section as given; another backend's stays as given.
  return { ...shared, ...backend.specDefaults(draft) } as ClusterSpec;
}

/** Refuses a request with field errors (400 VALIDATION_FAILED). */
export function refuse(code: string, errors: FieldError[]): never {
  throw new DomainError('invalid', code, errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

/**
 * The checks of a spec: the backend's section is there and no other backend's is, the size
 * keeps the quorum rule (odd, >= 3, unless forced), the server parameters are in the
 * allow-list, and the backend's own checks pass (`validateSpec`: an SSH inventory's hosts are
 * distinct, enough and pinned). Returns the warnings a forced size carries.
 */
export function checkSpec(spec: ClusterSpec, force: boolean, backend: BackendSpecRules): string[] {
  const errors: FieldError[] = [];
  const sections: Partial<Record<BackendKind, unknown>> = spec;
  for (const kind of BACKEND_KINDS) {
    if (kind === spec.backend && sections[kind] === undefined) errors.push({ pointer: `/${kind}`, detail: `a cluster of the ${kind} backend needs the ${kind} section` });
    if (kind !== spec.backend && sections[kind] !== undefined) errors.push({ pointer: `/${kind}`, detail: `not allowed for a ${spec.backend} cluster` });
  }
  // The backend checks its section only when the sections are right (it would name a missing one twice).
  if (errors.length === 0) errors.push(...backend.validateSpec(spec));
  const size = checkClusterSize(spec.replicas, { force });
  if (!size.allowed) errors.push({ pointer: '/replicas', detail: size.message });
  const parameters = validateParameters(spec.galera.parameters, { pointerPrefix: '/galera/parameters' });
  errors.push(...parameters.errors.map((e) => ({ pointer: e.pointer, detail: e.detail })));
  if (errors.length > 0) refuse(size.allowed ? 'VALIDATION_FAILED' : size.code, errors);
  return [...(size.risk ? [`Unsafe size accepted with force: ${size.risk}`] : []), ...parameters.warnings.map((w) => w.detail)];
}
