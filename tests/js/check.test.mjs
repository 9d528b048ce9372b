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

// The check itself (rulebook/analysis/draft_match.py check()): topics and leveled counterparts per draft
// article, level, probability and answer per attribute, and the gaps in their order — for each curated city
// against the others, edited forms of one text (full-width, half, reversed) and a hand-written draft.
test("check: rbCheck.check gives the Python engine's answers", (t) => {
  const data = cases("check.json");
  parity(
    t,
    data.cases,
    (input) => {
      const r = check.check({ articles: input.articles }, data.corpus, input.peers, tables.quantity, data.calibration);
      return {
        articles: r.articles.map((a) => ({ n: a.n, topics: a.topics, peers: a.peers.map((m) => [m.city, m.n, m.level, m.p]) })),
        attrs: r.attrs.map((x) => [x.id, x.level, x.p, x.draft && [x.draft.article, x.draft.quote, x.draft.number]]),
        gaps: r.gaps,
        covered: r.covered,
      };
    },
    (c) => c.output,
    (c) => c.name,
    1,
  );
});

// With more than LARGE_PEERS peers the check changes form (the peers' weights alone, character 2–3-grams,
// each draft article compared with its NEAREST_CITIES cities): the same parity on the five cities plus 64
// synthetic peers that Python adds (rulebook/devtools/js_cases.py _many_peers).
test("check with many peers: rbCheck.check gives the Python engine's answers", (t) => {
  const data = cases("check.json");
  const many = data.many;
  t.diagnostic(`${many.corpus.cities.length} peers, ${many.cases.length} drafts`);
  parity(
    t,
    many.cases,
    (input) => {
      const r = check.check({ articles: input.articles }, many.corpus, input.peers, tables.quantity, data.calibration);
      return {
        articles: r.articles.map((a) => ({ n: a.n, topics: a.topics, peers: a.peers.map((m) => [m.city, m.n, m.level, m.p]) })),
        attrs: r.attrs.map((x) => [x.id, x.level, x.p, x.draft && [x.draft.article, x.draft.quote, x.draft.number]]),
        gaps: r.gaps,
        covered: r.covered,
      };
    },
    (c) => c.output,
    (c) => c.name,
    1,
  );
});
