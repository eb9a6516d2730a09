import { listStrategy } from './patch';
import { cloneJson, isPlainObject, jsonEqual, kubeTime, type Json, type JsonObject, type KubeObject, type ManagedFieldsEntry } from './types';

/**
 * Field ownership for server-side apply, in the FieldsV1 vocabulary: a field path is a list of
 * elements `f:<name>` (map field), `k:<json>` (keyed list item), `v:<json>` (set member) and `.`
 * (the list item itself). Paths are kept as JSON strings so they fit in a Set.
 */
export type FieldPath = string;

/** Top-level and metadata fields the API server never tracks. */
const untrackedTop = new Set(['apiVersion', 'kind', 'status']);
const untrackedMeta = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

function fieldNames(elements: readonly string[]): string[] {
  return elements.filter((e) => e.startsWith('f:')).map((e) => e.slice(2));
}

/** The set of leaf fields (and keyed list items) an object sets. `status` only when asked. */
export function fieldSetOf(object: JsonObject, options: { status?: boolean } = {}): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    if (key === 'status' ? !options.status : untrackedTop.has(key)) continue;
    if (key === 'metadata' && isPlainObject(value)) {
      for (const [mk, mv] of Object.entries(value as JsonObject)) {
        if (untrackedMeta.has(mk) || mv === undefined) continue;
        collect(mv, ['f:metadata', `f:${mk}`], out);
      }
      continue;
    }
    collect(value, [`f:${key}`], out);
  }
  return out;
}

function collect(value: Json, path: string[], out: Set<FieldPath>): void {
  if (isPlainObject(value)) {
    const entries = Object.entries(value as JsonObject).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.add(JSON.stringify(path));
    for (const [k, v] of entries) collect(v, [...path, `f:${k}`], out);
    return;
  }
  if (Array.isArray(value)) {
    const strategy = listStrategy(fieldNames(path));
    if (strategy.type === 'keyed') {
      for (const item of value) {
        if (!isPlainObject(item) || (item as JsonObject)[strategy.key] === undefined) continue;
        const itemPath = [...path, `k:${JSON.stringify({ [strategy.key]: (item as JsonObject)[strategy.key] })}`];
        out.add(JSON.stringify([...itemPath, '.']));
        for (const [k, v] of Object.entries(item as JsonObject)) collect(v, [...itemPath, `f:${k}`], out);
      }
      return;
    }
    if (strategy.type === 'set') {
      for (const item of value) out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
      return;
    }
  }
  out.add(JSON.stringify(path));
}

/** Result of looking a field path up in an object. */
type Lookup = { found: true; value: Json } | { found: false };

/** The value a field path names in an object. */
export function valueAt(object: Json, path: FieldPath): Lookup {
  let current: Json = object;
  for (const element of JSON.parse(path) as string[]) {
    if (element === '.') continue;
    if (element.startsWith('f:')) {
      if (!isPlainObject(current) || !Object.hasOwn(current, element.slice(2))) return { found: false };
      current = (current as JsonObject)[element.slice(2)]!;
    } else if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as JsonObject;
      if (!Array.isArray(current)) return { found: false };
      const item: Json | undefined = current.find((c) => isPlainObject(c) && Object.entries(key).every(([k, v]) => jsonEqual((c as JsonObject)[k], v)));
      if (item === undefined) return { found: false };
      current = item;
    } else if (element.startsWith('v:')) {
      const member = JSON.parse(element.slice(2)) as Json;
      if (!Array.isArray(current) || !current.some((c) => jsonEqual(c, member))) return { found: false };
      current = member;
    }
  }
  return { found: true, value: current };
}

