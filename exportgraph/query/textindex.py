"""A small in-memory text index over codes, labels, names and descriptions, in any script, with facets.

A FILTER(CONTAINS()) over every label is a full scan (1.7 s on our data). This index answers the same
question, a case-insensitive substring of a word or of a CJK run, from posting lists: Latin text by word
prefixes, Chinese and Japanese text by character bigrams (and single characters for one-character queries).
Text is NFKC-normalised first, so full-width letters and digits match their ASCII forms.

Each resource carries what the facets need (kind, jurisdiction, lists, the dates it is in force), read
once when the index is built. Hits are ranked by tier: an exact code first, then a code prefix, an exact
label, a label containing the query, a label containing every word, and last a description.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
import re
import threading
import unicodedata
import weakref
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import pyoxigraph as ox

from exportgraph.graph.store import GraphStore

WORD = re.compile(r"[0-9a-z][0-9a-z._\-]*", re.IGNORECASE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
ID = "https://w3id.org/exportgraph/id/"
EG = "https://w3id.org/exportgraph/ontology#"
CODE, LABEL, TEXT = 0, 1, 2
# A document's number says its field: codes count from 0, labels from LABEL_BASE, descriptions from TEXT_BASE.
# A search sorts its hits (in C) and cuts them into the three by bisection, instead of asking each hit its field.
BASES = (0, 1 << 32, 1 << 33)
LABEL_BASE, TEXT_BASE = BASES[LABEL], BASES[TEXT]
LABEL_QUERY = """SELECT ?s ?p ?l WHERE {
  VALUES ?p { skos:notation skos:prefLabel rdfs:label eli:title skos:altLabel eg:originalName eli:id_local
              eg:description skos:definition }
  ?s ?p ?l }"""
FIELD = {"notation": CODE, "id_local": CODE, "description": TEXT, "definition": TEXT}
DISPLAY = ("prefLabel", "label", "title")
# No FILTER(STRSTARTS(STR(?s), ...)) in these two: the server evaluated it per row (14 s against 2.6 s for the
# labels of the real data over a remote store); the rows are kept or dropped here instead.
CLASS_QUERY = """SELECT ?s ?c WHERE { ?s a ?c }"""
# Where a resource belongs (jurisdiction, list) and when it is in force, by kind of resource; each query
# projects ?s ?l ?j ?from ?until, whether its pattern binds them or not.
META_QUERIES = {
    "direct": """SELECT ?s ?l ?j ?from ?until WHERE { { ?s eg:jurisdiction ?j } UNION { ?s eg:validFrom ?from }
        UNION { ?s eg:validUntil ?until } UNION { ?s eli:first_date_entry_in_force ?from }
        UNION { ?s eli:date_no_longer_in_force ?until } }""",
    "customs": """SELECT ?s ?l ?j ?from ?until WHERE { ?s a eg:CustomsCode ; skos:inScheme ?l }""",
    "party": """SELECT ?s ?l ?j ?from ?until WHERE { ?x eg:listedParty ?s ; eg:onList ?l . OPTIONAL { ?l eg:jurisdiction ?j }
        OPTIONAL { ?x eg:listingDate ?from } }""",
}
# An entry's list, jurisdiction and dates are its edition's: the editions (a few hundred) and every scheme
# membership are read apart and joined here. Joined by the server (with the ControlEntry class and OPTIONALs),
# this was 105 s of the server's time at 5M quads, against 10 s for the memberships alone.
EDITIONS_QUERY = """SELECT ?ed ?l ?j ?from ?until WHERE { ?ed eg:editionOf ?l . OPTIONAL { ?l eg:jurisdiction ?j }
    OPTIONAL { ?ed eg:validFrom ?from } OPTIONAL { ?ed eg:validUntil ?until } }"""
MEMBERSHIP_QUERY = """SELECT ?s ?ed WHERE { ?s skos:inScheme ?ed }"""
ENTRY_CLASS = EG + "ControlEntry"
# A resource with several classes is shown as the first of these it has.
PREFERRED = ("ControlEntry", "Party", "LegalInstrument", "Provision", "Agency", "Case", "WtoDispute", "CustomsCode",
             "Regime", "Jurisdiction", "ControlList", "PartyList", "ListEdition")
MAX_QUERY = 200  # characters of a query (base.find refuses longer ones): a code tier matches no longer a text
# What matched, by tier: the words the search results page shows.
MATCHES = ("exact code", "code prefix", "exact label", "label", "label words", "text")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _folded(text: str, kind: int) -> str | None:
    """The text as a search compares it to a query (see matches), where it cannot be had cheaply at search
    time: a code's key (a regular expression), a label's NFKC form where it is not just the text in lower case
    (full-width letters, say). None otherwise: a description (always tier 5), or a label whose lower case is
    its folded form (most: kept for every label, the copies were 540 MB at 5M quads)."""
    if kind == CODE:
        key = code_key(text)
        return text if key == text else key
    if kind == LABEL:
        folded = norm(text)
        return None if folded == text.lower() else folded
    return None


def code_key(text: str) -> str:
    """A code without case, dots, spaces or hyphens: 8112.92 and 811292, 3b001 and 3B001 are one key."""
    return re.sub(r"[\s.\-_]", "", norm(text))


def _words(text: str) -> list[str]:
    out = []
    for w in WORD.findall(norm(text)):
        w = w.strip("._-")
        if w:
            out.append(w)
    return out


def _terms(text: str) -> set[str]:
    terms = set()
    for w in _words(text):
        terms.add(w)
        if "." in w or "-" in w:
            terms.add(re.sub(r"[.\-]", "", w))  # 8112.92 is also found as 811292
    for run in CJK.findall(norm(text)):
        terms.update(run)
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    return terms


@dataclass
class Resource:
    iri: str
    classes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # language -> display label
    codes: list[str] = field(default_factory=list)
    jurisdictions: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    valid_from: str | None = None
    valid_until: str | None = None

    # Cached: a search ranks and counts every hit, and the classes are complete once the index is built
    # (recomputed for every hit, these were the largest part of a search's CPU time in a profile at 1M quads).
    @cached_property
    def kind(self) -> str:
        return kind_of(self.classes)

    @cached_property
    def order(self) -> int:
        return PREFERRED.index(self.kind) if self.kind in PREFERRED else len(PREFERRED)

    @cached_property
    def label_length(self) -> int:
        return len(self.label())

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), "") or (
            self.codes[0] if self.codes else self.iri.removeprefix(ID))

    def in_force(self, day: str) -> bool | None:
        if self.valid_from is None and self.valid_until is None:
            return None
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or self.valid_until >= day)


Shared = str | tuple[str, ...] | None


def kind_of(classes: list[str]) -> str:
    """The class a resource is shown as: the first of PREFERRED it has, else its first class by name."""
    local = [c.rsplit("#", 1)[-1] for c in classes if c.startswith(EG)]
    for name in PREFERRED:
        if name in local:
            return name
    return sorted(local)[0] if local else (classes[0].rsplit("#", 1)[-1] if classes else "Resource")


class Hit(NamedTuple):  # a tuple: made for every hit of a search, a dataclass cost 2 us each
    resource: Resource
    tier: int
    matched: str


class TextIndex:
    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.sorted_terms: list[str] = []
        # Per field (CODE, LABEL, TEXT), by document number less the field's base (BASES): the resource it belongs
        # to, its text, and the text as a tier compares it (code_key for a code, norm for a label where that is not
        # just the text in lower case, else None). Three lists of references, not a tuple per document.
        # Numbers in arrays, not lists of int objects: a search reads them for every hit, and each int object of a
        # list lies somewhere in a heap of gigabytes (at 5M quads, a cache miss each: searches 15-28 % slower).
        self.owners: tuple[array[int], array[int], array[int]] = (array("i"), array("i"), array("i"))
        self.texts: tuple[list[str], list[str], list[str]] = ([], [], [])
        self.folded: tuple[list[str | None], list[str | None], list[str | None]] = ([], [], [])
        self.resources: list[Resource] = []
        self.by_iri: dict[str, int] = {}
        self.codes: dict[str, set[int]] = defaultdict(set)  # code key -> resource numbers
        # By resource number, what a search reads of every hit, read once the index is complete (_finish): a
        # search over a common word reads them for tens of thousands of hits (at 5M quads, attribute and
        # property lookups per hit were most of its time).
        self.position: array[int] = array("i")  # place in the order of (kind, label length, IRI): the rank in a tier
        self.by_position: array[int] = array("i")
        # Facet values as shared objects (one str or tuple per distinct value, None for none): counting reads
        # a few objects that stay in cache, not a set per hit scattered over the heap (about 2 us a hit at 5M).
        self.kinds: list[str] = []
        self.jurisdictions: list[Shared] = []
        self.lists: list[Shared] = []
        self.code_room = 0  # longer than any code: a rank is one integer (see ranked)

    @classmethod
    def build(cls, store: GraphStore) -> TextIndex:
        """Read from the store as a stream (store.stream: never a whole answer in memory)."""
        index = cls()
        seen: set[tuple[int, str, int]] = set()
        short: dict[str, str] = {}  # property IRI -> its local name
        for s, p, lit in store.stream(LABEL_QUERY):
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(ID):
                continue
            prop = short.get(p.value)
            if prop is None:
                prop = short[p.value] = p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            index._add(s.value, prop, lit, seen)
        index.sorted_terms = sorted(index.postings)
        for s, c in store.stream(CLASS_QUERY):
            n = index.by_iri.get(s.value)
            if n is not None:
                index.resources[n].classes.append(c.value)
        index._read_meta(store)
        index._finish()
        return index

    def _finish(self) -> None:
        resources = self.resources
        # Not through the cached properties: each would grow the instance dict of every resource (at 5M quads,
        # 743k resources: about 450 MB of peak RSS); a search caches them on its hits only, as before.
        shared: dict[Any, Any] = {}
        self.kinds = [shared.setdefault(k, k) for k in (kind_of(r.classes) for r in resources)]
        self.jurisdictions = [_shared(r.jurisdictions, shared) for r in resources]
        self.lists = [_shared(r.lists, shared) for r in resources]
        rank = {name: i for i, name in enumerate(PREFERRED)}  # Resource.order
        kinds, last = self.kinds, len(PREFERRED)
        self.by_position = array("i", sorted(range(len(resources)), key=lambda n: (
            rank.get(kinds[n], last), len(resources[n].label()), resources[n].iri)))  # order, label_length, iri
        self.position = array("i", bytes(4 * len(resources)))
        for place, n in enumerate(self.by_position):
            self.position[n] = place
        self.code_room = 1 + max([MAX_QUERY, *map(len, self.texts[CODE])])

    def _add(self, iri: str, prop: str, lit: Any, seen: set[tuple[int, str, int]]) -> None:
        text = lit.value
        kind = FIELD.get(prop, LABEL)
        n = self.by_iri.get(iri)
        if n is None:
            n = self.by_iri[iri] = len(self.resources)
            self.resources.append(Resource(iri))
        resource = self.resources[n]
        if prop in DISPLAY:
            resource.labels.setdefault(getattr(lit, "language", None) or "en", text)
        if kind == CODE:
            resource.codes.append(text)
            self.codes[code_key(text)].add(n)
        if (n, text, kind) in seen:
            return
        seen.add((n, text, kind))
        d = BASES[kind] + len(self.owners[kind])
        self.owners[kind].append(n)
        self.texts[kind].append(text)
        self.folded[kind].append(_folded(text, kind))
        for term in _terms(text):
            self.postings[term].add(d)

    def _read_meta(self, store: GraphStore) -> None:
        for name, query in META_QUERIES.items():
            for s, lst, j, start, end in store.stream(query):  # each projects the same five (unbound: None)
                n = self.by_iri.get(s.value)
                if n is not None:
                    self._meta(n, name, lst, j, start, end)
            if name == "direct":  # an entry's own dates (read first, under "direct") win over its edition's
                self._read_entries(store)

    def _read_entries(self, store: GraphStore) -> None:
        editions: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for ed, lst, j, start, end in store.stream(EDITIONS_QUERY):
            editions[ed.value].append((lst, j, start, end))
        for s, ed in store.stream(MEMBERSHIP_QUERY):
            n = self.by_iri.get(s.value)
            if n is None or ed.value not in editions or ENTRY_CLASS not in self.resources[n].classes:
                continue
            for lst, j, start, end in editions[ed.value]:
                self._meta(n, "entry", lst, j, start, end)

    def _meta(self, n: int, name: str, lst: Any, j: Any, start: Any, end: Any) -> None:
        r = self.resources[n]
        if j is not None:
            r.jurisdictions.add(j.value.removeprefix(ID))
        if lst is not None:
            r.lists.add(lst.value.removeprefix(ID))
        if name == "entry":
            r.valid_from = r.valid_from or (start.value if start is not None else None)
            r.valid_until = r.valid_until or (end.value if end is not None else None)
            return
        if start is not None and (r.valid_from is None or start.value < r.valid_from):
            r.valid_from = start.value
        if end is not None and (r.valid_until is None or end.value > r.valid_until):
            r.valid_until = end.value

    def _postings_of(self, term: str) -> tuple[bool, list[set[int]]]:
        """The posting sets a query term stands for, and whether a document must be in all of them (a CJK run:
        its bigrams) or in any (a word: every indexed word it begins, also without dots and hyphens)."""
        if CJK.fullmatch(term):
            if len(term) <= 2:
                return True, [self.postings.get(term, set())]
            return True, [self.postings.get(term[i:i + 2], set()) for i in range(len(term) - 1)]
        out: list[set[int]] = []
        variants = {term, re.sub(r"[.\-]", "", term)} - {""}
        terms = self.sorted_terms
        for v in sorted(variants):
            # Walked by position: a slice `terms[start:]` copied the whole tail (tens of thousands of references,
            # GIL held) to read a few, and its reference counts wrote to every page of the terms.
            i = bisect.bisect_left(terms, v)
            while i < len(terms) and terms[i].startswith(v):
                out.append(self.postings[terms[i]])
                i += 1
        return False, out

    @property
    def docs(self) -> list[tuple[int, str, int, str | None]]:
        """Every document as (resource number, text, field, folded text): for tests and diagnosis."""
        return [(n, t, kind, f) for kind in (CODE, LABEL, TEXT)
                for n, t, f in zip(self.owners[kind], self.texts[kind], self.folded[kind], strict=True)]

    def _hit_docs(self, text: str) -> set[int] | None:
        """The documents that match every term of the text (None: the text has no term). Read only: it may be
        a posting set of the index itself.

        The terms are taken smallest first, and each next one only narrows what is found so far: a set
        operation in C that walks the smaller side, never the union of every word a common prefix begins (at
        5M quads, "machine tools" read 17.8 ms of postings this way for 5,180 hits)."""
        terms = _words(text) + CJK.findall(norm(text))
        if not terms:
            return None
        groups = sorted((self._postings_of(term) for term in terms),
                        key=lambda g: min(map(len, g[1])) if g[0] else sum(map(len, g[1])))
        hits: set[int] | None = None
        for every, sets in groups:
            if not sets:
                return set()
            if every:
                for one in sorted(sets, key=len):
                    hits = one if hits is None else hits & one
                    if not hits:
                        return set()
            elif hits is None:
                hits = sets[0] if len(sets) == 1 else set().union(*sets)
            else:
                hits = set().union(*(hits & one for one in sets))
            if not hits:
                return set()
        return hits if hits is not None else set()

    def found(self, text: str) -> Found | None:
        """The resources matching the text, each at its best tier (None: the text has no term to search for).

        The same tiers as one document at a time (tests/test_web_search.py), without a step in Python for every
        hit where C can take it: the hits are
        sorted and cut into their fields; only a label is compared with the query one by one (tier 2, 3 or 4);
        the resources of each tier are sets, each tier's less those of the tiers above it."""
        hits = self._hit_docs(text)
        if hits is None:
            return None
        needle, key = norm(text).strip(), code_key(text)
        ordered = sorted(hits)
        cut, end = bisect.bisect_left(ordered, LABEL_BASE), bisect.bisect_left(ordered, TEXT_BASE)
        # Per tier, its documents by field: (field, numbers less the field's base).
        docs: list[list[tuple[int, list[int]]]] = [[] for _ in MATCHES]
        code_folded = self.folded[CODE]
        prefix: list[int] = []
        other: list[int] = []
        for k in ordered[:cut]:  # a code that is the key is tier 0, from self.codes below
            f: str = code_folded[k]  # type: ignore[assignment]
            if f != key:
                (prefix if f.startswith(key) else other).append(k)
        label_text, label_folded = self.texts[LABEL], self.folded[LABEL]
        exact: list[int] = []
        inside: list[int] = []
        words: list[int] = []
        for k in map(operator.sub, ordered[cut:end], itertools.repeat(LABEL_BASE)):
            folded = label_folded[k]
            lowered = label_text[k].lower() if folded is None else folded
            if needle in lowered:
                (exact if lowered == needle else inside).append(k)
            else:
                words.append(k)
        docs[1] = [(CODE, prefix)]
        docs[2] = [(LABEL, exact)]
        docs[3] = [(LABEL, inside)]
        docs[4] = [(CODE, other), (LABEL, words)]
        docs[5] = [(TEXT, list(map(operator.sub, ordered[end:], itertools.repeat(TEXT_BASE))))]
        placed = set(self.codes.get(key, ()))
        tiers = [set(placed)]
        for tier in range(1, len(MATCHES)):
            mine: set[int] = set()
            for kind, numbers in docs[tier]:
                mine.update(map(self.owners[kind].__getitem__, numbers))
            mine -= placed
            placed |= mine
            tiers.append(mine)
        return Found(self, key, tiers, docs, placed)

    def query(self, text: str) -> list[Hit]:
        """Every resource matching the text, best first."""
        found = self.found(text)
        return found.top(None, None) if found is not None else []

    def search(self, text: str, limit: int = 50, klass: str | None = None) -> list[tuple[str, str, str]]:
        """(iri, label, class) of the best matches."""
        out = []
        for hit in self.query(text):
            r = hit.resource
            if klass and not any(c.endswith("#" + klass) for c in r.classes):
                continue
            out.append((r.iri, r.label(), EG + r.kind))
            if len(out) >= limit:
                break
        return out


