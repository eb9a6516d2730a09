import { WSREP_METRICS, WsrepStatus } from '@galera-cp/galera';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A source of gauge values read when Prometheus scrapes (e.g. counts from the database). */
export type ScrapeCollector = () => Promise<void>;

/**
 * The Prometheus registry: HTTP latency, operations by type and state, queue depth, and the
 * wsrep gauges of every observed node. Values that live in the database are read at scrape
 * time by registered collectors.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly operations: Gauge<'type' | 'state'>;
  readonly queueDepth: Gauge;
  readonly operationsFinished: Counter<'type' | 'state'>;
  private readonly wsrep = new Map<string, Gauge<'cluster' | 'node'>>();
  private readonly collectors: ScrapeCollector[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'galera_cp_' });
    this.httpDuration = new Histogram({
      name: 'galera_cp_http_request_duration_seconds',
      help: 'Latency of HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.operations = new Gauge({ name: 'galera_cp_operations', help: 'Operations by type and state', labelNames: ['type', 'state'], registers: [this.registry] });
    this.operationsFinished = new Counter({
      name: 'galera_cp_operations_finished_total',
      help: 'Operations this process finished, by type and final state',
      labelNames: ['type', 'state'],
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({ name: 'galera_cp_queue_depth', help: 'Operation jobs waiting on the queue', registers: [this.registry] });
    for (const metric of WSREP_METRICS) {
      this.wsrep.set(metric.name, new Gauge({ name: `galera_cp_${metric.name}`, help: metric.help, labelNames: ['cluster', 'node'], registers: [this.registry] }));
    }
  }

  addCollector(collector: ScrapeCollector): void {
    this.collectors.push(collector);
  }

  /** Sets the wsrep gauges of one node from its parsed status. */
  recordWsrep(cluster: string, node: string, status: WsrepStatus): void {
    for (const metric of WSREP_METRICS) {
      const value = metric.read(status);
      const gauge = this.wsrep.get(metric.name);
      if (gauge && value !== undefined && Number.isFinite(value)) gauge.set({ cluster, node }, value);
    }
  }

  /** Drops every wsrep series (before they are set again from the current nodes at scrape time). */
  resetWsrep(): void {
    for (const gauge of this.wsrep.values()) gauge.reset();
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.all(this.collectors.map((collect) => collect().catch(() => undefined)));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
