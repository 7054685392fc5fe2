/* Click-to-load videos (blog/markup.py draws the facade). Until a reader clicks, the page
   makes no request to YouTube or Vimeo; without JavaScript the link opens the video on the
   provider's site. */
(function () {
    "use strict";
    var PLAYERS = ["https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/"];

    function allowed(src) {
        return PLAYERS.some(function (prefix) {
            return src.indexOf(prefix) === 0;
        });
    }

    function play(figure) {
        var src = figure.getAttribute("data-video-player") || "";
        if (!allowed(src)) {
            return false;
        }
        var frame = document.createElement("iframe");
        frame.src = src;
        frame.title = figure.getAttribute("data-video-title") || "Video";
        frame.width = "560";
        frame.height = "315";
        frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
        frame.setAttribute("allowfullscreen", "");
        frame.referrerPolicy = "strict-origin-when-cross-origin";
        frame.setAttribute(
            "sandbox",
            "allow-scripts allow-same-origin allow-presentation allow-popups " +
                "allow-popups-to-escape-sandbox"
        );
        var link = figure.querySelector(".video-facade-link");
        figure.replaceChild(frame, link);
        figure.classList.add("video-playing");
        frame.focus();
        return true;
    }

    document.addEventListener("click", function (event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
                event.shiftKey || event.altKey) {
            return;
        }
        var link = event.target.closest && event.target.closest(".video-facade-link");
        var figure = link && link.closest(".video-facade");
        if (figure && play(figure)) {
            event.preventDefault();
        }
    });
})();
