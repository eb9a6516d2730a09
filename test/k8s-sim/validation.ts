import { parseQuantity } from './quantity';
import type { ResourceType } from './resources';
import { matchesLabels, selectorFromSpec, type LabelSelectorSpec } from './selectors';
import { invalid, type StatusCause } from './status';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from './types';

/** Collects field errors in the shape of apimachinery's field.ErrorList. */
class FieldErrors {
  readonly causes: StatusCause[] = [];

  required(field: string, detail?: string): void {
    this.causes.push({ reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field });
  }

  invalid(field: string, value: unknown, detail: string): void {
    this.causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${detail}`, field });
  }

  notSupported(field: string, value: unknown, supported: string[]): void {
    this.causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${show(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
      field,
    });
  }

  duplicate(field: string, value: unknown): void {
    this.causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${show(value)}`, field });
  }

  forbidden(field: string, detail: string): void {
    this.causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });
  }

  notFound(field: string, value: unknown): void {
    this.causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${show(value)}`, field });
  }

  tooLong(field: string, max: number): void {
    this.causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${max} bytes`, field });
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Names and labels (apimachinery/pkg/util/validation)

const dns1123LabelPattern = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainPattern = `${dns1123LabelPattern}(\\.${dns1123LabelPattern})*`;
const dns1035LabelPattern = '[a-z]([-a-z0-9]*[a-z0-9])?';
const qualifiedNamePattern = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValuePattern = `(${qualifiedNamePattern})?`;
const configKeyPattern = '[-._a-zA-Z0-9]+';

const full = (pattern: string): RegExp => new RegExp(`^${pattern}$`);

/** Problems with a DNS-1123 label (namespace names, container names, ...), empty when valid. */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!full(dns1123LabelPattern).test(value)) {
    errors.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${dns1123LabelPattern}')`,
    );
  }
  return errors;
}

/** Problems with a DNS-1123 subdomain (most object names), empty when valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push('must be no more than 253 characters');
  if (!full(dns1123SubdomainPattern).test(value)) {
    errors.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${dns1123SubdomainPattern}')`,
    );
  }
  return errors;
}

/** Problems with a DNS-1035 label (Service names), empty when valid. */
export function dns1035LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!full(dns1035LabelPattern).test(value)) {
    errors.push(
      `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${dns1035LabelPattern}')`,
    );
  }
  return errors;
}

function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"];
  const [prefix, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [undefined, parts[0]!];
  const errors: string[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else {
    if (name.length > 63) errors.push('name part must be no more than 63 characters');
    if (!full(qualifiedNamePattern).test(name)) {
      errors.push(
        `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${qualifiedNamePattern}')`,
      );
    }
  }
  return errors;
}

function validateLabels(labels: unknown, field: string, errors: FieldErrors): void {
  if (!isPlainObject(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    for (const e of qualifiedNameErrors(key)) errors.invalid(field, key, e);
    if (typeof value !== 'string') continue;
    if (value.length > 63) errors.invalid(field, value, 'must be no more than 63 characters');
    if (!full(labelValuePattern).test(value)) {
      errors.invalid(
        field,
        value,
        `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${labelValuePattern}')`,
      );
    }
  }
}

function validateAnnotations(annotations: unknown, field: string, errors: FieldErrors): void {
  if (!isPlainObject(annotations)) return;
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const e of qualifiedNameErrors(key.toLowerCase())) errors.invalid(field, key, e);
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > 256 * 1024) errors.tooLong(field, 256 * 1024);
}

