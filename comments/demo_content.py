"""Text for the demo discussions (manage.py load_demo_comments), written for this project.

The comments are deliberately generic, so they read naturally under any of the demo posts,
and they cover what real discussions contain: names with non-ASCII letters, several
paragraphs, a numbered list, line breaks inside a paragraph, emoji, curly quotes, links and a
comment posted without a name.
"""

NAMES = [
    "Amélie Fournier",
    "Jonas Østergaard",
    "Zoë Marsh",
    "Łukasz Nowak",
    "Ngozi Adeyemi",
    "Søren Kjær",
    "María José Peña",
    "Chen Wei",
    "Dagný Jónsdóttir",
    "Oğuz Demir",
    "Priya Raman",
    "Tomás Ó Briain",
    "Hélène Dubois",
    "Björn Lindqvist",
    "Aiyana Redcloud",
    "Đorđe Petrović",
    "Keiko Tanaka",
    "Samuel Okafor",
    "Inès Benali",
    "Mateus Araújo",
    "Rūta Kazlauskienė",
    "Felix Brandt",
    "Ana-Maria Popescu",
    "Yusuf Kaya",
    "Grace Whitfield",
    "Pál Szabó",
    "Leilani Kahale",
    "Nils Ekström",
    "Fatoumata Diallo",
    "Ewan MacLeod",
    "Chiara Bellini",
    "Radek Černý",
    "Olusegun Bello",
    "Marta Wiśniewska",
    "Hugo Lefèvre",
    "Sigrún Ólafsdóttir",
    "Dev Patel",
    "Noor Haddad",
    "Ingrid Solberg",
    "Kwame Mensah",
]

OPENERS = [
    "Thanks for writing this up. The part about how the decision was actually made is what "
    "I had not seen reported anywhere else.",
    "I read this twice. The numbers in the middle section are clearer than the official "
    "summary, which buried them on page forty.",
    "Good piece, but I think the headline is a little stronger than the story underneath it.",
    "This matches what I have seen where I live. Nobody asked the people most affected until "
    "the very end.",
    "A question for the author: where do the figures in the third paragraph come from? "
    "I would like to read the original report.",
    "Really appreciated the quotes from people on both sides. It is rare to see that done "
    "without one side sounding foolish.",
    "I work in this field and can confirm the timeline is right. The delays were mostly about "
    "paperwork, not money.",
    "Is there any plan to follow this up in six months? That is when we will know whether any "
    "of it worked.",
    "The map was very helpful. Could you publish the underlying data as well?",
    "I’m not convinced. The same promises were made five years ago and very little changed.",
    "Small correction: the meeting was on the Tuesday, not the Wednesday. Doesn’t change the "
    "story, but it might matter to someone checking.",
    "What struck me most was how calm everyone sounded. I expected much more anger.",
    "Shared this with my parents, who remember the last time this happened. They said it "
    "brought a lot back.",
    "Honest question: who pays for this in the end? The article says “the region”, but that "
    "is all of us.",
    "This is the kind of reporting I am happy to pay for. Thank you. 🙏",
    "I disagree with the framing, but the facts are laid out fairly and that is what matters.",
    "The photo captions were a nice touch; they answered questions I had while reading.",
    "Reading this on the train, appropriately enough. 🚆",
    "My neighbour was one of the people interviewed and says the quotes are accurate, "
    "which is more than I can say for some other coverage.",
    "It would help to know how this compares with other countries. Are we behind or ahead?",
    "I think the piece undersells how much volunteers did here. Without them none of this "
    "would have happened.",
    "Clear, calm and useful. More like this, please.",
    "For anyone looking for the official documents, they are linked from "
    "https://www.example.org/records/2024 (scroll to the bottom).",
    "The last paragraph says it all, really.",
]

REPLIES = [
    "Good point. I had not thought about it that way.",
    "I’m not sure that follows. The figures cover a different period.",
    "Agreed, although I would add that the consultation was very short.",
    "Same experience here, almost word for word.",
    "Do you have a source for that? Genuinely curious, not arguing.",
    "The report is linked in the second paragraph, I think.",
    "That was my reading too.",
    "Fair, but the article does mention that further down.",
    "I asked the same question at the public meeting and did not get an answer either.",
    "Thanks — that is useful context.",
    "Respectfully, I think you are being a bit unfair to the people involved.",
    "Yes! Exactly this. 👍",
    "The timeline matters here: the decision came before the funding did.",
    "My understanding is that the next review is in the spring.",
    "Not quite. The original plan was smaller, and it grew after the first consultation.",
    "I had the same reaction, then read the whole thing again and changed my mind.",
    "Could be. Hard to tell from the outside.",
    "Well put.",
    "I think both things can be true at once.",
    "Thanks for the correction, noted.",
    "That’s a generous reading. I hope you are right.",
    "Someone at the council told me much the same thing.",
    "Interesting. Where I live it went the other way entirely.",
    "Ha, I was about to write the same comment. 😄",
    "I don’t think anyone is saying it is perfect, only that it is better than before.",
    "This is a good summary of the disagreement.",
    "Let’s see what the follow-up says.",
    "I would love to see the author answer this one.",
]

# Comments that show what the formatter does; each is used once, in the big discussion.
SPECIALS = [
    (
        "Ingrid Solberg",
        "I have three questions, if the author has time:\n\n"
        "1. How many people were consulted before the decision?\n"
        "2. Will the results of the trial be published in full?\n"
        "3. Who decides whether it continues next year?\n\n"
        "Thanks in advance.",
    ),
    (
        "Tomás Ó Briain",
        "Long comment, sorry.\n\n"
        "When this was first proposed, the argument was mostly about cost. "
        "That has quietly changed, and now the argument is about time.\n\n"
        "I don’t mind that, but it would be good if someone said so out loud. "
        "Changing the reason halfway through makes people suspicious even when the plan is "
        "sound.\n\n"
        "Anyway, a good and fair article.",
    ),
    (
        "Keiko Tanaka",
        "Line one of my notes from the meeting:\n“we will publish everything”\n"
        "Line two:\n“within reason”\n\nMake of that what you will.",
    ),
    (
        "",
        "Posting without a name because I work nearby. Everything in the third section is "
        "accurate.",
    ),
    (
        "Zoë Marsh",
        "Three things I liked 🙂\n- the map\n- the timeline\n- the quotes from both sides",
    ),
    (
        "Samuel Okafor",
        "> Nobody asked the people most affected\n\n"
        "That is not quite true: there were two evenings of open meetings. They were just "
        "badly advertised.",
    ),
]

HELD_NOTES = [
    "First time commenting here. I hope this is the right place to ask about the meeting dates.",
    "Does anyone know whether the consultation is still open?",
]