/** Removes the field a path names from an object (in place). */
export function removeAt(object: JsonObject, path: FieldPath): void {
  const elements = JSON.parse(path) as string[];
  const itemRemoval = elements[elements.length - 1] === '.';
  const walk = itemRemoval ? elements.slice(0, -1) : elements;
  let parent: Json = object;
  for (const element of walk.slice(0, -1)) {
    const lookup = valueAt(parent, JSON.stringify([element]));
    if (!lookup.found) return;
    parent = lookup.value;
  }
  const last = walk[walk.length - 1]!;
  if (last.startsWith('f:') && isPlainObject(parent)) {
    delete (parent as JsonObject)[last.slice(2)];
  } else if (last.startsWith('k:') && Array.isArray(parent)) {
    const key = JSON.parse(last.slice(2)) as JsonObject;
    const index = parent.findIndex((c) => isPlainObject(c) && Object.entries(key).every(([k, v]) => jsonEqual((c as JsonObject)[k], v)));
    if (index >= 0 && itemRemoval) parent.splice(index, 1);
  } else if (last.startsWith('v:') && Array.isArray(parent)) {
    const member = JSON.parse(last.slice(2)) as Json;
    const index = parent.findIndex((c) => jsonEqual(c, member));
    if (index >= 0) parent.splice(index, 1);
  }
}

/** Renders a field set as FieldsV1 JSON. */
export function toFieldsV1(fields: Set<FieldPath>): JsonObject {
  const root: JsonObject = {};
  for (const path of [...fields].sort()) {
    let node = root;
    for (const element of JSON.parse(path) as string[]) {
      if (!isPlainObject(node[element])) node[element] = {};
      node = node[element] as JsonObject;
    }
  }
  return root;
}

/** Parses FieldsV1 JSON back into a set of leaf paths. */
export function fromFieldsV1(fieldsV1: JsonObject | undefined): Set<FieldPath> {
  const out = new Set<FieldPath>();
  const walk = (node: JsonObject, path: string[]): void => {
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) out.add(JSON.stringify(path));
    for (const key of keys) walk(isPlainObject(node[key]) ? (node[key] as JsonObject) : {}, [...path, key]);
  };
  if (fieldsV1) walk(fieldsV1, []);
  return out;
}

/** Renders a field path for messages: `.spec.template.spec.containers[name="db"].image`. */
export function describeFieldPath(path: FieldPath): string {
  let text = '';
  for (const element of JSON.parse(path) as string[]) {
    if (element.startsWith('f:')) text += `.${element.slice(2)}`;
    else if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as JsonObject;
      text += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (element.startsWith('v:')) text += `[=${element.slice(2)}]`;
  }
  return text;
}

/** Identity of a managedFields entry: manager, operation and subresource. */
function sameManager(entry: ManagedFieldsEntry, manager: string, operation: string, subresource: string | undefined): boolean {
  return entry.manager === manager && entry.operation === operation && (entry.subresource ?? '') === (subresource ?? '');
}

/** A conflict between an apply and a field owned by another manager. */
export interface FieldConflict {
  manager: string;
  apiVersion: string;
  field: string;
}

/** Who wrote what, for the managedFields bookkeeping of one write. */
export interface FieldManagerWrite {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now?: Date;
}

/**
 * Records an Update (create, replace, non-apply patch, controller write): the fields whose value
 * changed become the writer's; fields that disappeared are nobody's.
 */
export function recordUpdate(previous: KubeObject | undefined, next: KubeObject, write: FieldManagerWrite): ManagedFieldsEntry[] {
  const statusWrite = write.subresource === 'status';
  const nextFields = fieldSetOf(next as unknown as JsonObject, { status: statusWrite });
  const previousFields = previous ? fieldSetOf(previous as unknown as JsonObject, { status: statusWrite }) : new Set<FieldPath>();
  const changed = new Set<FieldPath>();
  for (const path of nextFields) {
    const before = previous ? valueAt(previous as unknown as Json, path) : { found: false as const };
    const after = valueAt(next as unknown as Json, path);
    if (!before.found || (after.found && !jsonEqual(before.value, after.value))) changed.add(path);
  }
  const removed = [...previousFields].filter((p) => !nextFields.has(p));
  const entries = (previous?.metadata.managedFields ?? []).map((e) => ({ entry: e, fields: fromFieldsV1(e.fieldsV1) }));
  if (changed.size === 0 && removed.length === 0) return previous?.metadata.managedFields ?? [];
  for (const item of entries) {
    for (const path of changed) item.fields.delete(path);
    for (const path of removed) item.fields.delete(path);
  }
  let mine = entries.find((item) => sameManager(item.entry, write.manager, 'Update', write.subresource));
  if (!mine) {
    mine = {
      entry: { manager: write.manager, operation: 'Update', apiVersion: write.apiVersion, time: '', fieldsType: 'FieldsV1', fieldsV1: {} },
      fields: new Set(),
    };
    if (write.subresource) mine.entry.subresource = write.subresource;
    entries.push(mine);
  }
  for (const path of changed) mine.fields.add(path);
  mine.entry = { ...mine.entry, time: kubeTime(write.now), apiVersion: write.apiVersion };
  return render(entries);
}

