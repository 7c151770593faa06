"""Example queries of the SPARQL page: each answers a question a researcher asks, and the tests run them all.

A column named `?xLabel` beside `?x` gives the page the text of the link it draws for the IRI in `?x`.
"""

from __future__ import annotations

PREFIXES = """PREFIX eg: <https://w3id.org/exportgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

_BODIES: list[tuple[str, str]] = [
    ("Jurisdictions and their names", """SELECT ?jurisdiction ?jurisdictionLabel ?zh WHERE {
  ?jurisdiction a eg:Jurisdiction ; skos:prefLabel ?jurisdictionLabel . FILTER(lang(?jurisdictionLabel) = "en")
  OPTIONAL { ?jurisdiction skos:prefLabel ?zh FILTER(lang(?zh) = "zh") }
} ORDER BY ?jurisdictionLabel LIMIT 300"""),
    ("China's regime memberships with dates", """SELECT ?regime ?regimeLabel ?status ?since ?until WHERE {
  ?m a eg:RegimeMembership ; org:member <https://w3id.org/exportgraph/id/cn> ; org:organization ?regime ;
     eg:membershipStatus/skos:notation ?status .
  OPTIONAL { ?m eg:validFrom ?since } OPTIONAL { ?m eg:validUntil ?until }
  OPTIONAL { ?regime skos:prefLabel ?regimeLabel FILTER(lang(?regimeLabel) = "en") }
} ORDER BY ?since"""),
    ("Participants of each regime today", """SELECT ?regime ?regimeLabel (COUNT(DISTINCT ?member) AS ?participants) WHERE {
  ?m a eg:RegimeMembership ; org:member ?member ; org:organization ?regime ;
     eg:membershipStatus/skos:notation "participant" .
  FILTER NOT EXISTS { ?m eg:validUntil ?end }
  OPTIONAL { ?regime skos:prefLabel ?regimeLabel FILTER(lang(?regimeLabel) = "en") }
} GROUP BY ?regime ?regimeLabel ORDER BY ?regime"""),
    ("Wassenaar participants that joined after 1996", """SELECT ?member ?memberLabel ?since WHERE {
  ?m org:organization <https://w3id.org/exportgraph/id/regime/wa> ; org:member ?member ; eg:validFrom ?since .
  FILTER(?since > "1996-12-31"^^xsd:date)
  OPTIONAL { ?member skos:prefLabel ?memberLabel FILTER(lang(?memberLabel) = "en") }
} ORDER BY ?since"""),
    ("Entries per list edition", """SELECT ?edition ?editionLabel (COUNT(?entry) AS ?entries) WHERE {
  ?edition a eg:ListEdition . ?entry skos:inScheme ?edition .
  OPTIONAL { ?edition skos:prefLabel ?editionLabel FILTER(lang(?editionLabel) = "en") }
} GROUP BY ?edition ?editionLabel ORDER BY DESC(?entries)"""),
    ("3B001 in every list", """SELECT ?entry ?entryLabel ?code ?edition WHERE {
  VALUES ?code { "3B001" "3.B.1" }
  ?entry skos:notation ?code ; skos:inScheme ?edition .
  OPTIONAL { ?entry skos:prefLabel ?entryLabel FILTER(lang(?entryLabel) = "en") }
} ORDER BY ?edition"""),
    ("National entries and the Wassenaar item each implements", """SELECT ?entry ?type ?method ?item ?itemLabel WHERE {
  ?c eg:correspondenceOf ?entry ; eg:correspondsTo ?item ; eg:matchType/skos:notation ?type ;
     eg:matchMethod/skos:notation ?method .
  ?item skos:inScheme <https://w3id.org/exportgraph/id/regime/wa/list/dual-use/2025-12-01> ; skos:notation "3.B.1" .
  OPTIONAL { ?item skos:prefLabel ?itemLabel FILTER(lang(?itemLabel) = "en") }
}"""),
    ("Same code, different item", """SELECT ?a ?b ?note WHERE {
  ?c eg:matchType/skos:notation "different-item" ; eg:correspondenceOf ?a ; eg:correspondsTo ?b .
  OPTIONAL { ?c eg:note ?note }
} LIMIT 50"""),
    ("Links between lists by type", """SELECT ?type ?method (COUNT(?c) AS ?links) WHERE {
  ?c a eg:Correspondence ; eg:matchType/skos:notation ?type ; eg:matchMethod/skos:notation ?method .
} GROUP BY ?type ?method ORDER BY DESC(?links)"""),
    ("Thresholds of 3A090 (US)", """SELECT ?item ?parameter ?comparator ?value ?unit WHERE {
  ?item skos:broader* <https://w3id.org/exportgraph/id/us/list/ccl/2026-07-23/3A090> ; eg:threshold ?t .
  ?t eg:comparator ?comparator ; eg:numericValue ?value ; eg:unit ?unit . OPTIONAL { ?t eg:parameter ?parameter }
} ORDER BY ?item"""),
    ("AG precursors and CWC chemicals with the same CAS number", """SELECT ?cas ?ag ?agLabel ?cwc ?cwcLabel WHERE {
  ?ag eg:casNumber ?cas ; skos:inScheme/eg:editionOf <https://w3id.org/exportgraph/id/regime/ag/list/common-control-lists> .
  ?cwc eg:casNumber ?cas ; skos:inScheme/eg:editionOf <https://w3id.org/exportgraph/id/regime/cwc/list/schedules> .
  OPTIONAL { ?ag skos:prefLabel ?agLabel FILTER(lang(?agLabel) = "en") }
  OPTIONAL { ?cwc skos:prefLabel ?cwcLabel FILTER(lang(?cwcLabel) = "en") }
} ORDER BY ?cas"""),
    ("Control entries linked to HS 8112.92", """SELECT ?entry ?entryLabel ?customs ?confidence WHERE {
  ?customs skos:notation ?n . FILTER(STRSTARTS(?n, "811292"))
  ?link eg:customsCode ?customs ; eg:controlEntry ?entry ; eg:confidence/skos:notation ?confidence .
  OPTIONAL { ?entry skos:prefLabel ?entryLabel FILTER(lang(?entryLabel) = "en") }
} ORDER BY ?entry"""),
    ("China's critical-minerals announcements", """SELECT ?instrument ?instrumentLabel ?adopted ?inForce WHERE {
  ?instrument a eg:LegalInstrument ; eg:jurisdiction <https://w3id.org/exportgraph/id/cn> ;
              eg:instrumentType/skos:notation "announcement" .
  OPTIONAL { ?instrument eli:date_document ?adopted } OPTIONAL { ?instrument eli:first_date_entry_in_force ?inForce }
  OPTIONAL { ?instrument eli:title ?instrumentLabel FILTER(lang(?instrumentLabel) = "en") }
} ORDER BY ?adopted"""),
    ("Licensing time limits", """SELECT ?procedure ?procedureLabel ?value ?unit ?basis WHERE {
  ?procedure a eg:Procedure . { ?procedure eg:timeLimit ?t } UNION { ?procedure eg:hasStep/eg:timeLimit ?t }
  ?t eg:numericValue ?value ; eg:unit/skos:notation ?unit . OPTIONAL { ?t eg:legalBasis ?basis }
  OPTIONAL { ?procedure skos:prefLabel ?procedureLabel FILTER(lang(?procedureLabel) = "en") }
} ORDER BY ?procedure"""),
    ("Licence types and how long they are valid", """SELECT ?licence ?licenceLabel ?kind ?value ?unit WHERE {
  ?licence a eg:LicenceType ; eg:licenceKind/skos:notation ?kind .
  OPTIONAL { ?licence eg:validityPeriod ?v . ?v eg:numericValue ?value ; eg:unit/skos:notation ?unit }
  OPTIONAL { ?licence skos:prefLabel ?licenceLabel FILTER(lang(?licenceLabel) = "en") }
} ORDER BY ?licence"""),
    ("What China's Export Control Law weighs (Art. 13)", """SELECT ?order ?factor ?factorLabel WHERE {
  ?factor a eg:ReviewFactor ; eg:stepOrder ?order ; eg:jurisdiction <https://w3id.org/exportgraph/id/cn> .
  OPTIONAL { ?factor skos:prefLabel ?factorLabel FILTER(lang(?factorLabel) = "en") }
} ORDER BY ?order"""),
    ("Japan's Group A over time", """SELECT ?destination ?from ?until WHERE {
  ?g eg:groupMemberOf ?group ; eg:destination ?destination ; eg:validFrom ?from .
  OPTIONAL { ?g eg:validUntil ?until }
  FILTER(CONTAINS(STR(?group), "jp/"))
} ORDER BY ?destination ?from LIMIT 100"""),
    ("Parties on more than one list", """SELECT ?party ?partyLabel (COUNT(DISTINCT ?list) AS ?lists) WHERE {
  ?listing eg:listedParty ?party ; eg:onList ?list .
  OPTIONAL { ?party rdfs:label ?partyLabel FILTER(lang(?partyLabel) = "en") }
} GROUP BY ?party ?partyLabel HAVING (COUNT(DISTINCT ?list) > 1) ORDER BY DESC(?lists) ?partyLabel LIMIT 50"""),
    ("Entity List listings in 2019", """SELECT ?party ?partyLabel ?date ?basis WHERE {
  ?listing eg:onList <https://w3id.org/exportgraph/id/us/list/entity-list> ; eg:listedParty ?party ;
           eg:listingDate ?date . OPTIONAL { ?listing eg:legalBasisText ?basis }
  FILTER(YEAR(?date) = 2019)
  OPTIONAL { ?party rdfs:label ?partyLabel FILTER(lang(?partyLabel) = "en") }
} ORDER BY ?date LIMIT 100"""),
    ("Positions on a dimension, with their dates", """SELECT ?jurisdiction ?value ?from ?until WHERE {
  ?p a eg:Position ; eg:dimension ?d ; eg:jurisdiction ?jurisdiction ; eg:codedValue/skos:notation ?value .
  ?d skos:notation "licensing-time-limit" .
  OPTIONAL { ?p eg:validFrom ?from } OPTIONAL { ?p eg:validUntil ?until }
} ORDER BY ?jurisdiction ?from"""),
    ("Case events in date order", """SELECT ?case ?date ?type WHERE {
  ?case eg:hasEvent ?event . ?event eg:eventDate ?date ; eg:eventType/skos:notation ?type
} ORDER BY ?date LIMIT 50"""),
    ("Sources by kind", """SELECT ?kind (COUNT(?s) AS ?sources) WHERE {
  ?s eg:sourceKind/skos:notation ?kind
} GROUP BY ?kind ORDER BY DESC(?sources)"""),
]

EXAMPLES: list[tuple[str, str]] = [(name, PREFIXES + body) for name, body in _BODIES]
