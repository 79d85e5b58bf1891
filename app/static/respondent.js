// Progressive enhancement for respondent pages: the pages work without it.
// Shows and hides questions whose condition depends on an answer on the same page, and clears
// the other choices when an exclusive option ("prefer not to say") is chosen.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-page]");
  if (!form) { return; }

  function answers() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit") { return; }
      if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) { values[field.name].push(field.value); }
      } else if (field.type === "radio") {
        if (field.checked) { values[field.name] = field.value; }
      } else if (field.value.trim() !== "") {
        values[field.name] = isNaN(Number(field.value)) ? field.value : Number(field.value);
      }
    });
    return values;
  }

  function holds(condition, values) {
    if (condition.all) { return condition.all.every(function (c) { return holds(c, values); }); }
    if (condition.any) { return condition.any.some(function (c) { return holds(c, values); }); }
    if (condition.not) { return !holds(condition.not, values); }
    var value = values[condition.question];
    var answered = value !== undefined && !(Array.isArray(value) && value.length === 0);
    if ("answered" in condition) { return answered === condition.answered; }
    if (!answered) { return false; }
    if ("equals" in condition) { return value === condition.equals; }
    if ("not_equals" in condition) { return value !== condition.not_equals; }
    if ("in" in condition) { return condition["in"].indexOf(value) !== -1; }
    if ("includes" in condition) { return Array.isArray(value) && value.indexOf(condition.includes) !== -1; }
    if ("gt" in condition) { return value > condition.gt; }
    if ("gte" in condition) { return value >= condition.gte; }
    if ("lt" in condition) { return value < condition.lt; }
    if ("lte" in condition) { return value <= condition.lte; }
    return true;
  }

  var dependents = form.querySelectorAll("[data-show-if]");

  function update() {
    var values = answers();
    Array.prototype.forEach.call(dependents, function (block) {
      block.hidden = !holds(JSON.parse(block.getAttribute("data-show-if")), values);
    });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "checkbox" && target.checked) {
      var group = form.querySelectorAll("input[type=checkbox][name='" + target.name + "']");
      Array.prototype.forEach.call(group, function (other) {
        if (other !== target && (target.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
          other.checked = false;
        }
      });
    }
    update();
  });
  form.addEventListener("input", update);
  document.documentElement.classList.add("js");
  update();
}());
