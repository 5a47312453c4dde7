// Live running totals on the ballot; without JavaScript the "Update the total" button asks
// the server for the same figures.
(function () {
  "use strict";
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }
  // Amounts grouped by thousands as the server writes them (Django's intcomma).
  function grouped(amount, separator) {
    return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  }
  function refresh(pot) {
    var type = pot.getAttribute("data-type");
    var budget = parseInt(pot.getAttribute("data-budget"), 10) || 0;
    var max = parseInt(pot.getAttribute("data-max"), 10) || 0;
    var points = parseInt(pot.getAttribute("data-points"), 10) || 0;
    var count = 0, cost = 0, used = 0;
    pot.querySelectorAll("[data-cost]").forEach(function (input) {
      var value = input.type === "checkbox" ? (input.checked ? 1 : 0) : parseInt(input.value, 10) || 0;
      if (value > 0) { count += 1; cost += parseInt(input.getAttribute("data-cost"), 10) || 0; used += value; }
    });
    var total = pot.querySelector("[data-total]");
    if (!total) { return; }
    var over = (type === "knapsack" && cost > budget) || (max && count > max) ||
      (type === "cumulative" && used > points);
    total.classList.toggle("over", !!over);
    var template = total.getAttribute("data-template-" + type) || total.getAttribute("data-template");
    if (template) {
      var separator = pot.getAttribute("data-thousands") || "";
      total.textContent = format(template, {
        count: count, cost: grouped(cost, separator), budget: grouped(budget, separator),
        used: used, points: points, max: max
      });
    }
  }
  document.querySelectorAll("[data-pot]").forEach(function (pot) {
    pot.addEventListener("change", function () { refresh(pot); });
    pot.addEventListener("input", function () { refresh(pot); });
  });
  document.querySelectorAll("[data-update-button]").forEach(function (button) {
    button.hidden = true;
  });
}());
