"""A small in-memory text index over labels, titles, notations and names, in any script.

A FILTER(CONTAINS()) over every label is a full scan (1.7 s on our data). This
index answers the same question, a case-insensitive substring of a word or of a
CJK run, from posting lists: Latin text by word prefixes, Chinese and Japanese
text by character bigrams (and single characters for one-character queries).
"""

from __future__ import annotations

import bisect
import re
import threading
import weakref
from collections import defaultdict

from exportgraph.graph.store import GraphStore

WORD = re.compile(r"[0-9a-z][0-9a-z._\-]*", re.IGNORECASE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
LABEL_QUERY = """SELECT ?s ?l ?c WHERE {
  { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l } UNION { ?s eli:title ?l } UNION { ?s skos:altLabel ?l }
  UNION { ?s skos:notation ?l } UNION { ?s eg:originalName ?l }
  ?s a ?c . FILTER(STRSTARTS(STR(?s), "https://w3id.org/exportgraph/id/")) }"""


def _terms(text: str) -> set[str]:
    lowered = text.lower()
    terms = {w.strip("._-") for w in WORD.findall(lowered)} - {""}
    for run in CJK.findall(text):
        terms.update(run)
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    return terms


class TextIndex:
    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.sorted_terms: list[str] = []
        self.docs: list[tuple[str, str, str]] = []  # (iri, label, class iri)

    @classmethod
    def build(cls, store: GraphStore) -> TextIndex:
        index = cls()
        seen: dict[tuple[str, str], int] = {}
        for row in store.select(LABEL_QUERY):
            iri, label, klass = row["s"].value, row["l"].value, row["c"].value
            key = (iri, label)
            if key in seen:
                continue
            seen[key] = len(index.docs)
            index.docs.append((iri, label, klass))
            for term in _terms(label):
                index.postings[term].add(seen[key])
        index.sorted_terms = sorted(index.postings)
        return index

    def _matching(self, term: str) -> set[int]:
        if CJK.fullmatch(term):
            if len(term) <= 2:
                return set(self.postings.get(term, ()))
            found: set[int] | None = None
            for i in range(len(term) - 1):
                docs = self.postings.get(term[i:i + 2], set())
                found = set(docs) if found is None else found & docs
            return found or set()
        out: set[int] = set()
        start = bisect.bisect_left(self.sorted_terms, term)
        for t in self.sorted_terms[start:]:
            if not t.startswith(term):
                break
            out |= self.postings[t]
        return out

    def search(self, text: str, limit: int = 50, klass: str | None = None) -> list[tuple[str, str, str]]:
        """(iri, label, class) of the best matches: every query term must match; shortest labels first."""
        terms = []
        for word in WORD.findall(text.lower()):
            terms.append(word.strip("._-"))
        terms.extend(CJK.findall(text))
        terms = [t for t in terms if t]
        if not terms:
            return []
        hits: set[int] | None = None
        for term in terms:
            docs = self._matching(term)
            hits = docs if hits is None else hits & docs
            if not hits:
                return []
        assert hits is not None
        needle = text.lower().strip()
        ranked = sorted(hits, key=lambda d: (needle not in self.docs[d][1].lower(), len(self.docs[d][1]),
                                             self.docs[d][0]))
        out: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for d in ranked:
            iri, label, cls = self.docs[d]
            if klass and not cls.endswith("#" + klass):
                continue
            if iri in seen:
                continue
            seen.add(iri)
            out.append((iri, label, cls))
            if len(out) >= limit:
                break
        return out


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
