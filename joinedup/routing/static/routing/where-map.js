// The map pin page: draws the council boundaries we hold (no tile server, so it works
// offline) and lets the resident drop a pin. Without JavaScript the page offers the
// postcode and council-area forms instead; this only adds the map.
(function () {
  "use strict";
  var element = document.getElementById("routing-map");
  var dataElement = document.getElementById("routing-map-areas");
  if (!element || !dataElement || typeof L === "undefined") { return; }
  var script = document.currentScript;
  var template = (script && script.getAttribute("data-selected")) || "%(lat)s, %(lon)s";
  var features = JSON.parse(dataElement.textContent);
  var map = L.map(element, { attributionControl: false });
  var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
    style: function () { return { color: "#1d70b8", weight: 2, fillOpacity: 0.08 }; },
    onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
  }).addTo(map);
  if (features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([54.0, -2.0], 6); }
  var marker = null;
  var lat = document.getElementById("pin-lat");
  var lon = document.getElementById("pin-lon");
  var status = document.getElementById("pin-status");
  var submit = document.getElementById("pin-submit");
  map.on("click", function (event) {
    var point = event.latlng;
    if (marker) { marker.setLatLng(point); } else { marker = L.marker(point, { keyboard: false }).addTo(map); }
    lat.value = point.lat.toFixed(6);
    lon.value = point.lng.toFixed(6);
    status.textContent = template.replace("%(lat)s", lat.value).replace("%(lon)s", lon.value);
    submit.disabled = false;
    submit.removeAttribute("aria-disabled");
  });
})();
