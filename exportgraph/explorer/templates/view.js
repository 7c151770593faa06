/* exportgraph graph view: precomputed positions drawn with physics off; groups that open on click; search;
   a keyboard-reachable list of the nodes; click a node to open its page. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var MIN_SCALE = 0.55;  // below this, 16 px labels are too small to read: a large view starts zoomed in on its root
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var opened = {};  // group heads the reader has opened
  function shown(n) { return n.under.every(function (h) { return opened[h]; }); }
  function edgeShown(e) { return !e.hidden && !e.replaced && shown(byId[e.from]) && shown(byId[e.to]); }
  var large = data.nodes.filter(shown).length > 500;
  var original = {};
  data.nodes.forEach(function (n) {
    original[n.id] = {id: n.id, color: n.color, borderWidth: n.borderWidth || 1, size: n.size || 14};
    n.hidden = !shown(n);
  });
  data.edges.forEach(function (e) { e.hidden = !edgeShown(e); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var options = {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large},
    nodes: {size: 14, borderWidth: 1, font: {size: 16}},
    edges: {smooth: false, width: 1, color: {color: "#848484"}, font: {size: 10, align: "top", background: "#ffffff"},
            arrows: {to: {enabled: true, scaleFactor: 0.5}}}
  };
  var network = new vis.Network(document.getElementById("network"), {nodes: nodes, edges: edges}, options);
  var state = {network: network, nodes: nodes, edges: edges, ready: null, matches: [], opened: opened,
               selected: null};
  window.egView = state;

  function startView() {
    var visible = data.nodes.filter(shown).map(function (n) { return n.id; });
    network.fit({nodes: visible, animation: false});
    if (network.getScale() >= MIN_SCALE || visible.length <= 40) { return; }
    var root = data.nodes.filter(function (n) { return n.root; })[0];
    var canvas = document.getElementById("network");
    var at;
    if (root) {
      at = network.getPosition(root.id);
    } else {  // grids and timelines: their top left corner
      var xs = visible.map(function (id) { return network.getPosition(id).x; });
      var ys = visible.map(function (id) { return network.getPosition(id).y; });
      at = {x: Math.min.apply(null, xs) + canvas.clientWidth / 2 / MIN_SCALE - 120,
            y: Math.min.apply(null, ys) + canvas.clientHeight / 2 / MIN_SCALE - 60};
    }
    network.moveTo({position: at, scale: MIN_SCALE, animation: false});
  }
  network.once("afterDrawing", function () {
    startView();
    state.ready = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  function refresh() {
    nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: !shown(n)}; }));
    edges.update(data.edges.map(function (e) { return {id: e.id, hidden: !edgeShown(e)}; }));
    document.body.setAttribute("data-visible", String(data.nodes.filter(shown).length));
  }
  function toggle(head, open) {
    var n = byId[head];
    if (!n || !n.head) { return; }
    opened[head] = open === undefined ? !opened[head] : open;
    var prefix = opened[head] ? "− " : "";
    nodes.update({id: head, label: prefix + n.label});
    refresh();
    var members = data.nodes.filter(function (m) { return m.under[m.under.length - 1] === head; })
      .map(function (m) { return m.id; });
    if (opened[head]) { network.fit({nodes: [head].concat(members), animation: false}); }
  }
  function reveal(id) {
    byId[id].under.forEach(function (h) { opened[h] = true; });
    refresh();
  }
  state.toggle = toggle;

  var list = document.getElementById("node-list");
  var buttons = {};
  data.nodes.slice().sort(function (a, b) { return a.title.localeCompare(b.title); }).forEach(function (n) {
    var li = document.createElement("li");
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = (n.head ? n.label + " (group)" : n.title.split("\n")[0] + " · " + n.cls);
    b.setAttribute("data-id", n.id);
    b.addEventListener("click", function () { select(n.id, true); });
    li.appendChild(b);
    list.appendChild(li);
    buttons[n.id] = b;
  });
  function select(id, fromList) {
    var n = byId[id];
    if (!n) { return; }
    if (state.selected && buttons[state.selected]) { buttons[state.selected].removeAttribute("aria-current"); }
    state.selected = id;
    if (buttons[id]) { buttons[id].setAttribute("aria-current", "true"); }
    reveal(id);
    if (n.head && fromList) { toggle(id); }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    document.getElementById("selected").textContent = "Selected: " + n.title.split("\n")[0] +
      (n.url ? " (open its page from the table below)" : "");
    document.body.setAttribute("data-selected", id);
  }
  state.select = select;

  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var node = byId[params.nodes[0]];
    if (node && node.head) { toggle(node.id); return; }
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
        return !n.head && (n.label.toLowerCase().indexOf(needle) >= 0 ||
          String(n.record || n.id).toLowerCase().indexOf(needle) >= 0);
      }).map(function (n) { return n.id; });
      state.matches.forEach(function (id) { byId[id].under.forEach(function (h) { opened[h] = true; }); });
      refresh();
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
  document.body.setAttribute("data-visible", String(data.nodes.filter(shown).length));
})();
