"""Schema step: on the server, the first page of a search under *topic*, *stage* and
*owner* is read from an index of the word starts in that order, as under *probability*,
*brand and model* and *status* (schema step start_sorts); and a term of three characters
or more that is one word walks the same indexes (app.db.list_walks).

Measured on 300,000 opportunities moved onto the server: everyone's terms of more than
10,000 matches (a VIN's start, "golf") under *topic*, *probability*, *brand and model*,
*status* and *stage* read each of their 20,000-41,000 matches, 126-192 ms a keystroke;
"WV" under *topic* and *stage* walked the sort's index past the rows before the
Volkswagens. Here each start also keeps its opportunity's topic, stage order and owner's
name, and an index of the starts of two letters by each gives a term's matches in the
sort's order, as SQLite's do (schema step sort_starts).

What it costs: three more columns on each start and three indexes of the starts of two
letters (at 300,000 opportunities 2.1 million of the 4.2 million starts; 77-115 MB each);
a change of the topic, the stage or the owner rewrites the opportunity's starts (a stage
move rewrote them already for the probability). The step writes every start anew with its
keys and builds the indexes after. The program sends no statement more for a page it
reads so; a term of three characters or more of more than 10,000 matches counts them up to
30,000 and the opportunities with a word starting so, in one statement. Nothing on SQLite.
Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.steps.start_sorts import start_sorts


def start_sort_keys(db: Database) -> None:
    """Schema step: see the module's text (the keys' columns are start_sorts')."""
    start_sorts(db)
