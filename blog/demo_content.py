"""Demo articles for a fictional newsroom, written for this project.

Places and organisations are real-sounding but the events are invented; nothing here reports
real news. Each entry's `days_ago` is counted back from the moment the demo is first loaded.
"""

CATEGORIES = [
    ("World", "world", "Reporting from correspondents and partner newsrooms abroad."),
    ("Climate", "climate", "Weather, energy and how places adapt to a warming world."),
    ("Technology", "technology", "The systems people depend on, explained plainly."),
    ("Culture", "culture", "Books, music, museums and the people who keep them going."),
]

AUTHORS = [
    ("lhaddad", "Lina", "Haddad"),
    ("tokafor", "Tom", "Okafor"),
    ("mrossi", "Marta", "Rossi"),
]

SOCIAL_LINKS = [
    ("facebook", "https://www.facebook.com/example"),
    ("x", "https://x.com/example"),
    ("youtube", "https://www.youtube.com/@example"),
    ("soundcloud", "https://soundcloud.com/example"),
]

POSTS = [
    {
        "slug": "border-crossing-reopens-to-freight",
        "title": "Border crossing reopens to freight after a three-week closure",
        "author": "lhaddad",
        "categories": ["world"],
        "tags": ["Trade", "Transport"],
        "dateline": "AMMAN",
        "source": "Threadline wire",
        "days_ago": 0.2,
        "palette": "dusk",
        "standfirst": (
            "Lorries began moving again on Tuesday morning, but drivers and exporters say "
            "the backlog will take weeks to clear."
        ),
        "body": """\
The main freight crossing in the north reopened at dawn on Tuesday, ending a closure that
left hundreds of lorries parked along the highway and cold-storage exporters counting losses.

Officials at the crossing said customs teams would work extended shifts through the end of
the month. By midday, a queue of trucks stretched roughly four kilometres back from the first
checkpoint.

## A backlog measured in weeks

Drivers interviewed at a roadside café said they had been waiting between six and eleven days.
Several carried fruit and vegetables that would no longer meet export standards.

> "We kept the engines running at night for the refrigeration. The fuel alone cost more than
> the trip pays," said one driver, who asked not to be named.

An exporters' association estimated that about a third of perishable loads had spoiled.

## What changes now

- Customs inspections move to a two-lane system for the next fortnight.
- Empty return trucks get a separate lane so that they do not add to the queue.
- Perishable goods are to be inspected first, according to a notice posted at the gate.

The transport ministry said it would publish daily crossing figures on its website.
""",
    },
    {
        "slug": "cooling-corridors-hotter-summers",
        "title": "City planners test cooling corridors as summers grow hotter",
        "author": "mrossi",
        "categories": ["climate"],
        "tags": ["Cities", "Heat"],
        "dateline": "SEVILLE",
        "source": "",
        "days_ago": 1.1,
        "updated_hours_later": 5,
        "palette": "ember",
        "standfirst": (
            "Shade sails, street trees and fountains that run at night: a pilot district "
            "is measuring what actually lowers the temperature."
        ),
        "body": """\
Along a one-kilometre stretch of the old town, sensors fixed to lamp posts record the air
temperature every five minutes. The readings feed a study that planners hope will show which
changes to a street make the biggest difference on the hottest afternoons.

The pilot compares three approaches on otherwise similar streets: fabric shade sails strung
between buildings, newly planted trees in wider pits, and small fountains that run overnight
to cool the paving stones.

## Early results

First-season figures suggest that the shade sails lower surface temperatures the most at
midday, while the trees matter most in the evening, when stored heat otherwise radiates back
from walls and pavements.

> "People feel the difference before our sensors can show it on a chart," said a member of
> the municipal team running the study.

The city plans to publish the full data set at the end of the summer, together with the
cost of each measure per metre of street.

*This article was updated to add the planned publication date of the data.*
""",
    },
    {
        "slug": "hospitals-shared-patient-records",
        "title": "Regional hospitals move patient records to one shared system",
        "author": "tokafor",
        "categories": ["technology"],
        "tags": ["Health", "Data"],
        "dateline": "",
        "source": "",
        "days_ago": 2.4,
        "palette": "sea",
        "standfirst": (
            "Five hospitals will read the same records from next spring. Staff welcome fewer "
            "faxes; privacy advocates want clearer rules on who can look."
        ),
        "body": """\
Five hospitals in the region are moving their patient records onto a single system, ending
an arrangement in which test results often travelled between wards by fax or on paper.

The project team says the move will be done in stages, one hospital at a time, with the
old systems kept in read-only mode for two years.

## What patients will notice

1. Test results ordered at one hospital can be seen by doctors at the others.
2. Appointment letters will come from one address rather than five.
3. Patients will be able to see a log of who opened their record.

The access log was added after consultation with a patient panel. Privacy advocates said it
was a good start, but asked for an independent audit every year.

## Why it took so long

The hospitals first tried to connect their existing systems. An internal review found the
links unreliable: a message sent from one system could arrive with fields in the wrong
order. The review recommended starting again with one shared database instead.
""",
    },
    {
        "slug": "printing-press-returns-to-work",
        "title": "A century-old printing press returns to work in a village museum",
        "author": "mrossi",
        "categories": ["culture"],
        "tags": ["History", "Museums"],
        "dateline": "LEIPZIG",
        "source": "",
        "days_ago": 3.3,
        "comments_enabled": False,
        "palette": "paper",
        "standfirst": (
            "Volunteers spent two winters restoring a flatbed press. Visitors can now set "
            "their own line of type and print it."
        ),
        "body": """\
The press arrived at the museum in pieces: a frame, a bed, a crate of rollers and a box of
bolts nobody could match to anything. Two winters later it prints again, slowly and loudly.

A group of eight volunteers, most of them retired engineers and typesetters, met twice a week
to clean, measure and, where needed, recast missing parts at a nearby foundry.

## A line of type

On Saturdays, visitors can set a short line from the museum's cases of metal type, lock it
into the press and pull a print to take home. The most popular line so far, according to the
volunteers, has been a visitor's own name.

> "Children understand it immediately. You put the letters in backwards and upside down, and
> the paper makes them right," said one of the volunteers.

The museum has closed comments on this article; questions about visits can go to its front
desk.
""",
    },
    {
        "slug": "fishing-communities-quota-agreement",
        "title": "Fishing communities weigh a new quota agreement",
        "author": "lhaddad",
        "categories": ["world", "climate"],
        "tags": ["Oceans", "Trade"],
        "dateline": "NOUAKCHOTT",
        "source": "Coastal Desk",
        "days_ago": 4.6,
        "palette": "sea",
        "standfirst": (
            "The draft deal cuts catches of two species for three years. Small-boat crews "
            "say the details matter more than the totals."
        ),
        "body": """\
Crews on the beach at dawn were sorting nets and discussing a draft agreement that would cut
catches of two species by a fifth over three years.

The draft, shared with cooperatives last week, sets the overall limits but leaves the split
between large trawlers and small wooden boats to a committee that has yet to meet.

## The small-boat view

Representatives of small-boat cooperatives said they supported lower limits in principle.
Their concern is enforcement at sea, where, they say, large vessels are rarely inspected.

> "We are the ones counted on the beach. The big ships are counted on paper," said a
> cooperative leader.

The fisheries ministry said a satellite monitoring scheme would apply to every vessel longer
than twelve metres from next year.
""",
    },
    {
        "slug": "reading-the-corrections-log",
        "title": "What a newsroom learns from reading its own corrections log",
        "author": "tokafor",
        "categories": ["technology"],
        "tags": ["Media", "Data"],
        "dateline": "",
        "source": "",
        "days_ago": 6.2,
        "palette": "ink",
        "standfirst": (
            "We counted every correction we published last year. Most were small, a few were "
            "not, and the patterns changed how we check stories."
        ),
        "body": """\
Every correction this publication makes is recorded in a log: the date, the article, what
was wrong and how we found out. Last year the log had 214 entries. We read all of them.

## What went wrong most often

- **Names and titles**, spelt wrongly or out of date: 71 entries.
- **Numbers**, mostly units and percentages: 48 entries.
- **Dates and days of the week**: 30 entries.
- **Places**, including the wrong district or town: 22 entries.

The rest were a mix of wrong photo captions, broken links and a handful of factual errors
that changed the meaning of a story.

## What we changed

We now ask reporters to keep a short source sheet for every article, and editors check
names and numbers against it before publication. For numbers we use a simple rule:

```
If a figure is a percentage, the article also gives the total it is a percentage of.
```

Readers found about a third of last year's errors. The comments under each article remain
one of the quickest ways to tell us when we get something wrong.
""",
    },
    {
        "slug": "night-trains-return",
        "title": "Night trains return to the timetable, and so do their passengers",
        "author": "mrossi",
        "categories": ["culture"],
        "tags": ["Transport", "Travel"],
        "dateline": "VIENNA",
        "source": "",
        "days_ago": 8.5,
        "palette": "dusk",
        "standfirst": (
            "Sleeper services that were cut a decade ago are back, and most berths on the "
            "new route sold out in the first month."
        ),
        "body": """\
The last sleeper service on the route ran a decade ago. Its return this spring, with new
carriages and a timetable built around a morning arrival, has been busier than the operator
expected.

Most berths sold out during the first month, the operator said, with the strongest demand on
Friday and Sunday nights.

## Who is on board

Passengers interviewed on a recent journey included students, a family with two small
children and several people travelling for work who said they preferred arriving rested to
taking an early flight.

The operator plans to add a second weekly departure in the autumn.
""",
    },
    {
        "slug": "wetland-bird-survey",
        "title": "Volunteers count wetland birds in the annual winter survey",
        "author": "lhaddad",
        "categories": ["climate"],
        "tags": ["Wildlife"],
        "dateline": "",
        "source": "",
        "days_ago": 11.0,
        "palette": "moss",
        "standfirst": (
            "More than three hundred volunteers spent a cold weekend with binoculars and "
            "notebooks. Their counts feed a record that goes back forty years."
        ),
        "body": """\
Before sunrise on Saturday, small groups of volunteers spread out along the reed beds and
mudflats of the estuary, each with a stretch of shoreline to count.

The survey, held on the same weekend every winter, produces one of the longest continuous
records of wetland birds in the region.

## How the count works

Each group walks a fixed route and records every bird it sees or hears, noting the time and
the weather. The results are checked by regional coordinators before they are added to the
national record.

Organisers said preliminary figures would be published within a month.
""",
    },
    {
        "slug": "library-lends-tools",
        "title": "The library that lends drills, tents and sewing machines",
        "author": "tokafor",
        "categories": ["technology", "culture"],
        "tags": ["Cities", "Libraries"],
        "dateline": "TAMPERE",
        "source": "",
        "days_ago": 13.2,
        "palette": "paper",
        "standfirst": (
            "A branch library added a shelf of tools to its catalogue. Two years on, the "
            "waiting list for the pressure washer is longer than for any novel."
        ),
        "body": """\
The shelf started with twenty items donated by residents: a drill, a ladder, two tents and a
sewing machine that still had its original manual. It now holds more than three hundred.

Borrowers use the same card as for books. Loans last a week, and every item is checked by a
volunteer when it comes back.

## What gets borrowed

| Item | Loans last year |
| --- | --- |
| Pressure washer | 96 |
| Camping tent | 81 |
| Hedge trimmer | 64 |
| Sewing machine | 52 |

Staff say the most common request they cannot yet meet is for children's bicycles, which the
library hopes to add next spring.
""",
    },
    {
        "slug": "port-city-night-market",
        "title": "A port city's night market finds a second life on the old quay",
        "author": "lhaddad",
        "categories": ["world", "culture"],
        "tags": ["Cities", "Food"],
        "dateline": "TANGIER",
        "source": "Threadline wire",
        "days_ago": 15.7,
        "palette": "ember",
        "standfirst": (
            "Stalls that once lined a car park now fill a restored warehouse quay, and "
            "traders say the move has brought in a new crowd."
        ),
        "body": """\
For years the night market set up in a car park behind the bus station. Since the autumn it
has filled the old quay, where a row of warehouses has been restored and opened to the street.

Around sixty traders sell food, spices, second-hand books and repaired electronics from six
in the evening until midnight.

> "Before, people came because they already knew us. Now tourists find us by walking along
> the water," said a trader who has sold grilled fish at the market for eleven years.

The city council said it would review the arrangement after a year, including noise limits
for nearby residents.
""",
    },
    {
        "slug": "week-ahead-budget-talks-book-fair",
        "title": "The week ahead: budget talks, a rocket launch and a book fair",
        "author": "tokafor",
        "categories": ["world"],
        "tags": ["Week ahead"],
        "dateline": "",
        "source": "",
        "days_ago": -3,
        "palette": "ink",
        "standfirst": "What our correspondents will be following over the next seven days.",
        "body": """\
This preview appears on the site by itself at its scheduled time.

- **Monday**: regional budget talks resume.
- **Wednesday**: a weather satellite is due to launch.
- **Friday**: the international book fair opens its doors.
""",
    },
    {
        "slug": "river-restoration-interview-notes",
        "title": "Interview notes: the river restoration project",
        "author": "mrossi",
        "categories": ["climate"],
        "tags": ["Wildlife"],
        "dateline": "",
        "source": "",
        "days_ago": None,
        "palette": "moss",
        "standfirst": "Draft: not for publication yet.",
        "body": """\
Notes from two interviews with the project's engineers. Still to check: the length of the
restored channel and the planting dates.
""",
    },
]
