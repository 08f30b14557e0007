/**
 * Prometheus metrics for `/metrics`. One registry per app instance (tests build many apps in one
 * process). Gauges that mirror state elsewhere (jobs by status, live clients) are collected when
 * scraped instead of being kept in sync by hand.
 */
import client from "prom-client";

export interface Metrics {
  registry: client.Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobsFinished: client.Counter<"kind" | "status">;
  /** Adds a gauge whose value is read at scrape time. */
  collect(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>,
  ): void;
  render(): Promise<string>;
  contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: "kiln_http_requests_total",
    help: "HTTP requests by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: "kiln_http_request_duration_seconds",
    help: "HTTP request latency by route pattern.",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobsFinished = new client.Counter({
    name: "kiln_jobs_finished_total",
    help: "Jobs that reached a terminal status, by kind.",
    labelNames: ["kind", "status"] as const,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    jobsFinished,
    collect(name, help, labelNames, read) {
      new client.Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          for (const sample of await read()) this.set(sample.labels, sample.value);
        },
      });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
