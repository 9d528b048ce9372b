// 对标检查 off the page's thread: a dedicated worker (a file of the site, CSP worker-src 'self') that loads
// the same scripts as the page (rb-common.js, the pattern and corpus data, check-engine.js) and runs
// rbCheck.check, reporting progress. The draft comes in a message from the page and the result goes back
// the same way: nothing here makes a request beyond loading those scripts of the site itself.
/* global importScripts */
self.window = self;  // the data scripts set window.rbCheckCorpus and friends
self.onmessage = function (e) {
  var m = e.data;
  if (m.type === "load") {
    importScripts.apply(null, m.scripts);
    return;
  }
  if (m.type === "prepare") {  // the peers' side, built once and kept by the engine
    self.rbCheck.prepare(self.rbCheckCorpus, m.peers);
    self.postMessage({ type: "ready" });
    return;
  }
  if (m.type === "check") {
    var result = self.rbCheck.check(m.draft, self.rbCheckCorpus, m.peers, self.rbQuantityRules, null, null, function (done, total) {
      self.postMessage({ type: "progress", id: m.id, done: done, total: total });
    });
    self.postMessage({ type: "result", id: m.id, result: result });
  }
};
