import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentGlobalProblems } from './common/api-problems.decorator';
import { EVENT_SCHEMAS } from './events/event.dto';

/** Sorts object keys recursively where order carries no meaning (paths, schemas, responses). */
function sortKeys<T>(value: T, depth = 0): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1)) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // Keep the declared order of properties (fields read in a meaningful order); sort maps.
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, k === 'properties' ? sortProperties(v, depth + 1) : sortKeys(v, depth + 1)])) as T;
  }
  return value;
}

function sortProperties(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, sortKeys(v, depth + 1)]));
}

/**
 * The OpenAPI document of the API, deterministic: explicit operationIds, sorted paths, schemas
 * and keys, so the committed file diffs cleanly and a drift check can compare it byte for byte.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Galera control plane API')
    .setDescription(
      'One API for highly available MariaDB Galera clusters on SSH hosts and Kubernetes. Every change that touches infrastructure is an asynchronous Operation (202 + Location); `dryRun=true` answers the plan. Errors are application/problem+json with stable codes.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque gcp_ token',
      description: 'An API token (gcp_…), issued by an admin through POST /v1/tokens or printed once at first start',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  // Unions Nest cannot derive from a class (the event types, each with its payload).
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(EVENT_SCHEMAS as NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>) } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation && typeof operation === 'object' && 'responses' in operation && !(operation as { operationId?: string }).operationId?.match(/^[a-z][A-Za-z]+$/)) {
        throw new Error(`${method.toUpperCase()} ${path} has no explicit operationId`);
      }
    }
  }
  documentGlobalProblems(document.paths);
  return sortKeys(document);
}
