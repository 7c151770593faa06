/* The SPARQL page: examples, permalinks, and results as a table in which the graph's resources are links to
   their pages, named by the ?xLabel column beside ?x. */
(function () {
  "use strict";
  var ID = "https://w3id.org/exportgraph/id/";
  var examples = JSON.parse(document.getElementById("example-data").textContent);
  var query = document.getElementById("query"), status = document.getElementById("status");
  var table = document.getElementById("results"), permalink = document.getElementById("permalink");
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
    b.addEventListener("click", function () { query.value = examples[Number(b.getAttribute("data-index"))]; run(); });
  });
  function cell(tag, text) { var c = document.createElement(tag); c.textContent = text; return c; }
  function value(binding, label) {
    var td = document.createElement("td");
    if (!binding) { return td; }
    if (binding.type === "uri" && binding.value.indexOf(ID) === 0) {
      var a = document.createElement("a"), id = binding.value.slice(ID.length);
      a.href = "/id/" + id;
      a.textContent = label ? label.value : id;
      if (label) { a.title = id; }
      td.appendChild(a);
    } else {
      td.textContent = binding.value;
    }
    return td;
  }
  function show(data) {
    table.textContent = "";
    var caption = cell("caption", "Query results");
    caption.className = "visually-hidden";
    table.appendChild(caption);
    if (typeof data.boolean === "boolean") { status.textContent = "answer: " + data.boolean; return; }
    var vars = data.head.vars.filter(function (v) {
      return !(/Label$/.test(v) && data.head.vars.indexOf(v.slice(0, -5)) >= 0);
    });
    var head = document.createElement("tr");
    vars.forEach(function (v) { head.appendChild(cell("th", v)); });
    table.appendChild(head);
    data.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      vars.forEach(function (v) { row.appendChild(value(b[v], b[v + "Label"])); });
      table.appendChild(row);
    });
    status.textContent = data.results.bindings.length + " row(s)";
  }
  function link() {
    var href = "/sparql-ui?query=" + encodeURIComponent(query.value);
    permalink.href = href;
    if (href.length < 8000) { history.replaceState(null, "", href); }
  }
  function run() {
    status.textContent = "running...";
    link();
    fetch("/sparql", {method: "POST", body: new URLSearchParams({query: query.value}),
                      headers: {"Accept": "application/sparql-results+json"}})
      .then(function (r) {
        if (!r.ok) { return r.text().then(function (t) { throw new Error(r.status + ": " + t.slice(0, 300)); }); }
        return r.json();
      })
      .then(show)
      .catch(function (e) { table.textContent = ""; status.textContent = "error " + e.message; });
  }
  document.getElementById("sparql-form").addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  if (new URLSearchParams(location.search).has("query")) { run(); } else { link(); }
})();
