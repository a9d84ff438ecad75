// A wide table may scroll sideways in its own box on a phone (WCAG 1.4.10 allows it), but a box
// that scrolls must be reachable by the keyboard and named (axe: scrollable-region-focusable).
// Each .table-wrap that overflows gets tabindex="0", role="region" and a name (its table's
// caption, else the heading of its section, else the page's title); one that no longer
// overflows (a wider window) loses what this script gave it. Boxes marked in the template stay.
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = box.closest("section, .card");
    var heading = section && section.querySelector("h1, h2, h3");
    if (heading && heading.textContent.trim()) return heading.textContent.trim();
    var title = document.querySelector("h1");
    return (title && title.textContent.trim()) || document.title;
  }

  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      var ours = box.dataset.scrollBox === "1";
      if (!ours && box.hasAttribute("tabindex")) return; // marked in the template
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !ours) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
        box.dataset.scrollBox = "1";
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollBox;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 150);
  });
})();