class Found:
    """A search's hits: the resources at each tier (each at its best only), and per tier the documents that
    matched there, from which the text shown for a hit is found for the hits shown only."""

    def __init__(self, index: TextIndex, key: str, tiers: list[set[int]], docs: list[list[tuple[int, list[int]]]],
                 resources: set[int]) -> None:
        self.index, self.key, self.tiers, self.docs, self.resources = index, key, tiers, docs, resources

    def matched(self, tier: int, among: set[int]) -> dict[int, str]:
        """For these resources of the tier, the text each matched: its shortest document there (a code tier
        ranks by that length); for tier 0, its code whose key is the query's."""
        index = self.index
        if tier == 0:
            return {n: next((c for c in index.resources[n].codes if code_key(c) == self.key), self.key)
                    for n in among}
        out: dict[int, str] = {}
        for kind, numbers in self.docs[tier]:
            owners, texts = index.owners[kind], index.texts[kind]
            mine = itertools.compress(numbers, map(among.__contains__, map(owners.__getitem__, numbers)))
            for k in mine:
                n, text = owners[k], texts[k]
                old = out.get(n)
                if old is None or (len(text), text) < (len(old), old):
                    out[n] = text
        return out

    def top(self, among: set[int] | None, first: int | None) -> list[Hit]:
        """The hits among these resources (None: all), best first: all of them or only the `first` best.

        Best first is by tier, then the matched code's length in a code tier, then the resource's place in the
        order of (kind, label length, IRI), each rank one integer compared in C. A tier below the page is not
        ranked at all."""
        index = self.index
        size, position, by_position = len(index.position), index.position, index.by_position
        out: list[Hit] = []
        for tier, group in enumerate(self.tiers):
            if among is not None:
                group = group & among
            if not group:
                continue
            need = None if first is None else first - len(out)
            if tier <= 1:
                lengths = self.matched(tier, group)
                keys: Iterable[int] = [len(lengths[n]) * size + position[n] for n in group]
            else:
                keys = map(position.__getitem__, group)
            chosen = [by_position[k % size] for k in (sorted(keys) if need is None else heapq.nsmallest(need, keys))]
            texts = lengths if tier <= 1 else self.matched(tier, set(chosen))
            out.extend(Hit(index.resources[n], tier, texts[n]) for n in chosen)
            if first is not None and len(out) >= first:
                break
        return out


def _shared(values: set[str], shared: dict[Any, Any]) -> Shared:
    """A resource's facet values as one shared object: None, the one value, or a sorted tuple of them."""
    if not values:
        return None
    value: Shared = next(iter(values)) if len(values) == 1 else tuple(sorted(values))
    return shared.setdefault(value, value)


_lock = threading.Lock()
# By the store itself, weakly: keyed by id(store), a replaced store's index stayed, and a new store that
# reused the freed id was answered from the old graph's index.
_indexes: weakref.WeakKeyDictionary[GraphStore, TextIndex] = weakref.WeakKeyDictionary()


def index_for(store: GraphStore) -> TextIndex:
    """The store's index, built once on first use."""
    with _lock:
        index = _indexes.get(store)
        if index is None:
            index = _indexes[store] = TextIndex.build(store)
        return index
