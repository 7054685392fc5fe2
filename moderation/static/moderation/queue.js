/* The moderation queue, enhanced: row actions in place and keyboard moderation.
 *
 * Without this script every row button still works: it submits the page's one desk form
 * (form="mod-desk") and the server redirects back to the same place in the queue. With it,
 * the same POST is sent with fetch; the row's cells and the tab counts are replaced by the
 * server's answer. Keys: j/k move, a approve (or restore), s spam, r remove, f feature,
 * x select, h history, o open on the site, ? the list of keys. Keys never fire while the
 * moderator types in a field.
 */
function setUpQueue() {
    "use strict";

    var desk = document.getElementById("mod-desk");
    var table = document.getElementById("result_list");
    if (!desk || !table || !table.tBodies.length) {
        return;
    }
    var live = document.querySelector("[data-live]");
    var dialog = document.getElementById("mod-keys");
    var busy = false;

    function rows() {
        return Array.prototype.slice.call(table.tBodies[0].rows);
    }

    function currentRow() {
        var active = document.activeElement;
        var row = active && active.closest ? active.closest("#result_list tbody tr") : null;
        return row || table.querySelector("tbody tr.mod-current");
    }

    function focusRow(row) {
        if (!row) {
            return;
        }
        rows().forEach(function (other) {
            other.classList.remove("mod-current");
        });
        row.classList.add("mod-current");
        row.focus();
        row.scrollIntoView({block: "nearest"});
    }

    function move(step) {
        var all = rows();
        var row = currentRow();
        var index = row ? all.indexOf(row) + step : 0;
        focusRow(all[Math.max(0, Math.min(all.length - 1, index))]);
    }

    function announce(text) {
        if (live && text) {
            live.textContent = text;
        }
    }

    function updateCounts(counts) {
        Object.keys(counts || {}).forEach(function (key) {
            document.querySelectorAll('[data-count="' + key + '"]').forEach(function (node) {
                node.textContent = counts[key];
            });
        });
    }

    function updateRow(row, answer) {
        var history = row.querySelector("details.mod-history");
        var wasOpen = history && history.open;
        Object.keys(answer.cells).forEach(function (name) {
            var cell = row.querySelector(".field-" + name);
            if (cell) {
                cell.innerHTML = answer.cells[name];
            }
        });
        if (wasOpen) {
            var again = row.querySelector("details.mod-history");
            if (again) {
                again.open = true;
            }
        }
        row.dataset.status = answer.status;
        row.classList.add("mod-done");
    }

    function send(button) {
        var row = button.closest("tr");
        var data = new FormData(desk);
        data.set("do", button.value);
        busy = true;
        return fetch(desk.action, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: {"Accept": "application/json"}
        }).then(function (response) {
            return response.json().then(function (answer) {
                announce(answer.message);
                if (response.ok && answer.ok) {
                    updateRow(row, answer);
                    updateCounts(answer.counts);
                }
                return answer;
            });
        }).catch(function () {
            announce("The action could not be sent. Check the connection and try again.");
        }).then(function (answer) {
            busy = false;
            return answer;
        });
    }

    function prepare(row) {
        row.tabIndex = -1;
    }
    rows().forEach(prepare);

    table.addEventListener("click", function (event) {
        var button = event.target.closest("button[form='mod-desk']");
        if (!button) {
            return;
        }
        event.preventDefault();
        if (!busy) {
            send(button).then(function () {
                focusRow(button.closest("tr"));
            });
        }
    });

    table.addEventListener("focusin", function (event) {
        var row = event.target.closest("tbody tr");
        if (row) {
            rows().forEach(function (other) {
                other.classList.toggle("mod-current", other === row);
            });
        }
    });

    function typing(target) {
        return Boolean(target && target.closest &&
            target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
    }

    function act(key) {
        var row = currentRow();
        if (!row) {
            return;
        }
        var button = row.querySelector('button[data-key="' + key + '"]');
        if (!button || busy) {
            return;
        }
        send(button).then(function (answer) {
            if (answer && answer.ok && key !== "f") {
                var all = rows();
                var next = all[all.indexOf(row) + 1];
                focusRow(next || row);
            } else {
                focusRow(row);
            }
        });
    }

    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey ||
                event.isComposing || typing(event.target)) {
            return;
        }
        if (dialog && dialog.open) {
            return; // The dialog handles Esc and its own button.
        }
        var row;
        switch (event.key) {
        case "j":
            move(1);
            break;
        case "k":
            move(-1);
            break;
        case "a":
        case "s":
        case "r":
        case "f":
            act(event.key);
            break;
        case "x":
            row = currentRow();
            if (row && row.querySelector("input.action-select")) {
                row.querySelector("input.action-select").click();
                focusRow(row);
            }
            break;
        case "h":
            row = currentRow();
            if (row && row.querySelector("details.mod-history")) {
                var details = row.querySelector("details.mod-history");
                details.open = !details.open;
            }
            break;
        case "o":
            row = currentRow();
            if (row && row.querySelector('a[data-key="o"]')) {
                window.location.assign(row.querySelector('a[data-key="o"]').href);
            }
            break;
        case "?":
            if (dialog && dialog.showModal) {
                dialog.showModal();
            }
            break;
        default:
            return;
        }
        event.preventDefault();
    });

    if (dialog) {
        dialog.addEventListener("close", function () {
            focusRow(currentRow() || rows()[0]);
        });
    }

    // Back from a no-JavaScript action (#queue-<pk>) or on arrival: start on that row.
    var target = window.location.hash.match(/^#queue-(\d+)$/);
    var start = target ? document.getElementById("queue-" + target[1]) : null;
    focusRow(start ? start.closest("tr") : rows()[0]);
}

// Loaded in the page's head (the admin's media): wait for the table.
if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpQueue);
} else {
    setUpQueue();
}
