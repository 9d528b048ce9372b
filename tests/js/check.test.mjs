// The 对标检查 engine: check-engine.js's draft split, sentences and quantities against the importer
// (rulebook/data/importer.py over rulebook/model/segment.py's table), rulebook/analysis/align.py
// sentences and rulebook/model/quantity.py quantities.
import { test } from "node:test";
import { asset, cases, parity } from "./cases.mjs";

const check = asset("check-engine.js");
const tables = cases("tables.json");

test("quantities: rbCheck.quantities with the quantity table", (t) => {
  parity(t, cases("quantities.json"), (s) => check.quantities(s, tables.quantity));
});

test("sentences: rbCheck.sentences", (t) => {
  parity(t, cases("sentences.json"), (s) => check.sentences(s));
});

// What the importer yields that the draft splitter also yields: numbering style, chapters, articles.
// A text the importer rejects (its errors are in the table) has no structure to compare: the draft
// splitter is lenient by design and cuts what it can.
test("split: rbCheck.split with the segment table, on every text the importer accepts", (t) => {
  const all = cases("split.json");
  const rejected = all.filter((c) => c.rejected).map((c) => c.name);
  t.diagnostic(`the importer rejects ${rejected.length} of ${all.length} texts: ${rejected.join(", ")}`);
  parity(
    t,
    all.filter((c) => !c.rejected),
    (_, c) => {
      const d = check.split(c.text, tables.segment);
      return {
        style: d.style,
        chapters: d.chapters.map((x) => ({ label: x.label, title: x.title })),
        articles: d.articles.map((a) => ({ n: a.n, number: a.number, label: a.label, chapter: a.chapter })),
      };
    },
    (c) => ({
      style: c.style,
      chapters: c.chapters,
      articles: c.articles.map((a) => ({ n: a.n, number: a.n, label: a.label, chapter: a.chapter })),
    }),
    (c) => c.name,
  );
});
