// While an export waits or runs, the list of exports is fetched again every few seconds and
// replaced, so progress and the download link appear without a reload. Without scripts the page
// says to reload it.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var status = document.querySelector("[data-exports-status]");

  function refresh() {
    var list = document.querySelector("[data-exports-list]");
    if (!list || !list.hasAttribute("data-poll")) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (reply) { return reply.ok ? reply.text() : Promise.reject(reply.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-exports-list]");
        if (!fresh) { return; }
        list.replaceWith(fresh);
        if (fresh.hasAttribute("data-poll")) {
          window.setTimeout(refresh, POLL_MS);
        } else if (status) {
          status.textContent = status.getAttribute("data-done-text") || "";
        }
      })
      .catch(function () { window.setTimeout(refresh, POLL_MS * 5); });
  }

  window.setTimeout(refresh, POLL_MS);
})();
