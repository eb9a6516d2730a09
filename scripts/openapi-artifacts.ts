import 'reflect-metadata';
import { loadConfig } from '@galera-cp/config';
import { ControlPlaneExpressAdapter } from '@galera-cp/http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { ApiModule } from '../apps/api/src/api.module';
import { buildOpenApiDocument } from '../apps/api/src/openapi';

/** The repository root (this file lives in scripts/). */
export const ROOT = resolve(__dirname, '..');

/** The committed, generated files, relative to the repository root. */
export const OPENAPI_JSON = 'openapi/openapi.json';
export const SCHEMA_DTS = 'sdk/src/schema.d.ts';

const SCHEMA_HEADER = `/**
 * The types of the Galera control plane API, generated from ${OPENAPI_JSON} by
 * scripts/openapi.ts (openapi-typescript, defaultNonNullable: false). Do not edit:
 * change the API and run \`npm run openapi\`.
 */

`;

/** One generated file: its path relative to the root and its exact content. */
export interface GeneratedFile {
  path: string;
  content: string;
}

export interface OpenApiArtifacts {
  /** The document exactly as `buildOpenApiDocument` answers it for the API app (and /openapi.json serves). */
  document: OpenAPIObject;
  files: GeneratedFile[];
}

/**
 * Builds the API's Nest application in preview mode: the module graph and route metadata exist,
 * but no provider or controller is instantiated, so nothing connects to PostgreSQL (the database
 * URL below points nowhere and is never used) and no lifecycle hook runs.
 */
async function withPreviewApp<T>(use: (app: INestApplication) => T | Promise<T>): Promise<T> {
  const module = ApiModule.forRoot({
    config: loadConfig({}),
    databaseUrl: 'postgres://openapi:unused@127.0.0.1:1/never-connected',
    backends: {},
    applicationName: 'galera-cp-openapi',
  });
  const app = await NestFactory.create(module, new ControlPlaneExpressAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

/** Every `#/components/schemas/<name>` the document references but does not define. */
export function danglingSchemaRefs(document: OpenAPIObject): string[] {
  const defined = new Set(Object.keys(document.components?.schemas ?? {}));
  const referenced = new Set([...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
  return [...referenced].filter((name) => !defined.has(name)).sort();
}

/** openapi-typescript's rendering of a document, with our header. Deterministic for one input. */
export async function renderSchemaTypes(document: OpenAPIObject): Promise<string> {
  const nodes = await openapiTS(structuredClone(document) as never, { defaultNonNullable: false });
  return `${SCHEMA_HEADER}${astToString(optionalAcceptsUndefined(nodes)).trimEnd()}\n`;
}

/** The groups of an operation's inputs, whose optionality openapi-fetch reads as it is. */
const INPUT_GROUPS = new Set(['parameters', 'query', 'header', 'path', 'cookie', 'requestBody']);

/**
 * Adds `| undefined` to every optional field (`pageToken?: string | undefined`), so that code
 * compiled with `exactOptionalPropertyTypes` can pass a value that may be undefined
 * (`{ query: { pageToken } }`) as it can without that option. openapi-fetch's input groups
 * (`query?`, `requestBody?`, ...) keep their form.
 */
function optionalAcceptsUndefined(nodes: ts.Node[]): ts.Node[] {
  const undefinedType = () => ts.factory.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword);
  const transformer: ts.TransformerFactory<ts.Node> = (context) => {
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      if (!ts.isPropertySignature(visited) || !visited.questionToken || !visited.type) return visited;
      const name = ts.isIdentifier(visited.name) || ts.isStringLiteral(visited.name) ? visited.name.text : '';
      if (INPUT_GROUPS.has(name) || visited.type.kind === ts.SyntaxKind.NeverKeyword) return visited;
      return ts.factory.updatePropertySignature(visited, visited.modifiers, visited.name, visited.questionToken, ts.factory.createUnionTypeNode([visited.type, undefinedType()]));
    };
    return (node) => visit(node);
  };
  return ts.transform(nodes, [transformer]).transformed;
}

/** Generates both files in memory. Reads nothing from disk but the code; opens no connection. */
export async function generateOpenApiArtifacts(): Promise<OpenApiArtifacts> {
  const document = await withPreviewApp((app) => buildOpenApiDocument(app));
  const dangling = danglingSchemaRefs(document);
  if (dangling.length > 0) {
    throw new Error(`The API references schemas it never registers: ${dangling.join(', ')} (add @ApiExtraModels for them in apps/api)`);
  }
  return {
    document,
    files: [
      { path: OPENAPI_JSON, content: `${JSON.stringify(document, null, 2)}\n` },
      { path: SCHEMA_DTS, content: await renderSchemaTypes(document) },
    ],
  };
}

/** Absolute path of a generated file. */
export function absolute(file: GeneratedFile | string): string {
  return join(ROOT, typeof file === 'string' ? file : file.path);
}
