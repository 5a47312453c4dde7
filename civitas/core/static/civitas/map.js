/*
 * Civitas shared maps: progressive enhancement, every page works without this file.
 *
 * Use the template tags of civitas_maps rather than writing the markup by hand:
 *
 *   {% load civitas_maps %}
 *   {% map_view points label=_("Map of the ideas") %}        points: [{lat, lon, title, url, text}]
 *   {% map_picker form.latitude form.longitude label=... %}  fills the two hidden inputs
 *
 * map_view renders a plain list of the places (always kept: it is the accessible alternative)
 * and the points as a JSON script; this file draws them on a Leaflet map above the list.
 * map_picker renders the hidden inputs; this file lets people click, drag or use the
 * "centre of the map" button to set them, and clear them again. Titles and texts are put in
 * popups as text, never as HTML. Without a tile URL (setting CIVITAS_MAP_TILE_URL) or without
 * Leaflet nothing is drawn; tiles that fail to load leave a grey map whose points still work.
 */
(function () {
  "use strict";
  var L = window.L;
  if (!L) {
    return;
  }

  function numbers(text) {
    return (text || "").split(",").map(Number);
  }

  function baseMap(root) {
    var tileUrl = root.getAttribute("data-tile-url");
    if (!tileUrl || root.getAttribute("data-map-ready")) {
      return null;
    }
    root.setAttribute("data-map-ready", "1");
    var container = document.createElement("div");
    container.className = "civitas-map";
    container.style.height = root.getAttribute("data-height") || "24rem";
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", root.getAttribute("data-label") || "");
    root.insertBefore(container, root.firstChild);
    var box = numbers(root.getAttribute("data-bounds"));
    var cityBounds = box.length === 4 ? L.latLngBounds([box[0], box[1]], [box[2], box[3]]) : null;
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(tileUrl, {
      attribution: root.getAttribute("data-attribution") || "",
      maxZoom: 19,
      // Tile servers such as OpenStreetMap's ask for the site's origin; the page's own policy is same-origin.
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
    if (cityBounds) {
      map.fitBounds(cityBounds);
    } else {
      map.setView([0, 0], 1);
    }
    return { map: map, cityBounds: cityBounds };
  }

  function popupContent(point) {
    var box = document.createElement("div");
    var heading = document.createElement(point.url ? "a" : "strong");
    heading.textContent = point.title || "";
    if (point.url) {
      heading.href = point.url;
    }
    box.appendChild(heading);
    if (point.text) {
      var text = document.createElement("p");
      text.textContent = point.text;
      box.appendChild(text);
    }
    return box;
  }

  function initView(root) {
    var source = document.getElementById(root.getAttribute("data-points"));
    var points = source ? JSON.parse(source.textContent) : [];
    var made = baseMap(root);
    if (!made) {
      return;
    }
    var markers = points
      .filter(function (point) {
        return isFinite(parseFloat(point.lat)) && isFinite(parseFloat(point.lon));
      })
      .map(function (point) {
        var marker = L.marker([parseFloat(point.lat), parseFloat(point.lon)], {
          title: point.title || "",
          alt: point.title || "",
        });
        return marker.bindPopup(popupContent(point)).addTo(made.map);
      });
    if (markers.length) {
      made.map.fitBounds(L.featureGroup(markers).getBounds(), { maxZoom: 16, padding: [24, 24] });
    }
  }

  function button(text) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button button-secondary";
    element.textContent = text;
    return element;
  }

  function initPicker(root) {
    var lat = document.getElementById(root.getAttribute("data-lat-input"));
    var lon = document.getElementById(root.getAttribute("data-lon-input"));
    if (!lat || !lon) {
      return;
    }
    var made = baseMap(root);
    if (!made) {
      return;
    }
    var map = made.map;
    var heading = document.createElement("p");
    heading.className = "map-picker-label";
    heading.textContent = root.getAttribute("data-label") || "";
    root.insertBefore(heading, root.firstChild);
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = "civitas-map-status";
    var actions = document.createElement("p");
    var centre = button(root.getAttribute("data-centre-text"));
    var clear = button(root.getAttribute("data-clear-text"));
    actions.appendChild(centre);
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(clear);
    root.appendChild(actions);
    root.appendChild(status);
    var marker = null;

    function show() {
      clear.hidden = !marker;
      status.textContent = marker
        ? root.getAttribute("data-set-text") + " " + lat.value + ", " + lon.value
        : root.getAttribute("data-empty-text");
    }

    function place(latlng) {
      if (made.cityBounds && !made.cityBounds.contains(latlng)) {
        status.textContent = root.getAttribute("data-outside-text");
        return;
      }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, alt: root.getAttribute("data-label") || "" });
        marker.on("dragend", function () {
          place(marker.getLatLng());
        });
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      show();
    }

    map.on("click", function (event) {
      place(event.latlng);
    });
    centre.addEventListener("click", function () {
      place(map.getCenter());
    });
    clear.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      show();
    });
    var startLat = parseFloat(lat.value);
    var startLon = parseFloat(lon.value);
    if (isFinite(startLat) && isFinite(startLon)) {
      place(L.latLng(startLat, startLon));
      map.setView([startLat, startLon], 16);
    } else {
      show();
    }
  }

  document.querySelectorAll("[data-civitas-map]").forEach(initView);
  document.querySelectorAll("[data-civitas-map-picker]").forEach(initPicker);
})();
