// The term index's bucket hash and term weights: search-engine.js against rulebook/search/index.py
// fnv1a, term_weight, length_norm and weight.
import { test } from "node:test";
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
