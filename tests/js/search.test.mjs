// The term index's bucket hash and term weights: search-engine.js against rulebook/search/index.py
// fnv1a, term_weight, length_norm and weight.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asset, cases, parity } from "./cases.mjs";

const search = asset("search-engine.js");

test("fnv1a: rbSearch.fnv1a", (t) => {
  parity(t, cases("fnv1a.json"), (term) => search.fnv1a(term));
});

test("term_weight: rbSearch.termWeight, lengthNorm, weight", (t) => {
  const grid = cases("term_weights.json");
  parity(t, grid, ([tf, dl, avg]) => search.termWeight(tf, dl, avg));
  parity(t, grid, ([, dl, avg]) => search.lengthNorm(dl, avg), (c) => c.norm);
  parity(t, grid, ([tf], c) => search.weight(tf, c.norm), (c) => c.weight);
});

// Curated answers (issue 31): a query naming a comparison attribute finds it, by label, description or the
// cells' words, whole or by half of a part's bigrams; a lone broad word names none.
test("curated: the attributes a query names", () => {
  const hit = (label, keys, said) => ({ kind: "比较项", label, keys: label + "\n" + keys, said, path: "compare/meetings", cites: [["x/1", "q"]] });
  search.init("/");
  globalThis.rbLookupMeta({
    cities: [],
    direct: [
      hit("常务会议法定人数", "常务会议须多少组成人员出席方可召开或有效", "半数以上组成人员出席方为有效"),
      hit("常务会议频率", "常务会议多久召开一次", "每月两次"),
      { kind: "比较", label: "会议制度", keys: "会议制度", path: "compare/meetings" },
    ],
  });
  const labels = (q, topic) => search.curated(q, topic).map((e) => e.label);
  assert.deepEqual(labels("常务会议 法定人数"), ["常务会议法定人数"]);
  assert.deepEqual(labels("常务会议 过半数出席"), ["常务会议法定人数"]);  // 半数, 出席: half the bigrams
  assert.deepEqual(labels("常务会议 每月"), ["常务会议频率"]);
  assert.deepEqual(labels("常务会议"), []);  // one broad word: most of no label
  assert.deepEqual(labels("常务会议法定人数"), ["常务会议法定人数"]);
  assert.deepEqual(labels("常务会议 法定人数", "documents"), []);  // outside the topic filter
  assert.equal(search.covers("半数以上出席", "过半数出席"), true);
  assert.equal(search.covers("半数以上", "过半数出席"), false);
});
