// The query page: YASGUI (static/yasgui/, vendored from npm by scripts/vendor-yasgui.sh) on this server's
// SPARQL endpoint. The page reaches nothing but this server: prefixes are completed from the project's own
// (YASQE would offer prefix.cc's), classes and properties from the graph itself (YASQE would ask
// lov.linkeddata.es), there is no CORS proxy and the only endpoint on offer is this one. IRIs of the graph
// link to this server's pages, as everywhere on the site. The settings come from the page (site.query_page).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("yasgui-config").textContent);
  const { endpoint, root, base, kg } = config;
  const Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;

  function href(iri) {
    if (iri.startsWith(base + "id/")) return root + "doc/" + iri.slice(base.length + 3);
    if (iri.startsWith(kg)) return root + "doc/def/" + iri.slice(kg.length);
    return /^https?:\/\//.test(iri) ? iri : "#";  // never a javascript: link
  }

  // The result table: YASR's, with each IRI of the graph linking to its page here (the real IRI as tooltip).
  class LocalTable extends Yasr.plugins.table {
    getUriLinkFromBinding(binding, prefixes) {
      const html = super.getUriLinkFromBinding(binding, prefixes);
      const local = href(binding.value);
      if (local === binding.value) return html;
      const template = document.createElement("template");
      template.innerHTML = html;
      const link = template.content.querySelector("a");
      if (!link) return html;
      link.setAttribute("href", local);
      link.title = binding.value;
      return template.innerHTML;
    }
  }
  Yasr.registerPlugin("table", LocalTable);

  // Completion from this server only. Not kept in the browser's storage: the next visit asks again.
  const declared = Object.entries(config.prefixes).map(([name, ns]) => name + ": <" + ns + ">").sort();
  const completers = Yasqe.Autocompleters;
  completers.prefixes = { ...completers.prefixes, persistenceId: undefined, get: () => declared };
  const terms = {};
  function fromGraph(name, query) {
    return (yasqe, token) => {
      terms[name] = terms[name] || fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: new URLSearchParams({ query }),
      }).then((response) => (response.ok ? response.json() : { results: { bindings: [] } }))
        .then((data) => data.results.bindings.map((row) => row.term.value));
      const start = (token && token.autocompletionString) || "";
      return terms[name].then((all) => all.filter((iri) => iri.startsWith(start)).slice(0, 100));
    };
  }
  completers.class = { ...completers.class, persistenceId: undefined,
                       get: fromGraph("class", "SELECT DISTINCT ?term WHERE { ?thing a ?term } ORDER BY ?term") };
  completers.property = { ...completers.property, persistenceId: undefined,
                          get: fromGraph("property", "SELECT DISTINCT ?term WHERE { ?s ?term ?o } ORDER BY ?term") };

  // The table shortens IRIs with the project's prefixes in every tab; longest namespace first (kgsh: before kg:).
  const shortening = Object.fromEntries(Object.entries(config.prefixes).sort((a, b) => b[1].length - a[1].length));

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "kennisgraaf",
    tabName: "Query",
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    corsProxy: undefined,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    // A link such as /query?query=... opens a tab with that query, always on this server's endpoint.
    populateFromUrl: (tab) => { tab.requestConfig.endpoint = endpoint; return tab; },
    yasqe: { value: config.newTab, collapsePrefixesOnLoad: true },
    yasr: { prefixes: shortening },
  });

  // One tab per example and canned query, after the visitor's own; one that was closed comes back.
  const open = new Set(yasgui.persistentConfig.getTabs().map((id) => yasgui.getTab(id).getName()));
  for (const example of config.examples) {
    if (!open.has(example.name)) {
      yasgui.addTab(false, { name: example.name, yasqe: { value: example.query }, requestConfig: { endpoint } });
    }
  }
  const titles = Object.fromEntries(config.examples.map((example) => [example.name, example.title || example.name]));
  for (const id of yasgui.persistentConfig.getTabs()) {
    const title = titles[yasgui.getTab(id).getName()];
    const link = document.getElementById("tab-" + id);
    if (title && link) link.title = title;
  }
  // The server's warnings about a query (a class or property the graph does not use) come in a header with
  // the answer; they are shown above the editor for the tab that ran it.
  const warningBox = document.getElementById("query-warnings");
  const warningsOf = {};
  function showWarnings(tab) {
    const warnings = warningsOf[tab.getId()] || [];
    warningBox.replaceChildren(...warnings.map((text) => {
      const item = document.createElement("p");
      item.textContent = "Warning: " + text;
      return item;
    }));
    warningBox.hidden = warnings.length === 0;
  }
  yasgui.on("query", (_yasgui, tab) => {
    const yasqe = tab.getYasqe();
    if (yasqe.kennisgraafWarnings) return;
    yasqe.kennisgraafWarnings = true;
    yasqe.on("queryResponse", (_yasqe, response) => {
      const header = response && response.headers && response.headers.get("x-query-warning");
      warningsOf[tab.getId()] = header ? header.split(" | ") : [];
      if (yasgui.getTab() === tab) showWarnings(tab);
    });
  });
  yasgui.on("tabSelect", (_yasgui, id) => showWarnings(yasgui.getTab(id)));
  window.kennisgraafYasgui = yasgui;  // for the browser tests, and for anyone at the console
})();