function render(entries: Array<{ entry: ManagedFieldsEntry; fields: Set<FieldPath> }>): ManagedFieldsEntry[] {
  return entries.filter((item) => item.fields.size > 0).map((item) => ({ ...item.entry, fieldsV1: toFieldsV1(item.fields) }));
}

/** Outcome of merging an applied configuration into the live object. */
export interface ApplyResult {
  object: KubeObject;
  conflicts: FieldConflict[];
}

/**
 * Server-side apply of `applied` by `write.manager` onto `live` (undefined: create).
 *
 * - Fields the applier sets that another manager owns with a different value are conflicts,
 *   unless `force`, which takes them over.
 * - Fields the applier set last time and omits now are removed, unless another manager owns them.
 * - The applied configuration is merged into the live object with strategic-merge list semantics.
 */
export function applyConfiguration(
  live: KubeObject | undefined,
  applied: KubeObject,
  write: FieldManagerWrite & { force: boolean },
  merge: (target: KubeObject, patch: KubeObject) => KubeObject,
): ApplyResult {
  const appliedFields = fieldSetOf(applied as unknown as JsonObject);
  const entries = (live?.metadata.managedFields ?? []).map((e) => ({ entry: e, fields: fromFieldsV1(e.fieldsV1) }));
  const conflicts: FieldConflict[] = [];
  for (const item of entries) {
    if (sameManager(item.entry, write.manager, 'Apply', undefined) || item.entry.subresource === 'status') continue;
    for (const path of item.fields) {
      if (!appliedFields.has(path) || path.endsWith(',"."]')) continue;
      const liveValue = live ? valueAt(live as unknown as Json, path) : { found: false as const };
      const appliedValue = valueAt(applied as unknown as Json, path);
      const differs = liveValue.found && appliedValue.found && !jsonEqual(liveValue.value, appliedValue.value);
      if (!differs) continue;
      if (write.force) item.fields.delete(path);
      else conflicts.push({ manager: item.entry.manager, apiVersion: item.entry.apiVersion, field: describeFieldPath(path) });
    }
  }
  if (conflicts.length > 0) return { object: live ?? applied, conflicts };

  let base: KubeObject = live ? cloneJson(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  let mine = entries.find((item) => sameManager(item.entry, write.manager, 'Apply', undefined));
  if (mine) {
    const ownedElsewhere = new Set<FieldPath>();
    for (const item of entries) if (item !== mine) for (const p of item.fields) ownedElsewhere.add(p);
    // Whole list items go first (outermost first), so removing an item's key field cannot orphan the item.
    const isItem = (p: FieldPath): boolean => p.endsWith(',"."]');
    const dropped = [...mine.fields]
      .filter((p) => !appliedFields.has(p) && !ownedElsewhere.has(p))
      .sort((a, b) => (isItem(a) !== isItem(b) ? (isItem(a) ? -1 : 1) : isItem(a) ? a.length - b.length : b.length - a.length));
    for (const path of dropped) removeAt(base as unknown as JsonObject, path);
  } else {
    mine = {
      entry: { manager: write.manager, operation: 'Apply', apiVersion: write.apiVersion, time: '', fieldsType: 'FieldsV1', fieldsV1: {} },
      fields: new Set(),
    };
    entries.push(mine);
  }
  mine.fields = appliedFields;
  mine.entry = { ...mine.entry, time: kubeTime(write.now), apiVersion: write.apiVersion };
  const appliedWithoutStatus = cloneJson(applied);
  delete appliedWithoutStatus.status;
  base = merge(base, appliedWithoutStatus);
  base.metadata = { ...base.metadata, managedFields: render(entries) };
  return { object: base, conflicts: [] };
}
