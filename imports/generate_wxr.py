"""Write a large synthetic WXR file, to measure the importer (not used by the site).

    python -m imports.generate_wxr /tmp/big.xml --posts 1000 --comments 100000

Each post gets the same share of comments: about a fifth start a thread, the rest answer a
recent comment of the same post (some chains go deeper than the depth cap), with a mix of
statuses, a few pingbacks and HTML in some comments. Needs no database or Django setup.
"""

import argparse
import random
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated</title><link>https://generated.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://generated.example.com</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>
<wp:author_email>editor@generated.example.com</wp:author_email></wp:author>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>
"""
STATUSES = ["1"] * 90 + ["0"] * 4 + ["spam"] * 4 + ["trash"] * 2
BODIES = [
    "Thanks for writing this up. The part about the decision is new to me.",
    "<p>I read this <em>twice</em>.</p><p>The numbers are clearer than the official summary.</p>",
    "Small correction: it was the Tuesday, not the Wednesday. 🙏",
    "See https://www.example.org/records/2024 for the documents.\nSecond line.",
    "<blockquote>quoted text</blockquote>\n\nAnd my answer, with <strong>feeling</strong>.",
]


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(out, posts, comments, seed=13):
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 8, 0, 0)
    per_post = comments // posts
    extra = comments - per_post * posts
    comment_id = 1
    out.write(HEAD)
    for number in range(1, posts + 1):
        date = start + timedelta(days=number)
        out.write(
            f"<item><title>Generated post {number}</title>"
            f"<link>https://generated.example.com/{date:%Y/%m}/post-{number}/</link>"
            f"<dc:creator>editor</dc:creator>"
            f"<content:encoded>{cdata(f'<!-- wp:paragraph --><p>Body of post {number}.</p>')}"
            f"</content:encoded><excerpt:encoded></excerpt:encoded>"
            f"<wp:post_id>{number}</wp:post_id>"
            f"<wp:post_date>{date:%Y-%m-%d %H:%M:%S}</wp:post_date>"
            f"<wp:post_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
            f"<wp:comment_status>open</wp:comment_status><wp:post_name>post-{number}</wp:post_name>"
            f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f'<category domain="category" nicename="news">{cdata("News")}</category>\n'
        )
        count = per_post + (1 if number <= extra else 0)
        ids = []
        for index in range(count):
            new_thread = index == 0 or rng.random() < 0.2
            parent = 0 if new_thread else rng.choice(ids[-12:])
            kind = "pingback" if rng.random() < 0.005 else "comment"
            when = date + timedelta(minutes=10 + index * 3)
            out.write(
                f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                f"<wp:comment_author>{cdata(f'Reader {rng.randint(1, 5000)}')}</wp:comment_author>"
                f"<wp:comment_author_email>reader{rng.randint(1, 5000)}@example.org"
                f"</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
                f"<wp:comment_author_IP>192.0.2.{rng.randint(1, 254)}</wp:comment_author_IP>"
                f"<wp:comment_date>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
                f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(rng.choice(BODIES))}</wp:comment_content>"
                f"<wp:comment_approved>{escape(rng.choice(STATUSES))}</wp:comment_approved>"
                f"<wp:comment_type>{kind}</wp:comment_type>"
                f"<wp:comment_parent>{parent}</wp:comment_parent>"
                f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
            )
            ids.append(comment_id)
            comment_id += 1
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as out:
        generate(out, args.posts, args.comments)


if __name__ == "__main__":
    main()
