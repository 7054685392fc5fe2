"""What an import did, counted by kind, action and status, plus the lists a site owner reads.

Actions are "created", "updated", "unchanged" and "skipped" (skips always carry a reason).
Lists name the rows that need a human look: private posts kept as drafts, comments whose
parent was missing, threads that matched no post, images referenced by address.
"""

from collections import Counter, defaultdict

ACTIONS = ("created", "updated", "unchanged", "skipped")
KINDS = {
    "post": "posts",
    "comment": "comments",
    "user": "users",
    "category": "categories",
    "tag": "tags",
}
SHOWN_PER_LIST = 20


class Summary:
    def __init__(self, title):
        self.title = title
        self.counts = Counter()  # (kind, action) -> n
        self.statuses = defaultdict(Counter)  # (kind, action) -> status -> n
        self.reasons = defaultdict(Counter)  # kind -> reason -> n (skips)
        self.lists = defaultdict(list)  # heading -> lines
        self.tallies = Counter()  # things worth a number but not a list
        self.notes = []

    def count(self, kind, action, status=None, n=1):
        self.counts[kind, action] += n
        if status:
            self.statuses[kind, action][status] += n

    def skip(self, kind, reason, n=1):
        self.counts[kind, "skipped"] += n
        self.reasons[kind][reason] += n

    def note(self, heading, line):
        self.lists[heading].append(line)

    def tally(self, what, n=1):
        self.tallies[what] += n

    def total(self, kind, action):
        return self.counts[kind, action]

    def lines(self, verbose=False):
        out = [self.title]
        for kind in KINDS:
            parts = []
            for action in ACTIONS:
                n = self.counts[kind, action]
                if not n and action != "created":
                    continue
                detail = self.statuses.get((kind, action))
                if action == "skipped" and self.reasons.get(kind):
                    detail = self.reasons[kind]
                text = f"{action} {n}"
                if detail:
                    text += " (" + ", ".join(f"{k} {v}" for k, v in sorted(detail.items())) + ")"
                parts.append(text)
            if any(self.counts[kind, action] for action in ACTIONS):
                out.append(f"  {KINDS[kind] + ':':<12}" + "; ".join(parts))
        for heading, items in self.lists.items():
            out.append(f"  {heading}: {len(items)}")
            shown = items if verbose else items[:SHOWN_PER_LIST]
            out.extend(f"    - {item}" for item in shown)
            if len(items) > len(shown):
                out.append(f"    … and {len(items) - len(shown)} more (use -v 2 to list them all)")
        out.extend(f"  {what}: {n}" for what, n in self.tallies.items())
        out.extend(f"  {note}" for note in self.notes)
        return out
