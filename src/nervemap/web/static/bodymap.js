// Body map: click, tap, Enter or Space on an area marks it with the chosen kind (again to clear).
// One area can hold several kinds (pain and numbness). The form posts the list of places (a
// checkbox per kind), which stays in step with the drawing (and works without JS).
// Each drawing is one tab stop: the arrow keys move to the nearest area in that direction, Home and
// End to the first and last. "Make one part bigger" opens an enlarged view of a part of one leg
// (every area at least 48 CSS px); on a touch screen a tap on the small drawing opens it.
(function () {
  "use strict";
  var KINDS = ["pain", "tingling", "numbness", "reduced", "absent", "increased", "normal"];
  function setup(root) {
    var form = root.closest("form");
    var summary = root.querySelector("[data-marked]");
    var panel = root.querySelector("[data-zoom-panel]");
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    function tool() {
      var checked = root.querySelector("input[name=tool]:checked");
      return checked ? checked.value : "pain";
    }
    function boxes(key) { return root.querySelectorAll('input[type=checkbox][data-key="' + key + '"]'); }
    function kindsOf(key) {
      var kinds = [];
      boxes(key).forEach(function (box) { if (box.checked) { kinds.push(box.value); } });
      return kinds;
    }
    function paint(key) {
      var kinds = kindsOf(key);
      root.querySelectorAll('polygon.region[data-key="' + key + '"]').forEach(function (shape) {
        KINDS.forEach(function (kind) { shape.classList.remove("mark-" + kind); });
        kinds.forEach(function (kind) { shape.classList.add("mark-" + kind); });
        shape.setAttribute("aria-checked", kinds.length ? "true" : "false");
        var name = shape.querySelector("title").textContent;
        shape.setAttribute("aria-label", kinds.length ? name + ": " + kinds.join(", ") : name);
      });
      root.querySelectorAll('polygon[data-overlay="' + key + '"]').forEach(function (overlay) {
        var kind = overlay.getAttribute("data-kind");
        overlay.setAttribute("fill", kinds.indexOf(kind) >= 0 ? "url(#pat-" + kind + ")" : "none");
      });
    }
    function describe() {
      var marked = [];
      root.querySelectorAll("fieldset.region-choice").forEach(function (group) {
        var kinds = kindsOf(group.getAttribute("data-key"));
        if (kinds.length) { marked.push(group.querySelector("legend").textContent.trim() + " (" + kinds.join(", ") + ")"); }
      });
      summary.textContent = marked.length ? "Marked: " + marked.join(", ") : "Nothing marked yet.";
    }
    function toggle(shape) {
      var key = shape.getAttribute("data-key");
      var box = root.querySelector('input[type=checkbox][data-key="' + key + '"][value="' + tool() + '"]');
      if (!box) { return; }
      box.checked = !box.checked;
      paint(key);
      describe();
    }
    // ---- the enlarged views
    function openZoom(part, view, focusArea) {
      if (!panel) { return false; }
      var target = panel.querySelector('[data-zoom="' + part + '"][data-view="' + view + '"]');
      if (!target) { return false; }
      panel.querySelectorAll("[data-zoom]").forEach(function (zoom) { zoom.hidden = zoom !== target; });
      panel.querySelectorAll(".zoom-buttons [data-zoom-open]").forEach(function (button) {
        button.setAttribute("aria-expanded", button.getAttribute("data-zoom-open") === part ? "true" : "false");
      });
      target.scrollIntoView({ block: "start" });
      var first = focusArea || target.querySelector('polygon.region[tabindex="0"]');
      if (first) { first.focus({ preventScroll: true }); }
      return true;
    }
    function closeZoom() {
      var open = panel.querySelector("[data-zoom]:not([hidden])");
      panel.querySelectorAll("[data-zoom]").forEach(function (zoom) { zoom.hidden = true; });
      panel.querySelectorAll("[data-zoom-open]").forEach(function (button) { button.setAttribute("aria-expanded", "false"); });
      var part = open ? open.getAttribute("data-zoom") : null;
      var button = part ? panel.querySelector('.zoom-buttons [data-zoom-open="' + part + '"]') : null;
      if (button) { button.focus(); }
    }
    function zoomFor(shape) {
      var key = shape.getAttribute("data-key");
      var view = shape.getAttribute("data-view");
      var copy = panel && panel.querySelector('[data-view="' + view + '"] polygon.region[data-key="' + key + '"]');
      return copy ? copy.closest("[data-zoom]") : null;
    }
    if (panel) {
      panel.hidden = false;
      panel.querySelectorAll("[data-zoom-open]").forEach(function (button) {
        button.addEventListener("click", function () {
          openZoom(button.getAttribute("data-zoom-open"), button.getAttribute("data-zoom-view"));
        });
      });
      panel.querySelectorAll("[data-zoom-close]").forEach(function (button) {
        button.addEventListener("click", closeZoom);
      });
    }
    // ---- one tab stop per drawing, arrows between areas
    function centre(shape) {
      var box = shape.getBBox();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    function nearest(shapes, from, dx, dy) {
      var a = centre(from), best = null, bestCost = Infinity;
      shapes.forEach(function (shape) {
        if (shape === from) { return; }
        var b = centre(shape), ex = b.x - a.x, ey = b.y - a.y;
        var along = ex * dx + ey * dy, across = Math.abs(ex * dy) + Math.abs(ey * dx);
        if (along <= 0.5) { return; }
        var cost = along + 2 * across;
        if (cost < bestCost) { bestCost = cost; best = shape; }
      });
      return best;
    }
    function move(from, to) {
      if (!to) { return; }
      from.setAttribute("tabindex", "-1");
      to.setAttribute("tabindex", "0");
      to.focus();
    }
    var MOVES = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    // the focus ring is drawn last, over the neighbouring areas (black under the site's yellow)
    function ring(svg) {
      var made = [];
      ["focus-ring-outer", "focus-ring-inner"].forEach(function (name) {
        var line = document.createElementNS("http://www.w3.org/2000/svg", "polygon");
        line.setAttribute("class", "focus-ring " + name);
        line.setAttribute("aria-hidden", "true");
        svg.appendChild(line);
        made.push(line);
      });
      return made;
    }
    root.querySelectorAll("svg[role=group]").forEach(function (svg) {
      var shapes = Array.prototype.slice.call(svg.querySelectorAll("polygon.region"));
      var rings = ring(svg);
      shapes.forEach(function (shape) {
        shape.addEventListener("focus", function () {
          rings.forEach(function (line) { line.setAttribute("points", shape.getAttribute("points")); line.classList.add("on"); });
        });
        shape.addEventListener("blur", function () {
          rings.forEach(function (line) { line.classList.remove("on"); });
        });
      });
      shapes.forEach(function (shape) {
        shape.addEventListener("click", function () {
          var zoom = coarse && !shape.closest("[data-zoom]") ? zoomFor(shape) : null;
          if (zoom) {
            var copy = zoom.querySelector('polygon.region[data-key="' + shape.getAttribute("data-key") + '"]');
            openZoom(zoom.getAttribute("data-zoom"), zoom.getAttribute("data-view"), copy);
          } else {
            toggle(shape);
          }
        });
        shape.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(shape); return; }
          if (event.key === "Escape" && shape.closest("[data-zoom]")) { event.preventDefault(); closeZoom(); return; }
          var step = MOVES[event.key];
          if (step) { event.preventDefault(); move(shape, nearest(shapes, shape, step[0], step[1])); return; }
          if (event.key === "Home") { event.preventDefault(); move(shape, shapes[0]); }
          if (event.key === "End") { event.preventDefault(); move(shape, shapes[shapes.length - 1]); }
        });
        shape.addEventListener("focus", function () {
          shapes.forEach(function (other) { other.setAttribute("tabindex", other === shape ? "0" : "-1"); });
        });
      });
    });
    root.querySelectorAll("input[type=checkbox][data-key]").forEach(function (box) {
      box.addEventListener("change", function () { paint(box.getAttribute("data-key")); describe(); });
    });
    if (form) { form.setAttribute("data-ready", "true"); }
  }
  document.querySelectorAll("[data-bodymap]").forEach(setup);
})();
