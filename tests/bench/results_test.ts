/** The pure parts of `deno task bench`: statistics, wrk parsing, rows, the table, the SSE/HTTP parsers. */
import assert from "node:assert/strict";
import { HttpResponseReader, SseParser } from "../../bench/live_clients.ts";
import {
  crashRow,
  describeTarget,
  formatNumber,
  formatTable,
  parseWrkDuration,
  parseWrkOutput,
  percentile,
  row,
  toJson,
} from "../../bench/support.ts";

/** Captured from `wrk -t1 -c50 -d2s --latency` against bench/bare_server.ts (wrk debian/4.1.0). */
const wrkSample = `Running 2s test @ http://127.0.0.1:18123/health
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   332.68us  364.82us   6.04ms   96.11%
    Req/Sec   154.38k    14.36k  173.15k    75.00%
  Latency Distribution
     50%  285.00us
     75%  335.00us
     90%  394.00us
     99%    2.23ms
  307274 requests in 2.00s, 41.03MB read
Requests/sec: 153514.27
Transfer/sec:     20.50MB
`;

/** Same tool against a route answering 404, with socket errors: both are counted. */
const wrkErrorSample = `Running 1s test @ http://127.0.0.1:18123/nope
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.50ms    2.01ms   1.02s    97.00%
    Req/Sec    98.11k     5.00k  101.00k    80.00%
  Latency Distribution
     50%  481.00us
     75%  526.00us
     90%  661.00us
     99%    1.20s
  101031 requests in 1.00s, 13.20MB read
  Socket errors: connect 0, read 2, write 1, timeout 4
  Non-2xx or 3xx responses: 101031
Requests/sec: 100839.30
Transfer/sec:     13.17MB
`;

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);

Deno.test("percentile: nearest rank over unsorted input, without modifying it", () => {
  const values = [5, 1, 4, 2, 3];
  assert.equal(percentile(values, 50), 3);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 100), 5);
  assert.equal(percentile(values, 99), 5);
  assert.equal(percentile(values, 20), 1);
  assert.equal(percentile(values, 21), 2);
  assert.deepEqual(values, [5, 1, 4, 2, 3]);

  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
  assert.equal(percentile(hundred, 50), 50);
  assert.equal(percentile(hundred, 99), 99);
  assert.equal(percentile(new Float64Array([0.5, 0.25]), 50), 0.25);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
});

Deno.test("wrk: durations in every unit wrk prints become milliseconds", () => {
  close(parseWrkDuration("285.00us"), 0.285);
  close(parseWrkDuration("2.23ms"), 2.23);
  close(parseWrkDuration("1.20s"), 1200);
  close(parseWrkDuration("1.50m"), 90_000);
  assert.throws(() => parseWrkDuration("12 parsecs"), /unreadable duration/);
});

Deno.test("wrk: parses throughput, p50/p99 and a clean run's zero errors", () => {
  const result = parseWrkOutput(wrkSample);
  assert.equal(result.tool, "wrk");
  assert.equal(result.requests, 307274);
  close(result.requestsPerSecond, 153514.27);
  close(result.p50Ms, 0.285);
  close(result.p99Ms, 2.23);
  assert.equal(result.non2xx, 0);
  assert.equal(result.errors, 0);
});

Deno.test("wrk: counts non-2xx responses and socket errors", () => {
  const result = parseWrkOutput(wrkErrorSample);
  assert.equal(result.non2xx, 101031);
  assert.equal(result.errors, 7);
  close(result.p99Ms, 1200);
});

Deno.test("wrk: output without the latency distribution is rejected", () => {
  const withoutLatency = wrkSample.replace(/ {2}Latency Distribution[\s\S]*?99%.*\n/, "");
  assert.throws(() => parseWrkOutput(withoutLatency), /--latency/);
  assert.throws(
    () => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused"),
    /unexpected output/,
  );
});

Deno.test("row: value targets decide pass, informational rows always pass", () => {
  assert.equal(row("jobs", 1_000, "jobs/s", { target: { op: ">=", value: 1_000 } }).pass, true);
  assert.equal(row("jobs", 999.9, "jobs/s", { target: { op: ">=", value: 1_000 } }).pass, false);
  assert.equal(row("p99", 19.99, "ms", { target: { op: "<", value: 20 } }).pass, true);
  assert.equal(row("p99", 20, "ms", { target: { op: "<", value: 20 } }).pass, false);
  assert.equal(row("lost", 0, "jobs", { target: { op: "==", value: 0 } }).pass, true);
  assert.equal(row("lost", 1, "jobs", { target: { op: "==", value: 0 } }).pass, false);
  assert.equal(row("p99", NaN, "ms", { target: { op: "<", value: 20 } }).pass, false, "NaN never passes");

  const info = row("bare p50", 0.3, "ms");
  assert.equal(info.pass, true);
  assert.equal(info.target, "-");
  assert.equal(info.baseline, undefined);
  assert.equal(info.ratio, undefined);
});

