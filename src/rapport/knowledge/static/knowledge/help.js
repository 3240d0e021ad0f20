// The help center's vote form: answered in place, without leaving the article.
// Without JavaScript the same form posts and the page comes back with the thanks.
(function () {
  "use strict";

  function submitVote(event) {
    var form = event.target.closest("form[data-help-vote]");
    if (!form || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Help-Fragment": "feedback" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      var box = document.getElementById("feedback");
      var holder = document.createElement("div");
      holder.innerHTML = html;  // our own server's template for this box
      var fresh = holder.querySelector("#feedback");
      if (box && fresh) {
        box.replaceWith(fresh);
        var thanks = fresh.querySelector(".help-thanks");
        if (thanks) thanks.setAttribute("tabindex", "-1");
        if (thanks) thanks.focus();
      }
    }).catch(function () {
      // Let the page do it the plain way; submit() alone would lose the button's value.
      if (event.submitter && event.submitter.name) {
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = event.submitter.name;
        chosen.value = event.submitter.value;
        form.appendChild(chosen);
      }
      form.submit();
    });
  }

  document.addEventListener("submit", submitVote);
})();
