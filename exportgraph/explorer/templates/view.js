/* exportgraph graph view: draws precomputed positions with physics off; search; click to open. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var large = data.nodes.length > 500;
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var original = {};
  data.nodes.forEach(function (n) {
    original[n.id] = {id: n.id, color: n.color, borderWidth: n.borderWidth || 1, size: n.size || 14};
  });
  var options = {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large},
    nodes: {size: 14, borderWidth: 1, font: {size: 14}},
    edges: {smooth: false, width: 1, color: {color: "#848484"}, font: {size: 10, align: "middle"},
            arrows: {to: {enabled: true, scaleFactor: 0.5}}}
  };
  var network = new vis.Network(document.getElementById("network"), {nodes: nodes, edges: edges}, options);
  var state = {network: network, nodes: nodes, edges: edges, ready: null, matches: []};
  window.egView = state;
  network.once("afterDrawing", function () {
    network.fit({animation: false});  // precomputed positions: show them all from the start
    state.ready = performance.now();
    document.body.setAttribute("data-ready", "true");
  });
  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var node = nodes.get(params.nodes[0]);
    if (node && typeof node.url === "string" && node.url) { window.location.href = node.url; }
  });

  var input = document.getElementById("search");
  var count = document.getElementById("search-count");
  function search(text) {
    var needle = text.trim().toLowerCase();
    var restore = state.matches.map(function (id) { return original[id]; });
    if (restore.length) { nodes.update(restore); }
    state.matches = [];
    if (needle) {
      state.matches = data.nodes.filter(function (n) {
        return n.label.toLowerCase().indexOf(needle) >= 0 || String(n.record || n.id).toLowerCase().indexOf(needle) >= 0;
      }).map(function (n) { return n.id; });
      nodes.update(state.matches.map(function (id) {
        return {id: id, color: {background: "#ffd400", border: "#000000"}, borderWidth: 4, size: 24};
      }));
    }
    network.selectNodes(state.matches);
    if (state.matches.length === 1) {
      network.focus(state.matches[0], {scale: 1.2, animation: false});
    } else if (state.matches.length > 1) {
      network.fit({nodes: state.matches, animation: false});
    }
    count.textContent = needle ? state.matches.length + " match" + (state.matches.length === 1 ? "" : "es") : "";
    document.body.setAttribute("data-matches", String(state.matches.length));
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, large ? 200 : 60);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { clearTimeout(timer); search(input.value); }
  });
})();
