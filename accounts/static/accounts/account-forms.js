/* Progressive enhancement for the account forms (the server decides):
 * - ticks the password checklist while the person types, with the same
 *   rules as accounts/validators.py (Unicode categories);
 * - counts down the wait before "Send a new code" and then enables it. */
(function () {
  "use strict";
  var RULES = {
    length: function (p, min) { return Array.from(p).length >= min; },
    blank: function (p) { return !/[\s\p{Z}\p{Cc}\p{Cf}]/u.test(p); },
    upper: function (p) { return /[\p{Lu}\p{Lt}]/u.test(p); },
    lower: function (p) { return /\p{Ll}/u.test(p); },
    digit: function (p) { return /\p{Nd}/u.test(p); },
    symbol: function (p) { return /[\p{P}\p{S}]/u.test(p); }
  };

  document.querySelectorAll("[data-password-rules-for]").forEach(function (box) {
    var input = document.getElementById(box.dataset.passwordRulesFor);
    var min = parseInt(box.dataset.minLength, 10);
    if (!input) { return; }
    function update() {
      box.querySelectorAll("li[data-rule]").forEach(function (item) {
        var check = RULES[item.dataset.rule];
        if (!check) { return; }
        var met = check(input.value, min);
        item.classList.toggle("met", met && input.value.length > 0);
        item.classList.toggle("unmet", !met && input.value.length > 0);
      });
    }
    input.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("form[data-resend-wait]").forEach(function (form) {
    var left = parseInt(form.dataset.resendWait, 10) || 0;
    var button = form.querySelector("button[type=submit]");
    var note = form.querySelector(".resend-wait");
    var counter = form.querySelector("[data-countdown]");
    if (!left) { return; }
    var timer = setInterval(function () {
      left -= 1;
      if (counter) { counter.textContent = String(left); }
      if (left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        if (note) { note.hidden = true; }
      }
    }, 1000);
  });
})();
