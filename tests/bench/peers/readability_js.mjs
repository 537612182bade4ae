// tests/bench/peers/readability_js.mjs: runs Mozilla Readability.js on jsdom over saved pages for
// tests/bench/bench.py (peers installed by `make peers` into peers/node). Not moonwire code.
//
//   node readability_js.mjs NODE_MODULES OUT.jsonl DIR [--reps N]
//
// Run as Readability.js's own README runs it: plain node (no flags, no forced garbage collection: V8 collects
// when it decides, inside the timed work as in any real use), new JSDOM(html, {url}), then
// new Readability(document).parse() with its default options. Reads every DIR/**/*.html.gz into memory
// first, then per page times those two calls, in wall time and in CPU time (process.cpuUsage: every thread
// of the process, V8's collector included). The article element goes to paragraphs through the documented
// serializer option; that conversion is timed apart and left out. Writes {"file", "title", "authors",
// "published", "body", "ms", "cpu_ms", "ms_convert"} per line; prints one JSON summary (peak RSS, RSS once
// loaded) on stdout.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { performance } from "node:perf_hooks";

const [modules, outPath, root, repsFlag, repsArg] = process.argv.slice(2);
if (!modules || !outPath || !root) {
  console.error("usage: node readability_js.mjs NODE_MODULES OUT.jsonl DIR [--reps N]");
  process.exit(2);
}
const reps = repsFlag === "--reps" ? Math.max(1, parseInt(repsArg, 10) || 1) : 1;
const require = createRequire(path.resolve(modules) + "/");
const { Readability } = require("@mozilla/readability");
const { JSDOM, VirtualConsole } = require("jsdom");

// Mirrors BLOCK/SKIP of paragraphs.py, so both peers are converted alike.
const BLOCK = new Set(`address article aside blockquote body br caption center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre
section summary table tbody td tfoot th thead tr ul`.split(/\s+/));
const SKIP = new Set("script style noscript template head title".split(" "));

function paragraphs(rootEl) {
  const paras = [];
  let cur = [];
  const flush = () => {
    const t = cur.join("").replace(/\s+/g, " ").trim();
    if (t) paras.push(t);
    cur = [];
  };
  // Iterative walk: article trees can be deeper than a comfortable recursion.
  const stack = [[rootEl, false]];
  while (stack.length) {
    const [node, leaving] = stack.pop();
    if (node.nodeType === 3) { cur.push(node.nodeValue); continue; }
    if (node.nodeType !== 1) continue;
    const tag = node.localName;
    if (SKIP.has(tag)) continue;
    if (BLOCK.has(tag)) flush();
    if (leaving) continue;
    stack.push([node, true]);
    for (let c = node.lastChild; c; c = c.previousSibling) stack.push([c, false]);
  }
  flush();
  return paras.join("\n\n");
}

function authorsOf(byline) {
  if (!byline) return [];
  return byline.replace(/^\s*by\s+/i, "").split(/\s*(?:,|;|&|\band\b)\s*/i).map((s) => s.trim()).filter(Boolean);
}

function pages(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pages(p));
    else if (e.name.endsWith(".html.gz")) out.push(p);
  }
  return out.sort();
}

function sidecarUrl(p) {
  try {
    return JSON.parse(fs.readFileSync(p.slice(0, -".html.gz".length) + ".json", "utf8")).url || undefined;
  } catch {
    return undefined;
  }
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? 0 : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// The corpus stores every page as UTF-8: decoded here as a string, as for the other peer.
const loaded = pages(root).map((p) => ({ file: p, html: zlib.gunzipSync(fs.readFileSync(p)).toString("utf8"),
  url: sidecarUrl(p) }));
const loadedKb = process.resourceUsage().maxRSS;
const quiet = new VirtualConsole();   // no sendTo: jsdom's CSS and script complaints are not results

const cpuMs = (u) => (u.user + u.system) / 1000;

// A page the peer fails on still costs what it took until the failure: ms is set either way.
function one(html, url, t) {
  t.conv = 0;
  t.convCpu = 0;
  t.c0 = process.cpuUsage();
  t.t0 = performance.now();
  const dom = new JSDOM(html, { url: url || "https://example.invalid/", virtualConsole: quiet });
  try {
    return new Readability(dom.window.document, {
      serializer: (el) => {
        const c0 = performance.now(), u0 = process.cpuUsage();
        const body = paragraphs(el);
        t.conv += performance.now() - c0;
        t.convCpu += cpuMs(process.cpuUsage(u0));
        return body;
      },
    }).parse();
  } finally {
    t.ms = performance.now() - t.t0 - t.conv;
    t.cpu = cpuMs(process.cpuUsage(t.c0)) - t.convCpu;
    dom.window.close();
  }
}

const out = fs.openSync(outPath, "w");
let failed = 0;
for (const pg of loaded) {
  const rec = { file: pg.file, title: null, authors: [], published: null, body: "" };
  const ms = [], cpu = [], conv = [];
  for (let k = 0; k < reps; k++) {
    const t = { t0: performance.now(), c0: process.cpuUsage(), conv: 0, convCpu: 0, ms: undefined, cpu: undefined };
    try {
      const art = one(pg.html, pg.url, t);
      if (art) {
        rec.title = art.title || null;
        rec.authors = authorsOf(art.byline);
        rec.published = art.publishedTime || null;
        rec.body = art.content || "";
      }
    } catch (e) {
      rec.error = String(e && e.message ? e.message : e).slice(0, 300);
    }
    ms.push(t.ms !== undefined ? t.ms : performance.now() - t.t0);
    cpu.push(t.cpu !== undefined ? t.cpu : cpuMs(process.cpuUsage(t.c0)));
    conv.push(t.conv);
  }
  if (rec.error) failed++;
  rec.ms = median(ms);
  rec.cpu_ms = median(cpu);
  rec.ms_convert = median(conv);
  fs.writeSync(out, JSON.stringify(rec) + "\n");
}
fs.closeSync(out);
const version = require("@mozilla/readability/package.json").version;
const jsdomVersion = require("jsdom/package.json").version;
console.log(JSON.stringify({ peer: "Readability.js", version, jsdom: jsdomVersion, pages: loaded.length, reps,
  failed, loaded_rss_kb: loadedKb, peak_rss_kb: process.resourceUsage().maxRSS }));
