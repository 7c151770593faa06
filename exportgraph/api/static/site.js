/* exportgraph pages: search typeahead and small form helpers. Served as a static file (no inline script). */
(function () {
  "use strict";

  function typeahead(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null, active = -1, seq = 0;
    function options() { return box.querySelectorAll("[role=option]"); }
    function close() {
      box.hidden = true; box.textContent = ""; active = -1;
      input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      var opts = options();
      if (!opts.length) { return; }
      active = (i + opts.length) % opts.length;
      Array.prototype.forEach.call(opts, function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
    }
    function show(data, q) {
      box.textContent = "";
      data.items.forEach(function (item, k) {
        var li = document.createElement("li"), a = document.createElement("a"), hint = document.createElement("span");
        li.setAttribute("role", "option"); li.id = "suggestion-" + k; li.setAttribute("aria-selected", "false");
        a.href = item.href; a.textContent = item.label; a.tabIndex = -1;
        hint.className = "hint"; hint.textContent = " " + item.type + (item.code ? " " + item.code : "") + " · " + item.id;
        li.appendChild(a); li.appendChild(hint); box.appendChild(li);
      });
      var all = document.createElement("li"), more = document.createElement("a");
      all.setAttribute("role", "option"); all.id = "suggestion-all"; all.setAttribute("aria-selected", "false");
      more.href = "/search?q=" + encodeURIComponent(q); more.tabIndex = -1;
      more.textContent = "All " + data.total + " result(s) for \u201c" + q + "\u201d";
      all.appendChild(more); box.appendChild(all);
      box.hidden = false; input.setAttribute("aria-expanded", "true");
    }
    function fetchNow() {
      var q = input.value.trim(), mine = ++seq;
      if (q.length < 2) { close(); return; }
      fetch("/api/suggest?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && mine === seq) { show(data, q); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchNow, 120); });
    input.addEventListener("keydown", function (ev) {
      if (box.hidden) { return; }
      if (ev.key === "ArrowDown") { ev.preventDefault(); mark(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(active - 1); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter" && active >= 0) {
        ev.preventDefault(); window.location.href = options()[active].querySelector("a").href;
      }
    });
    document.addEventListener("click", function (ev) { if (ev.target !== input && !box.contains(ev.target)) { close(); } });
  }

  function compareForm(form) {
    form.addEventListener("submit", function () {
      var chosen = Array.prototype.filter.call(form.querySelectorAll("input.jur"), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      form.querySelector("input[name=jurisdictions], input[name=jurisdiction]").value = chosen.join(",");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-typeahead]"), typeahead);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-jurisdictions]"), compareForm);
  });
})();
