// The partner network with cytoscape.js (static/cytoscape/, vendored): the page /network with its year slider,
// and the neighbourhood on an organisation's page. The data comes from this server's /network.json; nothing
// is loaded from anywhere else. Hovering shows a name, clicking an organisation opens its page.
(function () {
  "use strict";

  var STYLE = [
    {selector: "node", style: {
      "background-color": "data(color)", "border-color": "#334155", "border-width": 1,
      "width": 22, "height": 22, "label": "", "font-family": "system-ui, sans-serif", "font-size": 14,
      "text-valign": "bottom", "text-margin-y": 3, "color": "#1d1d1f",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1}},
    // The partners of Leiden Kennisstad are larger and always named; knowledge partners get a thick border.
    {selector: "node[?prominent]", style: {"width": 36, "height": 36, "label": "data(label)", "font-size": 17,
                                           "font-weight": "bold", "border-width": 2}},
    {selector: "node[?partner]", style: {"border-width": 5, "border-color": "#111111"}},
    {selector: "node.focus", style: {"label": "data(label)", "border-width": 6, "border-style": "double",
                                     "border-color": "#c2410c", "width": 40, "height": 40}},
    {selector: "node.hover", style: {"label": "data(label)", "z-index": 10}},
    {selector: "edge", style: {"width": "mapData(weight, 1, 15, 1, 9)", "line-color": "#4b5b6e",
                               "opacity": "mapData(weight, 1, 15, 0.35, 0.85)", "curve-style": "haystack"}},
    {selector: "edge.hover", style: {"line-color": "#0b5cad", "opacity": 1}}
  ];

  function layout(small) {
    return {name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true, gravity: 0.6,
            idealEdgeLength: function (edge) { return small ? 110 : 120 - 5 * Math.min(edge.data("weight"), 12); },
            nodeRepulsion: function () { return small ? 400000 : 900000; }, padding: 20, componentSpacing: 40,
            numIter: 2000};
  }

  // cose lays a network out about as high as wide; a page is wider than high. Spreading the layout to the
  // shape of its box gives the names room, instead of shrinking everything to fit the height.
  function stretch(cy, container) {
    var box = cy.nodes().boundingBox({includeLabels: false});
    if (box.w === 0 || box.h === 0) { return; }
    var factor = (container.clientWidth / container.clientHeight) / (box.w / box.h);
    var sx = Math.min(Math.max(factor, 1), 2.2), sy = Math.min(Math.max(1 / factor, 1), 2.2);
    cy.nodes().positions(function (node) {
      var p = node.position();
      return {x: box.x1 + (p.x - box.x1) * sx, y: box.y1 + (p.y - box.y1) * sy};
    });
  }

  function tooltipFor(container) {
    var tip = document.createElement("div");
    tip.className = "network-tooltip";
    tip.hidden = true;
    tip.setAttribute("role", "tooltip");
    container.parentNode.insertBefore(tip, container.nextSibling);
    return tip;
  }

  function showTip(tip, container, event, text) {
    var box = container.getBoundingClientRect();
    tip.textContent = text;
    tip.style.left = (box.left + window.scrollX + event.renderedPosition.x + 14) + "px";
    tip.style.top = (box.top + window.scrollY + event.renderedPosition.y + 10) + "px";
    tip.hidden = false;
  }

  function view(container) {
    var small = container.classList.contains("small");
    var tip = tooltipFor(container);
    var cy = cytoscape({container: container, style: STYLE, elements: [], minZoom: 0.2, maxZoom: 3});
    cy.on("mouseover", "node", function (event) {
      var data = event.target.data();
      event.target.addClass("hover");
      showTip(tip, container, event, data.label + (data.types ? " (" + data.types + ")" : "") +
              (data.kennisstad ? " — Leiden Kennisstad: " + data.kennisstad : ""));
    });
    cy.on("mouseover", "edge", function (event) {
      var edge = event.target;
      edge.addClass("hover");
      showTip(tip, container, event, edge.source().data("label") + " — " + edge.target().data("label") + ": " +
              edge.data("weight") + " shared (" + edge.data("shared") + ")");
    });
    cy.on("mouseout", "node, edge", function (event) { event.target.removeClass("hover"); tip.hidden = true; });
    cy.on("tap", "node", function (event) { window.location.href = event.target.data("href"); });

    function load(query, current) {
      container.setAttribute("aria-busy", "true");
      return fetch(container.dataset.src + query, {headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { return response.text().then(function (text) { throw new Error(text); }); }
          return response.json();
        })
        .then(function (data) {
          if (current && !current()) { return null; }  // a later year was asked for meanwhile
          cy.elements().remove();
          cy.add(data.nodes.map(function (n) { return {group: "nodes", data: n.data}; }));
          cy.add(data.edges.map(function (e) { return {group: "edges", data: e.data}; }));
          if (data.organisation) { cy.getElementById(data.organisation).addClass("focus"); }
          cy.layout(layout(small)).run();
          stretch(cy, container);
          cy.fit(undefined, 20);
          container.dataset.drawn = data.year === "" ? "all" : String(data.year);
          container.removeAttribute("aria-busy");
          return data;
        })
        .catch(function (error) {
          container.removeAttribute("aria-busy");
          container.dataset.drawn = "error";
          var problem = document.getElementById("network-problem");
          if (problem) { problem.textContent = error.message; problem.hidden = false; }
        });
    }
    return {cy: cy, load: load};
  }

  function legend(list, data) {
    list.innerHTML = "";
    data.legend.forEach(function (entry) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = entry.color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry.type || "(no type)"));
      list.appendChild(item);
    });
  }

  function networkPage(container) {
    var shown = view(container);
    var slider = document.getElementById("year");
    var all = document.getElementById("all-years");
    var output = document.getElementById("year-shown");
    var summary = document.getElementById("network-summary");
    var list = document.getElementById("network-legend");
    var wanted = 0;

    function update() {
      var year = all.checked ? "" : slider.value;
      slider.disabled = all.checked;
      output.textContent = all.checked ? "all years" : year;
      var url = new URL(window.location.href);
      url.searchParams.set("year", year);
      window.history.replaceState(null, "", url);
      var number = ++wanted;
      shown.load("?year=" + encodeURIComponent(year), function () { return number === wanted; })
        .then(function (data) {
        if (!data) { return; }
        var partners = data.nodes.filter(function (n) { return n.data.partner; }).length;
        summary.textContent = data.nodes.length + " organisations, " + data.edges.length + " links, " + partners +
          " knowledge partners" + (year ? " in " + year : " over all years") + ".";
        legend(list, data);
      });
    }
    slider.addEventListener("input", update);
    all.addEventListener("change", update);
    update();
    window.kennisgraafNetwork = shown;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.getElementById("network");
    if (page) { networkPage(page); }
    var around = document.getElementById("neighbourhood");
    if (around) {
      var small = view(around);
      small.load("");
      window.kennisgraafNeighbourhood = small;
    }
  });
})();
