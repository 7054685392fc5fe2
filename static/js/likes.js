/* Likes without leaving the page: the Like form (templates/jinja2/comments/comment.html)
   posts by itself without JavaScript and comes back to the comment; with it, the count is
   updated in place. */
(function () {
    "use strict";

    function label(count) {
        return count + (count === 1 ? " like" : " likes");
    }

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!form.matches || !form.matches("form[data-like]") || !window.fetch) {
            return;
        }
        event.preventDefault();
        var button = form.querySelector("button");
        var count = form.querySelector("[data-like-count]");
        button.disabled = true;
        fetch(form.action, {
            method: "POST",
            credentials: "same-origin",
            headers: { Accept: "application/json" },
        })
            .then(function (response) {
                return response.json().then(function (data) {
                    return { ok: response.ok, data: data };
                });
            })
            .then(function (result) {
                if (result.ok) {
                    count.textContent = label(result.data.likes);
                    button.setAttribute("aria-pressed", "true");
                } else {
                    count.textContent = result.data.error || count.textContent;
                    button.disabled = false;
                }
            })
            .catch(function () {
                form.submit();
            });
    });
})();
