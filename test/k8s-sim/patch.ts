import { badRequest } from './status';
import { cloneJson, isPlainObject, jsonEqual, type Json, type JsonObject } from './types';

/** How the elements of a list field merge (the `patchStrategy`/`patchMergeKey` tags of the Go types). */
export type ListStrategy = { type: 'keyed'; key: string } | { type: 'set' } | { type: 'atomic' };

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * The merge strategy of a list, from its field path (names only, no indices). A faithful subset of
 * the Kubernetes Go struct tags for the kinds the simulator serves; every list not named here is atomic.
 */
export function listStrategy(fieldPath: readonly string[]): ListStrategy {
  const name = fieldPath[fieldPath.length - 1];
  const parent = fieldPath[fieldPath.length - 2];
  switch (name) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'containerStatuses':
    case 'initContainerStatuses':
      return { type: 'keyed', key: 'name' };
    case 'ports':
      // Container ports merge by containerPort; Service ports by port.
      return parent !== undefined && containerLists.has(parent) ? { type: 'keyed', key: 'containerPort' } : { type: 'keyed', key: 'port' };
    case 'volumeMounts':
      return { type: 'keyed', key: 'mountPath' };
    case 'volumeDevices':
      return { type: 'keyed', key: 'devicePath' };
    case 'conditions':
      return { type: 'keyed', key: 'type' };
    case 'ownerReferences':
      return { type: 'keyed', key: 'uid' };
    case 'hostAliases':
      return { type: 'keyed', key: 'ip' };
    case 'podIPs':
    case 'hostIPs':
      return { type: 'keyed', key: 'ip' };
    case 'topologySpreadConstraints':
      return { type: 'keyed', key: 'topologyKey' };
    case 'finalizers':
      return { type: 'set' };
    default:
      return { type: 'atomic' };
  }
}

/** Field names of a path, skipping list indices. */
function namesOnly(path: readonly (string | number)[]): string[] {
  return path.filter((p): p is string => typeof p === 'string');
}

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: JsonObject = isPlainObject(target) ? cloneJson(target as JsonObject) : {};
  for (const [key, value] of Object.entries(patch as JsonObject)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * Strategic merge patch, approximated: like a merge patch, but lists named in {@link listStrategy}
 * merge by key (containers, volumes and env by name, ports by port, ...), primitive sets (finalizers)
 * union, and the directives `$patch: replace|delete|merge`, `$deleteFromPrimitiveList/<field>`,
 * `$retainKeys` are honoured. `$setElementOrder/<field>` is accepted and ignored.
 */
export function applyStrategicMergePatch(target: Json | undefined, patch: Json, path: readonly (string | number)[] = []): Json | undefined {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const patchObject = patch as JsonObject;
  const directive = patchObject.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const replaced = cloneJson(patchObject);
    delete replaced.$patch;
    return replaced;
  }
  const result: JsonObject = isPlainObject(target) ? cloneJson(target as JsonObject) : {};
  let retainKeys: string[] | undefined;
  for (const [key, value] of Object.entries(patchObject)) {
    if (key === '$patch') continue;
    if (key === '$retainKeys') {
      if (Array.isArray(value)) retainKeys = value.map(String);
      continue;
    }
    if (key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.some((v) => jsonEqual(v, item)));
      }
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, childPath);
      continue;
    }
    const merged = applyStrategicMergePatch(result[key], value, childPath);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  if (retainKeys) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(target: Json | undefined, patch: Json[], path: readonly (string | number)[]): Json[] {
  const strategy = listStrategy(namesOnly(path));
  const replaceAll = patch.some((item) => isPlainObject(item) && (item as JsonObject).$patch === 'replace');
  if (replaceAll) {
    return patch.filter((item) => !(isPlainObject(item) && (item as JsonObject).$patch === 'replace')).map((item) => cloneJson(item));
  }
  const current: Json[] = Array.isArray(target) ? cloneJson(target) : [];
  if (strategy.type === 'atomic') return cloneJson(patch);
  if (strategy.type === 'set') {
    for (const item of patch) if (!current.some((c) => jsonEqual(c, item))) current.push(cloneJson(item));
    return current;
  }
  const key = strategy.key;
  for (const item of patch) {
    if (!isPlainObject(item)) throw badRequest(`unable to merge list ${namesOnly(path).join('.')}: element is not an object`);
    const patchItem = item as JsonObject;
    const keyValue = patchItem[key];
    if (keyValue === undefined) {
      throw badRequest(`map: ${JSON.stringify(patchItem)} does not contain declared merge key: ${key}`);
    }
    const index = current.findIndex((c) => isPlainObject(c) && jsonEqual((c as JsonObject)[key], keyValue));
    if (patchItem.$patch === 'delete') {
      if (index >= 0) current.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = applyStrategicMergePatch(current[index], patchItem, [...path, index]);
      if (merged === undefined) current.splice(index, 1);
      else current[index] = merged;
    } else {
      current.push(applyStrategicMergePatch(undefined, patchItem, [...path, current.length]) as Json);
    }
  }
  return current;
}

