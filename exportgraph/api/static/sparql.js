/* The SPARQL page: run the examples and the query, show the results as a table. */
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("example-data").textContent);
  var query = document.getElementById("query"), status = document.getElementById("status");
  var table = document.getElementById("results");
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
    b.addEventListener("click", function () { query.value = examples[Number(b.getAttribute("data-index"))]; run(); });
  });
  function cell(tag, text) { var c = document.createElement(tag); c.textContent = text; return c; }
  function show(data) {
    table.textContent = "";
    if (typeof data.boolean === "boolean") { status.textContent = "answer: " + data.boolean; return; }
    var vars = data.head.vars, head = document.createElement("tr");
    vars.forEach(function (v) { head.appendChild(cell("th", v)); });
    table.appendChild(head);
    data.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      vars.forEach(function (v) { row.appendChild(cell("td", b[v] ? b[v].value : "")); });
      table.appendChild(row);
    });
    status.textContent = data.results.bindings.length + " row(s)";
  }
  function run() {
    status.textContent = "running...";
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
})();
