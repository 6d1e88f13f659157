// The card field of a payment page: Stripe.js saves the card through a SetupIntent,
// then the form posts the SetupIntent's id and the server charges the saved card.
// On a page that needs the cardholder's bank to confirm, Stripe.js runs that check.
(function () {
  "use strict";

  function labelCardInputs(container) {
    // Stripe's own field lives in an iframe that labels itself; a local test double
    // renders plain inputs, which we label so the page stays accessible either way.
    var names = { number: "Card number", exp_month: "Expiry month (MM)", exp_year: "Expiry year (YY)", cvc: "Security code", postal_code: "Postcode" };
    container.querySelectorAll("input").forEach(function (input) {
      var name = input.getAttribute("placeholder");
      if (names[name] && !input.getAttribute("aria-label")) {
        input.setAttribute("aria-label", names[name]);
        input.setAttribute("autocomplete", name === "postal_code" ? "postal-code" : "off");
      }
    });
  }

  var form = document.querySelector("[data-card-form]");
  var problem = document.querySelector("[data-error-summary]");
  if (form && problem) {
    // A refused payment comes back as this page with the reason above the form. Focus it, so
    // it is what a screen reader reads and what the person sees first, not the page's top.
    problem.focus();
  }
  var EMPTY_CARD = "Enter your card details: card number, expiry date, security code and postcode.";
  var FAILED_CHECK =
    "Your bank did not confirm the card, so it was not saved and nothing was charged. " +
    "Try again and complete your bank's check when it appears, or use another card.";
  var NOT_SAVED = "Your card could not be saved and nothing was charged. Check the details and try again, or use another card.";

  function plainReason(error) {
    // Stripe's card and validation messages are written for the cardholder ("Your card number is incomplete.");
    // anything else (a failed bank check, a network or script error) gets our words and what to do next.
    var code = (error && error.code) || "";
    var message = ((error && error.message) || "").trim();
    if (/authentication/i.test(code) || /authenticat/i.test(message)) {
      return FAILED_CHECK;
    }
    if (error && (error.type === "card_error" || error.type === "validation_error") && message) {
      return message + (/[.!?]$/.test(message) ? "" : ".") + " Check the details and try again.";
    }
    return NOT_SAVED;
  }

  if (form && window.Stripe) {
    var stripe = window.Stripe(form.dataset.publishableKey);
    var card = stripe.elements().create("card", { hidePostalCode: false });
    var container = document.getElementById("card-element");
    var errors = document.getElementById("card-errors");
    card.mount(container);
    labelCardInputs(container);
    var submitting = false;
    // Stripe's field reports whether it is empty with each change; a field that has never changed is empty.
    var cardEmpty = true;

    function showCardProblem(message) {
      errors.textContent = message;
      container.classList.toggle("is-invalid", Boolean(message));
      container.setAttribute("aria-invalid", message ? "true" : "false");
    }

    card.on("change", function (event) {
      if (event && typeof event.empty === "boolean") {
        cardEmpty = event.empty;
      } else {
        // A local test double sends no details: look at its inputs.
        cardEmpty = !Array.prototype.some.call(container.querySelectorAll("input"), function (input) {
          return input.value.trim() !== "";
        });
      }
      if (!cardEmpty && errors.textContent === EMPTY_CARD) {
        showCardProblem("");
      }
    });

    form.addEventListener("submit", function (event) {
      var choice = form.querySelector("[name=card_choice]:checked") || form.querySelector("[name=card_choice]");
      if ((choice && choice.value === "saved") || form.querySelector("[name=setup_intent_id]").value) {
        return; // paying with the saved card, or the new card is already saved: let the form post
      }
      event.preventDefault();
      if (submitting) {
        return;
      }
      if (cardEmpty) {
        showCardProblem(EMPTY_CARD);
        var first = container.querySelector("input");
        if (first) {
          first.focus();
        } else if (card.focus) {
          card.focus();
        }
        return;
      }
      submitting = true;
      showCardProblem("");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;

      function refused(error) {
        showCardProblem(plainReason(error));
        button.disabled = false;
        submitting = false;
      }

      stripe
        .confirmCardSetup(form.dataset.setupSecret, {
          payment_method: { card: card, billing_details: { name: form.dataset.name } },
        })
        .then(function (result) {
          if (result.error) {
            refused(result.error);
            return;
          }
          form.querySelector("[name=setup_intent_id]").value = result.setupIntent.id;
          form.submit();
        }, refused);
    });
  }

  var check = document.querySelector("[data-authenticate]");
  if (check && window.Stripe) {
    var stripeForCheck = window.Stripe(check.dataset.publishableKey);
    stripeForCheck.confirmCardPayment(check.dataset.clientSecret).then(function () {
      // Whatever the browser was told, the server reads the payment's state from Stripe.
      window.location.assign(check.dataset.doneUrl);
    });
  }
})();
