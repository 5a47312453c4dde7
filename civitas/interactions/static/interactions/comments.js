/* "Show more comments" loads the next page of a thread in place; without this file the link
   opens that page. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-comments-more]");
    if (!link || !window.fetch || !window.DOMParser) {
      return;
    }
    var key = link.getAttribute("data-comments-more");
    var list = document.getElementById("comment-list-" + key);
    var more = document.getElementById("comment-more-" + key);
    if (!list || !more) {
      return;
    }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var nextList = page.getElementById("comment-list-" + key);
        if (!nextList) {
          throw new Error("no comments");
        }
        var first = null;
        Array.prototype.forEach.call(nextList.children, function (item) {
          if (!document.getElementById(item.id)) {
            var added = document.importNode(item, true);
            list.appendChild(added);
            first = first || added;
          }
        });
        var nextMore = page.getElementById("comment-more-" + key);
        if (nextMore) {
          more.replaceWith(document.importNode(nextMore, true));
        } else {
          more.remove();
        }
        if (first) {
          // Keyboard and screen reader users continue where the new comments start.
          var article = first.querySelector("article") || first;
          article.setAttribute("tabindex", "-1");
          article.focus();
        }
      })
      .catch(function () {
        // Fall back to opening the next page.
        window.location.href = link.href;
      });
  });
})();