function validateSelectorSpec(selector: LabelSelectorSpec | undefined, field: string, errors: FieldErrors): void {
  if (!selector) return;
  validateLabels(selector.matchLabels, `${field}.matchLabels`, errors);
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    for (const e of qualifiedNameErrors(expression.key)) errors.invalid(`${f}.key`, expression.key, e);
    const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    if (!operators.includes(expression.operator)) errors.notSupported(`${f}.operator`, expression.operator, operators);
    const needsValues = expression.operator === 'In' || expression.operator === 'NotIn';
    if (needsValues && (expression.values ?? []).length === 0) {
      errors.required(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    }
    if (!needsValues && (expression.values ?? []).length > 0) {
      errors.forbidden(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Schema validation (kubernetes-models' compiled OpenAPI schemas)

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function pointerToField(pointer: string): string {
  let field = '';
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(token)) field += `[${token}]`;
    else if (/[./]/.test(token)) field += `[${token}]`;
    else field += field ? `.${token}` : token;
  }
  return field;
}

function valueAtPointer(object: unknown, pointer: string): unknown {
  let current = object;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** Maps ajv errors to Status causes: one per field, `oneOf`/`anyOf` summarised. */
function schemaCauses(object: unknown, ajvErrors: AjvError[]): StatusCause[] {
  const byPath = new Map<string, AjvError[]>();
  for (const error of ajvErrors) {
    const path = error.keyword === 'required' ? `${error.instancePath}/${String(error.params.missingProperty)}` : error.instancePath;
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  const causes: StatusCause[] = [];
  for (const [path, errors] of byPath) {
    const field = pointerToField(path);
    const value = valueAtPointer(object, path);
    const combined = errors.find((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    if (combined) {
      const types = errors.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
      causes.push({
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${show(value)}: must be ${types.length > 0 ? types.join(' or ') : 'one of the allowed forms'}`,
        field,
      });
      continue;
    }
    for (const error of errors) {
      switch (error.keyword) {
        case 'required':
          causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
          break;
        case 'type':
          causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${show(value)}: must be ${String(error.params.type)}`, field });
          break;
        case 'enum':
          causes.push({
            reason: 'FieldValueNotSupported',
            message: `Unsupported value: ${show(value)}: supported values: ${(error.params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}`,
            field,
          });
          break;
        default:
          causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${error.message ?? error.keyword}`, field });
      }
    }
  }
  return causes;
}

function schemaErrors(type: ResourceType, object: KubeObject): StatusCause[] {
  try {
    type.validateSchema(object);
    return [];
  } catch (error) {
    const ajvErrors = (error as { errors?: AjvError[] }).errors;
    if (!Array.isArray(ajvErrors)) throw error;
    return schemaCauses(object, ajvErrors);
  }
}

// ---------------------------------------------------------------------------------------------
// Kind-specific rules (a subset of pkg/apis/*/validation)

/** The name rule check for a resource's objects; returns messages, empty when valid. */
export function nameErrors(type: ResourceType, name: string): string[] {
  switch (type.nameRule) {
    case 'dns1123-label':
      return dns1123LabelErrors(name);
    case 'dns1035-label':
      return dns1035LabelErrors(name);
    default:
      return dns1123SubdomainErrors(name);
  }
}

function validateMetadata(type: ResourceType, object: KubeObject, errors: FieldErrors): void {
  const meta = object.metadata;
  if (!meta.name) errors.required('metadata.name', 'name or generateName is required');
  else for (const e of nameErrors(type, meta.name)) errors.invalid('metadata.name', meta.name, e);
  if (type.namespaced && !meta.namespace) errors.required('metadata.namespace');
  if (!type.namespaced && meta.namespace) errors.forbidden('metadata.namespace', 'not allowed on this type');
  validateLabels(meta.labels, 'metadata.labels', errors);
  validateAnnotations(meta.annotations, 'metadata.annotations', errors);
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    if (!ref.uid) errors.required(`metadata.ownerReferences[${i}].uid`);
  });
}

const ianaServiceName = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function validatePodSpec(spec: any, field: string, errors: FieldErrors, options: { checkVolumeMounts: boolean; extraVolumes?: string[] }): void {
  if (!isPlainObject(spec)) return;
  const volumeNames = new Set<string>(options.extraVolumes ?? []);
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((volume: any, i: number) => {
    const f = `${field}.volumes[${i}].name`;
    if (typeof volume?.name !== 'string' || volume.name === '') return;
    for (const e of dns1123LabelErrors(volume.name)) errors.invalid(f, volume.name, e);
    if (volumeNames.has(volume.name)) errors.duplicate(f, volume.name);
    volumeNames.add(volume.name);
  });
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) errors.required(`${field}.containers`);
  const seen = new Set<string>();
  for (const [listName, list] of [
    ['initContainers', Array.isArray(spec.initContainers) ? spec.initContainers : []],
    ['containers', containers],
  ] as const) {
    list.forEach((container: any, i: number) => {
      const f = `${field}.${listName}[${i}]`;
      if (typeof container?.name === 'string' && container.name !== '') {
        for (const e of dns1123LabelErrors(container.name)) errors.invalid(`${f}.name`, container.name, e);
        if (seen.has(container.name)) errors.duplicate(`${f}.name`, container.name);
        seen.add(container.name);
      }
      if (!container?.image) errors.required(`${f}.image`);
      const portNames = new Set<string>();
      (Array.isArray(container?.ports) ? container.ports : []).forEach((port: any, j: number) => {
        const pf = `${f}.ports[${j}]`;
        if (typeof port?.containerPort === 'number' && (port.containerPort < 1 || port.containerPort > 65535)) {
          errors.invalid(`${pf}.containerPort`, port.containerPort, 'must be between 1 and 65535, inclusive');
        }
        if (typeof port?.name === 'string') {
          if (!ianaServiceName.test(port.name))
            errors.invalid(`${pf}.name`, port.name, 'must be no more than 15 characters, contain only lowercase letters, digits and "-", and contain at least one letter');
          if (portNames.has(port.name)) errors.duplicate(`${pf}.name`, port.name);
          portNames.add(port.name);
        }
        if (port?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errors.notSupported(`${pf}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']);
      });
      (Array.isArray(container?.env) ? container.env : []).forEach((env: any, j: number) => {
        if (typeof env?.name === 'string' && env.name === '') errors.required(`${f}.env[${j}].name`);
      });
      if (options.checkVolumeMounts) {
        (Array.isArray(container?.volumeMounts) ? container.volumeMounts : []).forEach((mount: any, j: number) => {
          if (typeof mount?.name === 'string' && !volumeNames.has(mount.name)) errors.notFound(`${f}.volumeMounts[${j}].name`, mount.name);
          if (!mount?.mountPath) errors.required(`${f}.volumeMounts[${j}].mountPath`);
        });
      }
    });
  }
  const restartPolicies = ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy !== undefined && !restartPolicies.includes(String(spec.restartPolicy))) {
    errors.notSupported(`${field}.restartPolicy`, spec.restartPolicy, restartPolicies);
  }
}

function validatePvcSpec(spec: any, field: string, errors: FieldErrors): void {
  if (!isPlainObject(spec)) {
    errors.required(field);
    return;
  }
  const modes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
  const accessModes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (accessModes.length === 0) errors.required(`${field}.accessModes`, 'at least 1 access mode is required');
  accessModes.forEach((mode: unknown, i: number) => {
    if (!modes.includes(String(mode))) errors.notSupported(`${field}.accessModes[${i}]`, mode, modes);
  });
  const resources = spec.resources as { requests?: Record<string, unknown> } | undefined;
  if (!resources?.requests?.storage) errors.required(`${field}.resources[storage]`);
}

function validateStatefulSet(object: KubeObject, errors: FieldErrors): void {
  const spec = object.spec;
  if (!isPlainObject(spec)) {
    errors.required('spec');
    return;
  }
  const selector = spec.selector as LabelSelectorSpec | undefined;
  if (selector) {
    validateSelectorSpec(selector, 'spec.selector', errors);
    const requirements = selectorFromSpec(selector);
    if (requirements.length === 0) {
      errors.invalid('spec.selector', selector, 'empty selector is invalid for statefulset');
    } else {
      const labels = (spec.template as any)?.metadata?.labels as Record<string, string> | undefined;
      if (!matchesLabels(requirements, labels)) {
        errors.invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`');
      }
    }
  }
  if (typeof spec.replicas === 'number' && spec.replicas < 0) errors.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0');
  const policies = ['OrderedReady', 'Parallel'];
  if (spec.podManagementPolicy !== undefined && !policies.includes(spec.podManagementPolicy as string)) {
    errors.notSupported('spec.podManagementPolicy', spec.podManagementPolicy, policies);
  }
  const strategy = spec.updateStrategy as any;
  if (strategy?.type !== undefined && !['RollingUpdate', 'OnDelete'].includes(strategy.type)) {
    errors.notSupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']);
  }
  if (strategy?.type === 'OnDelete' && strategy.rollingUpdate) {
    errors.invalid('spec.updateStrategy.rollingUpdate', strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'");
  }
  const partition = strategy?.rollingUpdate?.partition;
  if (typeof partition === 'number' && partition < 0) errors.invalid('spec.updateStrategy.rollingUpdate.partition', partition, 'must be greater than or equal to 0');
  const template = spec.template as any;
  validateLabels(template?.metadata?.labels, 'spec.template.metadata.labels', errors);
  validateAnnotations(template?.metadata?.annotations, 'spec.template.metadata.annotations', errors);
  // The API server does not check a StatefulSet template's volume mounts: claim templates supply volumes.
  validatePodSpec(template?.spec, 'spec.template.spec', errors, { checkVolumeMounts: false });
  if (template?.spec?.restartPolicy !== undefined && template.spec.restartPolicy !== 'Always') {
    errors.notSupported('spec.template.spec.restartPolicy', template.spec.restartPolicy, ['Always']);
  }
  const claimNames = new Set<string>();
  (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).forEach((claim: any, i: number) => {
    const f = `spec.volumeClaimTemplates[${i}]`;
    const name = claim?.metadata?.name;
    if (!name) errors.required(`${f}.metadata.name`);
    else {
      for (const e of dns1123SubdomainErrors(name)) errors.invalid(`${f}.metadata.name`, name, e);
      if (claimNames.has(name)) errors.duplicate(`${f}.metadata.name`, name);
      claimNames.add(name);
    }
    validatePvcSpec(claim?.spec, `${f}.spec`, errors);
  });
  const retention = spec.persistentVolumeClaimRetentionPolicy as any;
  for (const key of ['whenDeleted', 'whenScaled']) {
    const value = retention?.[key];
    if (value !== undefined && !['Retain', 'Delete'].includes(value)) {
      errors.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, value, ['Delete', 'Retain']);
    }
  }
}

function validateService(object: KubeObject, errors: FieldErrors): void {
  const spec = (object.spec ?? {}) as any;
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (spec.type !== undefined && !types.includes(spec.type)) errors.notSupported('spec.type', spec.type, types);
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errors.required('spec.ports');
  if (spec.type === 'ExternalName' && !spec.externalName) errors.required('spec.externalName');
  const names = new Set<string>();
  ports.forEach((port: any, i: number) => {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !port?.name) errors.required(`${f}.name`);
    if (typeof port?.name === 'string' && port.name !== '') {
      for (const e of dns1123LabelErrors(port.name)) errors.invalid(`${f}.name`, port.name, e);
      if (names.has(port.name)) errors.duplicate(`${f}.name`, port.name);
      names.add(port.name);
    }
    if (typeof port?.port === 'number' && (port.port < 1 || port.port > 65535)) errors.invalid(`${f}.port`, port.port, 'must be between 1 and 65535, inclusive');
    if (typeof port?.targetPort === 'number' && (port.targetPort < 1 || port.targetPort > 65535)) {
      errors.invalid(`${f}.targetPort`, port.targetPort, 'must be between 1 and 65535, inclusive');
    }
    if (typeof port?.targetPort === 'string' && !ianaServiceName.test(port.targetPort)) {
      errors.invalid(`${f}.targetPort`, port.targetPort, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
    }
    if (port?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errors.notSupported(`${f}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']);
  });
  validateLabels(spec.selector, 'spec.selector', errors);
}

function validateDataKeys(object: KubeObject, errors: FieldErrors): void {
  let size = 0;
  const seen = new Set<string>();
  for (const field of ['data', 'binaryData', 'stringData']) {
    const data = object[field];
    if (!isPlainObject(data)) continue;
    for (const [key, value] of Object.entries(data)) {
      if (!full(configKeyPattern).test(key) || key.length > 253) {
        errors.invalid(
          `${field}[${key}]`,
          key,
          `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${configKeyPattern}')`,
        );
      }
      if (field !== 'stringData' && seen.has(key)) errors.duplicate(`${field}[${key}]`, key);
      seen.add(key);
      size += typeof value === 'string' ? value.length : 0;
    }
  }
  if (size > 1024 * 1024) errors.tooLong(object.kind === 'Secret' ? 'data' : '', 1024 * 1024);
}

function intOrPercentErrors(value: unknown, field: string, errors: FieldErrors): void {
  if (typeof value === 'number' && value < 0) errors.invalid(field, value, 'must be greater than or equal to 0');
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (!m) errors.invalid(field, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    else if (Number(m[1]) > 100) errors.invalid(field, value, 'must not be greater than 100%');
  }
}

function validatePodDisruptionBudget(object: KubeObject, errors: FieldErrors): void {
  const spec = (object.spec ?? {}) as any;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errors.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set');
  }
  intOrPercentErrors(spec.minAvailable, 'spec.minAvailable', errors);
  intOrPercentErrors(spec.maxUnavailable, 'spec.maxUnavailable', errors);
  validateSelectorSpec(spec.selector, 'spec.selector', errors);
}

// ---------------------------------------------------------------------------------------------
// Update rules (immutable fields)

function without(object: unknown, paths: string[][]): unknown {
  const copy = cloneJson(object) as any;
  for (const path of paths) {
    let node = copy;
    for (const part of path.slice(0, -1)) node = node?.[part];
    if (isPlainObject(node)) delete node[path[path.length - 1]!];
  }
  return copy;
}

function validateUpdate(type: ResourceType, object: KubeObject, previous: KubeObject, errors: FieldErrors): void {
  switch (type.kind) {
    case 'StatefulSet': {
      const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
      const strip = (spec: unknown) =>
        without(
          spec ?? {},
          mutable.map((m) => [m]),
        );
      if (!jsonEqual(strip(object.spec), strip(previous.spec))) {
        errors.forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        );
      }
      break;
    }
    case 'Service': {
      const before = previous.spec?.clusterIP;
      if (before && object.spec?.clusterIP !== before) errors.invalid('spec.clusterIP', object.spec?.clusterIP ?? '', 'field is immutable');
      break;
    }
    case 'ConfigMap':
    case 'Secret': {
      if (previous.immutable === true) {
        if (object.immutable !== true) errors.forbidden('immutable', 'field is immutable when `immutable` is set');
        for (const field of ['data', 'binaryData']) {
          if (!jsonEqual(object[field] ?? {}, previous[field] ?? {})) errors.forbidden(field, 'field is immutable when `immutable` is set');
        }
      }
      if (type.kind === 'Secret' && (object.type ?? 'Opaque') !== (previous.type ?? 'Opaque')) errors.invalid('type', object.type, 'field is immutable');
      break;
    }
    case 'PersistentVolumeClaim': {
      const strip = (spec: any) => {
        const s = without(spec ?? {}, [['resources', 'requests'], ['volumeAttributesClassName']]) as any;
        if (!previous.spec?.volumeName) delete s.volumeName;
        return s;
      };
      if (!jsonEqual(strip(object.spec), strip(previous.spec))) {
        errors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
      }
      const requested = parseQuantity(object.spec?.resources?.requests?.storage);
      const before = parseQuantity(previous.spec?.resources?.requests?.storage);
      if (requested !== undefined && before !== undefined && requested < before) {
        errors.forbidden('spec.resources.requests.storage', 'field can not be less than previous value');
      }
      break;
    }
    case 'Pod': {
      const strip = (spec: any) => {
        const s = cloneJson(spec ?? {}) as any;
        for (const list of ['containers', 'initContainers']) for (const c of s[list] ?? []) delete c.image;
        delete s.activeDeadlineSeconds;
        delete s.tolerations;
        delete s.terminationGracePeriodSeconds;
        if (!previous.spec?.nodeName) delete s.nodeName;
        return s;
      };
      if (!jsonEqual(strip(object.spec), strip(previous.spec))) {
        errors.forbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        );
      }
      break;
    }
  }
}

/** Schema check alone (before defaulting touches the object): 422 Invalid when the types are wrong. */
export function validateSchemaOnly(type: ResourceType, object: KubeObject): void {
  const causes = schemaErrors(type, object);
  if (causes.length > 0) throw invalid(type, object.metadata.name ?? '', dedupe(causes));
}

/**
 * Validates an object about to be written: the real OpenAPI schema (kubernetes-models), names,
 * labels and annotations, the kind's own rules, and on update the immutable fields.
 * Throws 422 Invalid with one cause per problem.
 */
export function validateObject(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
  const errors = new FieldErrors();
  errors.causes.push(...schemaErrors(type, object));
  validateMetadata(type, object, errors);
  // As the API server decodes before it validates, a badly typed object gets no semantic checks.
  if (errors.causes.length > 0) throw invalid(type, object.metadata.name ?? '', dedupe(errors.causes));
  switch (type.kind) {
    case 'StatefulSet':
      validateStatefulSet(object, errors);
      break;
    case 'Pod':
      validatePodSpec(object.spec, 'spec', errors, { checkVolumeMounts: true });
      break;
    case 'Service':
      validateService(object, errors);
      break;
    case 'ConfigMap':
    case 'Secret':
      validateDataKeys(object, errors);
      break;
    case 'PersistentVolumeClaim':
      validatePvcSpec(object.spec, 'spec', errors);
      break;
    case 'PodDisruptionBudget':
      validatePodDisruptionBudget(object, errors);
      break;
  }
  if (previous) validateUpdate(type, object, previous, errors);
  if (errors.causes.length > 0) throw invalid(type, object.metadata.name ?? '', dedupe(errors.causes));
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.field}|${c.reason}|${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
