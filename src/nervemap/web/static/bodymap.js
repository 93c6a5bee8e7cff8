// Body map: click, tap, Enter or Space on an area marks it with the chosen kind (again to clear).
// The form posts the <select> list, which stays in step with the drawing (and works without JS).
(function () {
  "use strict";
  function setup(root) {
    var form = root.closest("form");
    var summary = root.querySelector("[data-marked]");
    function tool() {
      var checked = root.querySelector("input[name=tool]:checked");
      return checked ? checked.value : "pain";
    }
    function selectFor(key) { return root.querySelector('select[data-key="' + key + '"]'); }
    function paint(key) {
      var select = selectFor(key);
      var value = select ? select.value : "";
      root.querySelectorAll('polygon.region[data-key="' + key + '"]').forEach(function (shape) {
        shape.classList.remove("mark-pain", "mark-tingling", "mark-numbness", "mark-reduced", "mark-absent", "mark-increased", "mark-normal");
        if (value) { shape.classList.add("mark-" + value); }
        shape.setAttribute("aria-checked", value ? "true" : "false");
        var name = shape.querySelector("title").textContent;
        shape.setAttribute("aria-label", value ? name + ": " + value : name);
      });
      root.querySelectorAll('polygon[data-overlay="' + key + '"]').forEach(function (overlay) {
        overlay.setAttribute("fill", value ? "url(#pat-" + value + ")" : "none");
      });
    }
    function describe() {
      var marked = [];
      root.querySelectorAll("select[data-key]").forEach(function (select) {
        if (select.value) { marked.push(select.parentElement.firstChild.textContent.trim() + " (" + select.value + ")"); }
      });
      summary.textContent = marked.length ? "Marked: " + marked.join(", ") : "Nothing marked yet.";
    }
    function toggle(shape) {
      var key = shape.getAttribute("data-key");
      var select = selectFor(key);
      if (!select) { return; }
      select.value = select.value === tool() ? "" : tool();
      paint(key);
      describe();
    }
    root.querySelectorAll("polygon.region").forEach(function (shape) {
      shape.addEventListener("click", function () { toggle(shape); });
      shape.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(shape); }
      });
    });
    root.querySelectorAll("select[data-key]").forEach(function (select) {
      select.addEventListener("change", function () { paint(select.getAttribute("data-key")); describe(); });
    });
    if (form) { form.setAttribute("data-ready", "true"); }
  }
  document.querySelectorAll("[data-bodymap]").forEach(setup);
})();
