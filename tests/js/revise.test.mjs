// 修订对照 (docs/assets/revise-engine.js): revisions of the real city texts made by known edits
// (tests/fixtures/revise_cases.json, applied by revise-recipe.js) must come back row by row; the
// thresholds must hold on the calibration edits; an unrelated text must pair with almost nothing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { asset, cases } from "./cases.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const check = asset("check-engine.js");
const revise = asset("revise-engine.js");
const recipe = require("./revise-recipe.js");
const fixture = JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/revise_cases.json"), "utf8"));
const table = cases("tables.json").segment;
const CITIES = ["chenzhou", "zhuzhou", "jixi", "ziyang", "liyang"];

function source(city) {
  return readFileSync(path.join(ROOT, "rules_data/sources", city + ".txt"), "utf8");
}
function split(text) {
  return check.split(text, table);
}
const opts = { check, table };

test("compare: a text against itself is every article 未改", () => {
  const text = source("jixi");
  const r = revise.compare(text, text, opts);
  assert.equal(r.rows.length, split(text).articles.length);
  assert.ok(r.rows.every((x) => x.kind === "未改" && x.old === x.new && x.diff === null));
  assert.equal(r.summary.text, `新增 0 条、删除 0 条、修改 0 条、未改 ${r.rows.length} 条`);
});

for (const rev of fixture.revisions) {
  test(`compare: ${rev.city} revised by known edits, renumbered — every row's kind and pairing`, () => {
    const current = source(rev.city);
    const cur = split(current);
    const made = recipe.build(cur.articles, cur.style, rev.recipe);
    const r = revise.compare(current, made.text, opts);
    assert.deepEqual(recipe.canon(r.rows), recipe.canon(made.rows));
    // renumbering alone is never a change; a 修改 carries a diff that rebuilds both texts
    for (const row of r.rows) {
      if (row.kind === "未改") assert.equal(row.diff, null);
      if (row.kind === "修改") {
        assert.ok(row.diff.some((p) => p[0] !== 0));
        const side = (op) => row.diff.filter((p) => p[0] !== op).map((p) => p[1]).join("");
        assert.equal(side(1), row.oldText);
        assert.equal(side(-1), row.newText);
      }
    }
    const moved = r.rows.find((x) => x.kind === "移动");
    assert.notEqual(moved.oldLabel, moved.newLabel);
    const c = r.summary.counts;
    assert.equal(r.summary.text.startsWith(`新增 ${c["新增"]} 条、删除 ${c["删除"]} 条、修改 ${c["修改"]} 条、未改 ${c["未改"]} 条`), true);
  });
}

test("calibration: genuine edits stay above PAIR, other articles of the same city below it", (t) => {
  const cal = fixture.calibration, PAIR = revise.thresholds.PAIR;
  const arts = Object.fromEntries(CITIES.map((c) => [c, split(source(c)).articles]));
  const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
  for (const [name, edit] of Object.entries(cal.edits)) {
    const xs = [];
    for (const c of CITIES) for (const a of arts[c]) if (a.text.length >= 20) xs.push(revise.similarity(a.text, recipe.edited(a.text, edit)));
    const low = pct(xs, 1 - cal.above_pct);
    t.diagnostic(`${name}: ${xs.length} articles, 1st percentile ${low.toFixed(3)}, median ${pct(xs, 0.5).toFixed(3)}`);
    assert.ok(low >= PAIR, `${name}: 1st percentile ${low} below PAIR ${PAIR}`);
  }
  const same = [];
  for (const c of CITIES) {
    arts[c].forEach((a, i) => {
      let best = 0;
      arts[c].forEach((b, j) => { if (i !== j) best = Math.max(best, revise.similarity(a.text, b.text)); });
      same.push(best);
    });
  }
  const high = pct(same, cal.below_pct);
  t.diagnostic(`closest other article of the same city: 99th percentile ${high.toFixed(3)}, median ${pct(same, 0.5).toFixed(3)}`);
  assert.ok(high < PAIR, `99th percentile ${high} not below PAIR ${PAIR}`);
});

test("compare: an unrelated text against a city pairs almost nothing", (t) => {
  const u = fixture.unrelated;
  const r = revise.compare(source(u.against), u.text, opts);
  const c = r.summary.counts, paired = r.rows.length - c["新增"] - c["删除"];
  t.diagnostic(r.summary.text);
  assert.equal(c["新增"] + paired, split(u.text).articles.length);
  assert.ok(paired / r.rows.length <= u.max_paired_share, r.summary.text);
});

test("compare: another city's text — the pairs it finds are the same provisions, and it reports how many", (t) => {
  const r = revise.compare(source("zhuzhou"), source("jixi"), opts);
  const paired = r.rows.filter((x) => x.score !== null);
  t.diagnostic(`zhuzhou -> jixi: ${r.summary.text}`);
  assert.ok(paired.every((x) => x.score >= revise.thresholds.PAIR));
  assert.ok(r.rows.every((x) => revise.kinds.includes(x.kind)));
});

test("wordDiff: marks never cut a word (Intl.Segmenter words through diff-match-patch)", () => {
  const words = revise.words("市政府常务会议由市长召集和主持");
  assert.ok(words.length > 3 && words.includes("市长"), words.join("|"));
  const before = "市政府常务会议由市长召集和主持，研究决定重大事项。";
  const after = "市政府常务会议由常务副市长召集和主持，讨论决定重大事项。";
  const d = revise.wordDiff(before, after);
  assert.ok(d.some((p) => p[0] === -1) && d.some((p) => p[0] === 1), JSON.stringify(d));
  // every place a mark starts or ends is a word boundary of its side's text
  for (const [text, skip] of [[before, 1], [after, -1]]) {
    const bounds = new Set([0]);
    let at = 0;
    for (const w of revise.words(text)) bounds.add((at += w.length));
    at = 0;
    for (const p of d) {
      if (p[0] === skip) continue;
      assert.ok(bounds.has(at) && bounds.has(at + p[1].length), `${JSON.stringify(p)} cuts a word of ${text}`);
      at += p[1].length;
    }
    assert.equal(at, text.length);
  }
});

test("compare: 80 articles against 80 well within the page's budget", () => {
  const cur = split(source("jixi")).articles.concat(split(source("ziyang")).articles).slice(0, 80);
  const made = recipe.build(cur, "第X条", fixture.revisions[0].recipe);
  const draft = split(made.text).articles.slice(0, 80);
  const t0 = performance.now();
  const r = revise.compareArticles(cur, draft);
  const ms = performance.now() - t0;
  assert.ok(r.rows.length >= 80);
  assert.ok(ms < 500, `${ms} ms`);
});