Deno.test("row: ratio targets compare value / baseline", () => {
  const fast = row("kiln req/s", 90_000, "req/s", {
    baseline: 100_000,
    target: { on: "ratio", op: ">=", value: 0.8 },
  });
  close(fast.ratio!, 0.9);
  assert.equal(fast.baseline, 100_000);
  assert.equal(fast.pass, true);
  assert.equal(fast.target, "ratio ≥ 0.8");

  const exact = row("kiln req/s", 80_000, "req/s", {
    baseline: 100_000,
    target: { on: "ratio", op: ">=", value: 0.8 },
  });
  assert.equal(exact.pass, true);
  const slow = row("kiln req/s", 4_000, "req/s", {
    baseline: 100_000,
    target: { on: "ratio", op: ">=", value: 0.8 },
  });
  assert.equal(slow.pass, false);

  const noBaseline = row("kiln req/s", 4_000, "req/s", {
    baseline: 0,
    target: { on: "ratio", op: ">=", value: 0.8 },
  });
  assert.equal(noBaseline.ratio, undefined);
  assert.equal(noBaseline.pass, false, "a ratio target without a usable baseline fails");

  const withBaseline = row("kiln p99", 3, "ms", { baseline: 1.5 });
  close(withBaseline.ratio!, 2);
  assert.equal(withBaseline.pass, true);
});

Deno.test("targets and numbers are shown readably", () => {
  assert.equal(describeTarget({ op: ">=", value: 1_000 }, "jobs/s"), "≥ 1,000 jobs/s");
  assert.equal(describeTarget({ op: "<", value: 20 }, "ms"), "< 20 ms");
  assert.equal(describeTarget({ op: "==", value: 0 }, "jobs"), "= 0 jobs");
  assert.equal(describeTarget(undefined, "ms"), "-");
  assert.equal(formatNumber(153514.27), "153,514");
  assert.equal(formatNumber(609.83), "609.8");
  assert.equal(formatNumber(23.144), "23.14");
  assert.equal(formatNumber(0.2851), "0.285");
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(undefined), "");
});

Deno.test("table: one aligned line per row, PASS/FAIL only where there is a target, errors listed", () => {
  const rows = [
    row("http bare req/s", 200_000, "req/s"),
    row("http kiln req/s", 150_000, "req/s", {
      baseline: 200_000,
      target: { on: "ratio", op: ">=", value: 0.8 },
    }),
    row("jobs/s", 500, "jobs/s", { target: { op: ">=", value: 1_000 } }),
    crashRow("live", new Error("socket hang-up")),
  ];
  const lines = formatTable(rows).split("\n");
  assert.match(lines[0], /^name\s+value\s+unit\s+baseline\s+ratio\s+target\s+pass$/);
  assert.match(lines[1], /^-+( +-+){6}$/);
  assert.match(lines[2], /^http bare req\/s\s+200,000\s+req\/s\s+-$/);
  assert.match(lines[3], /^http kiln req\/s\s+150,000\s+req\/s\s+200,000\s+0\.75\s+ratio ≥ 0\.8\s+FAIL$/);
  assert.match(lines[4], /^jobs\/s\s+500\s+jobs\/s\s+≥ 1,000 jobs\/s\s+FAIL$/);
  assert.match(lines[5], /^live: CRASHED\s+-\s+runs\s+FAIL$/);
  assert.ok(lines.includes("errors:"));
  assert.ok(lines.some((line) => line.includes("live: CRASHED: socket hang-up")));
  // Numbers are right-aligned: the value column ends at the same position on every row.
  const valueEnd = (line: string, value: string) => line.indexOf(value) + value.length;
  assert.equal(valueEnd(lines[2], "200,000"), valueEnd(lines[4], "500"));
});

Deno.test("results.json: rows as JSON, with null where a figure is not a number", () => {
  const rows = [row("p99", NaN, "ms", { target: { op: "<", value: 20 } }), crashRow("jobs", "boom")];
  const parsed = JSON.parse(toJson(rows));
  assert.deepEqual(parsed, [
    { name: "p99", value: null, unit: "ms", target: "< 20 ms", pass: false },
    { name: "jobs: CRASHED", value: 0, unit: "", target: "runs", pass: false, error: "boom" },
  ]);
});

Deno.test("SSE parser: messages split across pushes, CRLF, comments and multi-line data", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("retry: 3000\n\n: heartbeat\n\nid: 4\nevent: bench\nda"), []);
  assert.deepEqual(parser.push('ta: {"i":1,"t":2.5}\n'), []);
  assert.deepEqual(parser.push("\nevent: job\r\ndata: a\r\ndata: b\r\n\r\n"), [
    { id: "4", event: "bench", data: '{"i":1,"t":2.5}' },
    { event: "job", data: "a\nb" },
  ]);
});

Deno.test("HTTP reader: status, headers and a chunked body split at every awkward place", () => {
  const encoder = new TextEncoder();
  const wire = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "5\r\nhello\r\n" + "b;ext=1\r\n, world\n\n!!\r\n" + "0\r\n\r\n";
  const bytes = encoder.encode(wire);
  for (let split = 1; split < bytes.length; split++) {
    for (const step of [1, 3, 7]) {
      const reader = new HttpResponseReader();
      const parts: Uint8Array[] = [...reader.push(bytes.subarray(0, split))];
      for (let at = split; at < bytes.length; at += step) {
        parts.push(...reader.push(bytes.subarray(at, at + step)));
      }
      assert.equal(reader.status, 200);
      assert.equal(reader.headers.get("content-type"), "text/event-stream");
      assert.equal(
        new TextDecoder().decode(parts.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array())),
        "hello, world\n\n!!",
      );
      assert.equal(reader.ended, true, `split ${split} step ${step}`);
    }
  }
  const plain = new HttpResponseReader();
  assert.deepEqual(plain.push(encoder.encode("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno")), [
    encoder.encode("no"),
  ]);
  assert.equal(plain.status, 404);
});
