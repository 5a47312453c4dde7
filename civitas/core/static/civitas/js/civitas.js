/* Civitas progressive enhancement. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen reader and keyboard users start where the problem is.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A summary link focuses its field and scrolls the field's label (or legend) into view,
  // which a plain fragment jump would hide above the top of the screen.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) {
      return;
    }
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']");
    event.preventDefault();
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
