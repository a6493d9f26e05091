// The page behaviours that used to be inline handlers, so the Content-Security-Policy can forbid inline script:
//   data-autosubmit  on a select: submit its form when the choice changes (year pickers, language);
//   data-confirm     on a form: ask before submitting (the message is the attribute's value);
//   data-print       on a button: print the page;
//   data-select-all  on a checkbox: tick or untick every box named by its value (a list's bulk selection).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.submit();
    }
    if (field.matches && field.matches("input[data-select-all]")) {
      var boxes = document.querySelectorAll('input[type=checkbox][name="' + field.getAttribute("data-select-all") + '"]');
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = field.checked;
      }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      window.print();
    }
  });
})();
