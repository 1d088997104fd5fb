// The pin map: a Leaflet map on which a resident marks a place, shared by every page
// that asks "where?" (the front door's routing/where.html, the report page
// service_requests/map.html).
//
// It draws the areas we hold (council boundaries, as GeoJSON from our own database:
// no tile server, so nothing is fetched from outside) and lets the resident put a pin
// down: by clicking or tapping the map, or from the keyboard (the map takes focus;
// arrow keys move it, + and - zoom, Enter or Space puts the pin at its centre, which
// a crosshair marks while the map has focus). The pin's latitude and longitude go into
// two hidden inputs of a form, whose submit button is enabled once there is a pin; a
// status line (aria-live) says where the pin is.
//
// Without JavaScript, or if Leaflet did not load, the map stays hidden and the page's
// other forms (a postcode, a council area) are the way in: the map's wrapper is hidden
// by core/maps.css until this script marks it ready.
//
// Markup (ids are the page's choice; every data- attribute is on the map element):
//
//   <link rel="stylesheet" href="{% static 'leaflet/leaflet.css' %}">
//   <link rel="stylesheet" href="{% static 'core/maps.css' %}">
//   <div class="joinedup-map-wrapper">
//     <p id="map-hint">…how to use the map…</p>
//     <div id="some-map" class="joinedup-map" role="application" aria-label="…"
//          aria-describedby="map-hint"
//          data-pin-map
//          data-areas="some-map-areas"      the json_script element with the features
//          data-lat="pin-lat" data-lon="pin-lon"   the hidden inputs the pin fills
//          data-status="pin-status"         the element told where the pin is
//          data-submit="pin-submit"         the button enabled by a pin
//          data-selected="Place selected: latitude %(lat)s, longitude %(lon)s."></div>
//     <form …>
//       <input type="hidden" name="lat" id="pin-lat" value="">
//       <input type="hidden" name="lon" id="pin-lon" value="">
//       <p id="pin-status" aria-live="polite">No place selected yet.</p>
//       <button type="submit" id="pin-submit" disabled aria-disabled="true">…</button>
//     </form>
//   </div>
//   {{ map_areas|json_script:"some-map-areas" }}
//   <script src="{% static 'leaflet/leaflet.js' %}"></script>
//   <script src="{% static 'core/pin-map.js' %}"></script>
//
// The features are [{type: "Feature", geometry: …, properties: {name: "…"}}, …]
// (routing.selectors.map_areas_for). The view fits them; with none it shows Great
// Britain. The pin is a circle marker (drawn as SVG, so it needs no image files).
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var AREA_STYLE = { color: "#1d70b8", weight: 2, fillOpacity: 0.08 };
  var PIN_STYLE = { radius: 8, color: "#d4351c", weight: 3, fillOpacity: 0.4 };
  var FALLBACK_CENTRE = [54.0, -2.0];
  var FALLBACK_ZOOM = 6;

  function byId(id) { return id ? document.getElementById(id) : null; }

  function setUp(element) {
    var data = element.dataset;
    var areasElement = byId(data.areas);
    var lat = byId(data.lat);
    var lon = byId(data.lon);
    var status = byId(data.status);
    var submit = byId(data.submit);
    if (!lat || !lon) { return; }
    var template = data.selected || "%(lat)s, %(lon)s";
    var features = areasElement ? JSON.parse(areasElement.textContent) : [];

    // Shown before Leaflet measures the element, so the view fits its real size.
    var wrapper = element.closest(".joinedup-map-wrapper");
    if (wrapper) { wrapper.classList.add("joinedup-map-wrapper--ready"); }

    var map = L.map(element, { attributionControl: false });
    var areas = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function () { return AREA_STYLE; },
      onEachFeature: function (feature, shape) {
        if (feature.properties && feature.properties.name) {
          shape.bindTooltip(feature.properties.name);
        }
      }
    }).addTo(map);
    if (features.length) { map.fitBounds(areas.getBounds()); }
    else { map.setView(FALLBACK_CENTRE, FALLBACK_ZOOM); }

    var pin = null;
    function putPin(point) {
      if (pin) { pin.setLatLng(point); } else { pin = L.circleMarker(point, PIN_STYLE).addTo(map); }
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      if (status) {
        status.textContent = template.replace("%(lat)s", lat.value).replace("%(lon)s", lon.value);
      }
      if (submit) {
        submit.disabled = false;
        submit.removeAttribute("aria-disabled");
      }
    }

    map.on("click", function (event) { putPin(event.latlng); });
    // Leaflet's own keyboard handling moves and zooms the map; this adds the pin. Only
    // when the map itself has focus, so Enter on its zoom buttons still presses them.
    element.addEventListener("keydown", function (event) {
      if (event.target !== element || event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        putPin(map.getCenter());
      }
    });
  }

  var maps = document.querySelectorAll("[data-pin-map]");
  for (var i = 0; i < maps.length; i++) { setUp(maps[i]); }
})();
