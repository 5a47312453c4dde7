/* A schematic map of the listing's venues (no tiles: nothing leaves this site). Each point
   links to its venue in the list below, which holds the same information as text. */
(function () {
  "use strict";
  var box = document.querySelector("[data-event-map]");
  var data = document.getElementById("event-map-points");
  if (!box || !data) { return; }
  var points = JSON.parse(data.textContent);
  if (!points.length) { return; }
  var ns = "http://www.w3.org/2000/svg";
  var lats = points.map(function (p) { return p.lat; });
  var lngs = points.map(function (p) { return p.lng; });
  var minLat = Math.min.apply(null, lats), maxLat = Math.max.apply(null, lats);
  var minLng = Math.min.apply(null, lngs), maxLng = Math.max.apply(null, lngs);
  var spanLat = (maxLat - minLat) || 0.01, spanLng = (maxLng - minLng) || 0.01;
  var width = 600, height = 300, pad = 40;
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("class", "event-map-svg");
  var title = document.createElementNS(ns, "title");
  title.textContent = box.getAttribute("data-label");
  svg.appendChild(title);
  points.forEach(function (p) {
    var x = pad + (p.lng - minLng) / spanLng * (width - 2 * pad);
    var y = height - pad - (p.lat - minLat) / spanLat * (height - 2 * pad);
    var link = document.createElementNS(ns, "a");
    link.setAttribute("href", "#" + p.anchor);
    var dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x); dot.setAttribute("cy", y); dot.setAttribute("r", 9);
    dot.setAttribute("class", "event-map-dot");
    var label = document.createElementNS(ns, "text");
    label.setAttribute("x", x + 14); label.setAttribute("y", y + 5);
    label.setAttribute("class", "event-map-label");
    label.textContent = p.name;
    link.appendChild(dot); link.appendChild(label);
    svg.appendChild(link);
  });
  box.appendChild(svg);
  box.hidden = false;
})();
