// Enhancements of idea pages; every page works without them.
(function () {
  "use strict";
  // Share: the link is a plain, selectable field; the button copies it where the clipboard works.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }, function () {
        field.select();
      });
    });
  });

  // Similar ideas while people write a title, so they can support one instead of repeating it.
  // The server answers an escaped HTML fragment; the check step lists them without JavaScript.
  document.querySelectorAll("[data-similar-url]").forEach(function (region) {
    var form = region.closest("form");
    var title = form && form.querySelector("input[name='title']");
    if (!title || !window.fetch || !window.URLSearchParams) return;
    var timer = null;
    var lastQuery = "";
    var controller = null;
    function lookUp() {
      var text = title.value.trim().slice(0, 150);
      if (text.length < 3) {
        lastQuery = "";
        region.innerHTML = "";
        return;
      }
      var query = new URLSearchParams({ challenge: region.getAttribute("data-challenge"), title: text }).toString();
      if (query === lastQuery) return;
      lastQuery = query;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(region.getAttribute("data-similar-url") + "?" + query, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        // A slow answer to an older title must not replace the answer to the newer one.
        if (html !== null && query === lastQuery) region.innerHTML = html;
      }).catch(function () { /* suggestions are a help; the form works without them */ });
    }
    title.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 400);
    });
    if (title.value) lookUp();
  });
})();
