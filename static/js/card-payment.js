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
  if (form && window.Stripe) {
    var stripe = window.Stripe(form.dataset.publishableKey);
    var card = stripe.elements().create("card", { hidePostalCode: false });
    var container = document.getElementById("card-element");
    var errors = document.getElementById("card-errors");
    card.mount(container);
    labelCardInputs(container);
    var submitting = false;

    form.addEventListener("submit", function (event) {
      var choice = form.querySelector("[name=card_choice]:checked") || form.querySelector("[name=card_choice]");
      if ((choice && choice.value === "saved") || form.querySelector("[name=setup_intent_id]").value) {
        return; // paying with the saved card, or the new card is already saved: let the form post
      }
      event.preventDefault();
      if (submitting) {
        return;
      }
      submitting = true;
      errors.textContent = "";
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      stripe
        .confirmCardSetup(form.dataset.setupSecret, {
          payment_method: { card: card, billing_details: { name: form.dataset.name } },
        })
        .then(function (result) {
          if (result.error) {
            var reason = (result.error.message || "Your card could not be saved.").trim();
            errors.textContent = reason + (/[.!?]$/.test(reason) ? "" : ".") + " Check the details and try again.";
            button.disabled = false;
            submitting = false;
            return;
          }
          form.querySelector("[name=setup_intent_id]").value = result.setupIntent.id;
          form.submit();
        });
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
