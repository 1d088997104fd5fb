// The back office's map of the queue: the organisation's boundary and one marker per
// request shown (overdue ones in red), each linking to its case page. The table on the
// queue page lists the same requests for anyone not using the map.
(function () {
  "use strict";
  var element = document.getElementById("sr-queue-map");
  var pointsElement = document.getElementById("sr-points");
  var boundaryElement = document.getElementById("sr-boundary");
  if (!element || !pointsElement || typeof L === "undefined") { return; }
  var points = JSON.parse(pointsElement.textContent);
  var boundary = boundaryElement ? JSON.parse(boundaryElement.textContent) : [];
  var map = L.map(element, { attributionControl: false });
  var outline = L.geoJSON({ type: "FeatureCollection", features: boundary }, {
    style: function () { return { color: "#1d70b8", weight: 2, fillOpacity: 0.05 }; }
  }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 7, color: p.overdue ? "#d4351c" : "#1d70b8", fillOpacity: 0.8
    }).addTo(map);
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.label;
    marker.bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); }
  else if (boundary.length) { map.fitBounds(outline.getBounds()); }
  else { map.setView([51.36, -0.19], 11); }
})();
