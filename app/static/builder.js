// Progressive enhancement for the survey builder: drag questions to reorder them. Without it the
// Up and Down buttons do the same, one step at a time; the server checks every new order.
(function () {
  "use strict";
  var builder = document.querySelector("[data-reorder-url]");
  if (!builder) { return; }
  var token = document.querySelector("input[name=csrf_token]");
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "visually-hidden";
  builder.prepend(status);
  var dragged = null;

  function layout() {
    var order = {};
    builder.querySelectorAll("[data-page-list]").forEach(function (list) {
      order[list.getAttribute("data-page-list")] = Array.prototype.map.call(
        list.querySelectorAll("[data-question]"),
        function (item) { return item.getAttribute("data-question"); }
      );
    });
    return order;
  }

  function save(before) {
    fetch(builder.getAttribute("data-reorder-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(layout())
    }).then(function (reply) {
      return reply.json().then(function (body) {
        if (reply.ok) {
          status.textContent = builder.getAttribute("data-saved-text") || "";
        } else {
          before.parent.insertBefore(dragged, before.next);
          window.alert(body.error || "");
        }
      });
    });
  }

  builder.querySelectorAll("[data-movable]").forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("dragging");
    });
    item.addEventListener("dragend", function () { item.classList.remove("dragging"); });
  });

  builder.querySelectorAll("[data-page-list]").forEach(function (list) {
    list.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) { return; }
      var before = { parent: dragged.parentNode, next: dragged.nextSibling };
      var target = event.target.closest("[data-question]");
      if (target && target !== dragged) {
        var box = target.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? target.nextSibling : target);
      } else if (!target) {
        list.appendChild(dragged);
      }
      save(before);
    });
  });
}());
