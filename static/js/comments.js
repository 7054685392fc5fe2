/*
 * Replies without leaving the comment: a "Reply" link moves the comment form under that
 * comment, sets its hidden parent field and moves focus into it; "Cancel reply" (or Escape)
 * puts the form back where it was. Without JavaScript the same links load ?replyto=<pk>.
 */
(function () {
    "use strict";

    var section = document.querySelector("[data-comments]");
    var respond = document.getElementById("respond");
    var form = respond && respond.querySelector("form.comment-form");
    if (!section || !form) {
        return;
    }
    var parentInput = form.elements.namedItem("parent");
    var replyingLine = respond.querySelector("[data-replying-to]");
    var replyingName = respond.querySelector("[data-replying-to-name]");
    var cancelLinks = respond.querySelectorAll(".cancel-reply");
    var title = document.getElementById("respond-title");
    var originalTitle = title ? title.textContent : "";
    var home = document.createElement("div");
    var opener = null;

    home.hidden = true;
    respond.parentNode.insertBefore(home, respond);

    function commentName(comment) {
        var name = comment.querySelector(".comment-meta [itemprop=name]");
        return name ? name.textContent.trim() : "this comment";
    }

    function firstField() {
        var fields = form.querySelectorAll("input[type=text]:not([tabindex='-1']), input[type=email], textarea");
        for (var i = 0; i < fields.length; i += 1) {
            if (!fields[i].value) {
                return fields[i];
            }
        }
        return form.elements.namedItem("body");
    }

    function setReplying(comment) {
        var replying = Boolean(comment);
        replyingLine.hidden = !replying;
        cancelLinks.forEach(function (link) {
            link.hidden = !replying;
        });
        respond.classList.toggle("is-inline", replying);
        if (replying) {
            var name = commentName(comment);
            parentInput.value = comment.id.replace("comment-", "");
            replyingName.textContent = name;
            replyingName.setAttribute("href", "#" + comment.id);
            if (title) {
                title.textContent = "Reply to " + name;
            }
        } else {
            parentInput.value = "";
            if (title) {
                title.textContent = originalTitle;
            }
        }
    }

    function moveUnder(comment) {
        var actions = comment.querySelector(":scope > .comment-actions");
        (actions || comment.lastElementChild).after(respond);
        setReplying(comment);
    }

    function cancel() {
        home.after(respond);
        setReplying(null);
        if (opener && document.body.contains(opener)) {
            opener.focus();
        }
        opener = null;
    }

    section.addEventListener("click", function (event) {
        var reply = event.target.closest("a.comment-reply");
        if (reply && section.contains(reply)) {
            var comment = reply.closest("article.comment");
            if (!comment) {
                return;
            }
            event.preventDefault();
            opener = reply;
            moveUnder(comment);
            firstField().focus();
            return;
        }
        var cancelLink = event.target.closest(".cancel-reply");
        if (cancelLink && respond.contains(cancelLink) && respond.classList.contains("is-inline")) {
            event.preventDefault();
            cancel();
        }
    });

    respond.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && respond.classList.contains("is-inline")) {
            event.preventDefault();
            cancel();
        }
    });

    // Arriving with ?replyto= (or after an error in a reply): show the form under its comment.
    if (parentInput.value) {
        var target = document.getElementById("comment-" + parentInput.value);
        if (target) {
            moveUnder(target);
        }
    }
}());