/** One RFC 6902 operation. */
interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: Json;
  from?: string;
}

/** Thrown when a well-formed JSON patch cannot be applied (the API server answers 422). */
export class JsonPatchApplyError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (token === '-' && forInsert) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchApplyError(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > length || (!forInsert && index === length)) throw new JsonPatchApplyError(`array index ${index} out of bounds`);
  return index;
}

function parentOf(document: Json, tokens: string[], pointer: string): Json {
  let current: Json = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(token, current.length, false)]!;
    else if (isPlainObject(current) && Object.hasOwn(current, token)) current = (current as JsonObject)[token]!;
    else throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
  }
  return current;
}

function getAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false)]!;
  if (isPlainObject(parent) && Object.hasOwn(parent, last)) return (parent as JsonObject)[last]!;
  throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
}

function removeAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchApplyError('cannot remove the whole document');
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(last, parent.length, false), 1)[0]!;
  if (isPlainObject(parent) && Object.hasOwn(parent, last)) {
    const removed = (parent as JsonObject)[last]!;
    delete (parent as JsonObject)[last];
    return removed;
  }
  throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
}

function addAt(document: Json, pointer: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    if (replace) parent[arrayIndex(last, parent.length, false)] = value;
    else parent.splice(arrayIndex(last, parent.length, true), 0, value);
  } else if (isPlainObject(parent)) {
    if (replace && !Object.hasOwn(parent, last)) throw new JsonPatchApplyError(`doc is missing key: "${pointer}"`);
    (parent as JsonObject)[last] = value;
  } else {
    throw new JsonPatchApplyError(`doc is missing path: "${pointer}"`);
  }
  return document;
}

/** Checks that a body is an RFC 6902 operation list; a non-list is 400, as the API server answers. */
export function parseJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw badRequest(`json: cannot unmarshal ${isPlainObject(body) ? 'object' : typeof body} into Go value of type jsonpatch.Patch`);
  }
  return body.map((op, i) => {
    if (!isPlainObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest(`invalid JSON patch operation at index ${i}`);
    }
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) {
      throw badRequest(`Unexpected kind: ${op.op}`);
    }
    if (['add', 'replace', 'test'].includes(op.op) && !Object.hasOwn(op, 'value')) {
      throw badRequest(`missing value for JSON patch operation "${op.op}" at index ${i}`);
    }
    if (['move', 'copy'].includes(op.op) && typeof op.from !== 'string') {
      throw badRequest(`missing from for JSON patch operation "${op.op}" at index ${i}`);
    }
    return op as unknown as JsonPatchOperation;
  });
}

/** Applies RFC 6902 operations to a copy of the document. */
export function applyJsonPatch(document: Json, operations: JsonPatchOperation[]): Json {
  let doc = cloneJson(document);
  for (const operation of operations) {
    switch (operation.op) {
      case 'add':
        doc = addAt(doc, operation.path, cloneJson(operation.value!), false);
        break;
      case 'replace':
        doc = addAt(doc, operation.path, cloneJson(operation.value!), true);
        break;
      case 'remove':
        removeAt(doc, operation.path);
        break;
      case 'move': {
        const value = removeAt(doc, operation.from!);
        doc = addAt(doc, operation.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, operation.path, cloneJson(getAt(doc, operation.from!)), false);
        break;
      case 'test':
        if (!jsonEqual(getAt(doc, operation.path), operation.value)) {
          throw new JsonPatchApplyError(`testing value ${operation.path} failed`);
        }
        break;
    }
  }
  return doc;
}
