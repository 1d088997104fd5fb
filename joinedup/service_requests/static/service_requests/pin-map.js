// The report page's map: draws the council boundaries we hold (no tile server, so it
// works without outside services) and lets the resident drop a pin. Without
// JavaScript the postcode form is the way in; this only adds the map.
(function () {
  "use strict";
  var element = document.getElementById("sr-map");
  var dataElement = document.getElementById("sr-map-areas");
  if (!element || !dataElement || typeof L === "undefined") { return; }
  var script = document.currentScript;
  var template = (script && script.getAttribute("data-selected")) || "%(lat)s, %(lon)s";
  var features = JSON.parse(dataElement.textContent);
  var map = L.map(element, { attributionControl: false });
  var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
    style: function () { return { color: "#1d70b8", weight: 2, fillOpacity: 0.08 }; },
    onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
  }).addTo(map);
  if (features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([51.36, -0.19], 11); }
  var marker = null;
  var lat = document.getElementById("pin-lat");
  var lon = document.getElementById("pin-lon");
  var status = document.getElementById("pin-status");
  var submit = document.getElementById("pin-submit");
  map.on("click", function (event) {
    var point = event.latlng;
    if (marker) { marker.setLatLng(point); } else { marker = L.circleMarker(point, { radius: 8, color: "#d4351c" }).addTo(map); }
    lat.value = point.lat.toFixed(6);
    lon.value = point.lng.toFixed(6);
    status.textContent = template.replace("%(lat)s", lat.value).replace("%(lon)s", lon.value);
    submit.disabled = false;
    submit.removeAttribute("aria-disabled");
  });
})();
