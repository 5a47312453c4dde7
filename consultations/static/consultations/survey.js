/* Consultations: live conditional questions and export progress. The server decides which
   questions apply; this only hides the ones that do not, as the person answers. */
(function () {
  "use strict";

  function chosen(form, key) {
    var values = [];
    var inputs = form.querySelectorAll("[name='q-" + key + "']");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.disabled) {
        return;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value) {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function update(form) {
    var conditional = form.querySelectorAll("[data-show-if]");
    Array.prototype.forEach.call(conditional, function (block) {
      var source = form.querySelector("[name='q-" + block.dataset.showIf + "']");
      if (!source) {
        return; // the condition is on an earlier page: the server already decided
      }
      var wanted = block.dataset.showValues.split(",");
      var show = chosen(form, block.dataset.showIf).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      block.hidden = !show;
      // Hidden answers are not sent, so the server never sees answers to questions that do not apply.
      Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = !show;
      });
      var note = block.querySelector(".condition-note");
      if (note) {
        note.hidden = true;
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-survey]"), function (form) {
    update(form);
    form.addEventListener("change", function () {
      update(form);
    });
    form.addEventListener("input", function () {
      update(form);
    });
  });

  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    window.setTimeout(function () {
      window.location.reload();
    }, 1000 * parseInt(refresh.dataset.refresh, 10));
  }
})();
