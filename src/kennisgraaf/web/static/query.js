// The query page: sends the query to the endpoint and shows the answer as a table with links.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const table = document.getElementById("results");
  const graph = document.getElementById("graph");
  const errorBox = document.getElementById("error");
  const notice = document.getElementById("notice");
  const status = document.getElementById("status");
  const root = form.dataset.root, base = form.dataset.base, kg = form.dataset.kg;
  const namespaces = Object.entries(prefixes).sort((a, b) => b[1].length - a[1].length);

  document.getElementById("example").addEventListener("change", (event) => {
    const chosen = examples[Number(event.target.value)];
    if (chosen) editor.value = chosen.text;
  });

  function href(iri) {
    if (iri.startsWith(base + "id/")) return root + "doc/" + iri.slice(base.length + 3);
    if (iri.startsWith(kg)) return root + "doc/def/" + iri.slice(kg.length);
    return /^https?:\/\//.test(iri) ? iri : "#";  // never a javascript: link
  }
  function short(iri) {
    for (const [name, ns] of namespaces) {
      const rest = iri.slice(ns.length);
      if (iri.startsWith(ns) && /^[\w.-]*$/.test(rest)) return name + ":" + rest;
    }
    return iri;
  }
  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = href(term.value);
      a.title = term.value;
      a.textContent = short(term.value);
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        const small = document.createElement("small");
        small.textContent = " @" + term["xml:lang"];
        td.appendChild(small);
      }
    }
    return td;
  }
  function show(data) {
    table.replaceChildren();
    if ("boolean" in data) {
      const row = table.insertRow();
      row.insertCell().textContent = data.boolean ? "yes" : "no";
      return 1;
    }
    const vars = data.head.vars;
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const v of vars) row.appendChild(cell(binding[v]));
    }
    return data.results.bindings.length;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    notice.hidden = true;
    graph.hidden = true;
    table.replaceChildren();
    status.textContent = "running…";
    const started = performance.now();
    try {
      const response = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: editor.value }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (!response.ok) {
        errorBox.textContent = response.status + ": " + (await response.text());
        errorBox.hidden = false;
        status.textContent = "";
        return;
      }
      const type = response.headers.get("Content-Type") || "";
      let count;
      if (type.startsWith("text/turtle")) {
        graph.textContent = await response.text();
        graph.hidden = false;
        count = "a graph";
      } else {
        count = show(await response.json()) + " result(s)";
      }
      status.textContent = count + " in " + seconds + " s";
      if (response.headers.get("X-Result-Truncated")) {
        notice.textContent = "Cut off after " + response.headers.get("X-Result-Limit") + " results: there are more.";
        notice.hidden = false;
      }
    } catch (problem) {
      errorBox.textContent = String(problem);
      errorBox.hidden = false;
      status.textContent = "";
    }
  });
})();
