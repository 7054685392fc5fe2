/* The reader's theme: the system's (prefers-color-scheme, static/css/site.css) until the
   reader presses the header's toggle; the choice is remembered in localStorage. Loaded in
   <head> so a remembered choice applies before the first paint. */
(function () {
    "use strict";
    var KEY = "threadline-theme";
    var root = document.documentElement;
    var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

    function stored() {
        try {
            var value = window.localStorage.getItem(KEY);
            return value === "dark" || value === "light" ? value : null;
        } catch (error) {
            return null; // storage refused (privacy settings): follow the system
        }
    }

    function isDark() {
        var chosen = root.getAttribute("data-theme");
        if (chosen) {
            return chosen === "dark";
        }
        return Boolean(system && system.matches);
    }

    var initial = stored();
    if (initial) {
        root.setAttribute("data-theme", initial);
    }

    function sync(button) {
        button.setAttribute("aria-pressed", isDark() ? "true" : "false");
    }

    document.addEventListener("DOMContentLoaded", function () {
        var button = document.querySelector("[data-theme-toggle]");
        if (!button) {
            return;
        }
        button.hidden = false;
        sync(button);
        button.addEventListener("click", function () {
            var next = isDark() ? "light" : "dark";
            root.setAttribute("data-theme", next);
            try {
                window.localStorage.setItem(KEY, next);
            } catch (error) {
                // Not remembered, but applied for this page.
            }
            sync(button);
        });
        if (system && system.addEventListener) {
            system.addEventListener("change", function () {
                sync(button);
            });
        }
    });
})();
