/* Nothing typed is lost (issue 20): a form marked data-draft="key" keeps what is typed in the
 * browser (localStorage) until the page after a successful save says data-draft-clear="key".
 * If the session ran out meanwhile, the user logs in again, comes back to the form and finds
 * the text restored, with a note saying so. Files are never kept (a browser cannot). */
(function () {
  "use strict";
  var PREFIX = "draft:";
  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var s = store();
  if (!s) { return; }
  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    s.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
  });
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.name !== "csrfmiddlewaretoken" && el.name !== "version" &&
        ["hidden", "file", "submit", "button", "checkbox", "radio"].indexOf(el.type) < 0;
    });
  }
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = PREFIX + form.getAttribute("data-draft");
    var saved = null;
    try { saved = JSON.parse(s.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.values) {
      var changed = false;
      fields(form).forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(saved.values, el.name) && el.value !== saved.values[el.name]) {
          el.value = saved.values[el.name];
          changed = true;
        }
      });
      var note = form.querySelector("[data-draft-note]");
      if (changed && note) { note.hidden = false; }
    }
    form.addEventListener("input", function () {
      var values = {};
      fields(form).forEach(function (el) { values[el.name] = el.value; });
      s.setItem(key, JSON.stringify({ at: Date.now(), values: values }));
    });
    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        s.removeItem(key);
        window.location.reload();
      });
    }
  });
})();
