"""Parse the numeric thresholds of a control-list line into typed quantities (stdlib only).

Used by import_eu_annex_i.py and import_us_ccl.py. `parse_line(text, decimal_comma=...)` reads one
line (an EU Annex I line, a CCL paragraph) and returns a `LineResult`: the thresholds it understood
(parameter words, comparator gt/ge/lt/le/eq/range, value and upper value in SI-normalised form with a
unit code, the unit as written, the condition group) and whether every number of the line was
captured (`status`: whole, partial, none; `no-quantity` for a line without a quantity-like number).

The parser never guesses: a number is taken only with a comparator it knows and a unit of its table
(or, after a comparator, as a dimensionless number when no unknown word follows); "better than", an
unknown unit, an ambiguous "g" (gram or standard gravity) leave the number uncaptured, and the line is
then `partial` (some captured) or `none` (nothing captured: no thresholds are returned).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, getcontext

getcontext().prec = 28

# ------------------------------------------------------------------ units

D = Decimal
PI_180 = D("0.01745329251994329576923690768")
G0 = D("9.80665")

# base symbol -> (code, factor to the code's unit, allowed SI prefixes, quantity kind)
BASES = {
    "m": ("m", D(1), "pnμµmck", "length"),
    "g": ("kg", D("0.001"), "μµmk", "mass"),      # 'g' and 'mg' may be gravity: resolved per line
    "s": ("s", D(1), "fpnμµm", "time"),
    "Hz": ("Hz", D(1), "kMGT", "frequency"),
    "W": ("W", D(1), "pnμµmkMGT", "power"),
    "J": ("J", D(1), "μµmkMG", "energy"),
    "Wh": ("J", D(3600), "kMG", "energy"),
    "V": ("V", D(1), "μµmkM", "voltage"),
    "A": ("A", D(1), "pnμµmk", "current"),
    "Pa": ("Pa", D(1), "μµmkMG", "pressure"),
    "bar": ("Pa", D(100000), "m", "pressure"),
    "Torr": ("Pa", D("133.3223684210526315789473684"), "m", "pressure"),
    "N": ("N", D(1), "kM", "force"),
    "eV": ("eV", D(1), "kMG", "energy"),
    "Gy": ("Gy", D(1), "m", "absorbed dose"),
    "Bq": ("Bq", D(1), "kMGT", "activity"),
    "Ci": ("Bq", D("3.7e10"), "mμ", "activity"),
    "T": ("T", D(1), "mnμµ", "magnetic induction"),
    "H": ("H", D(1), "nμµm", "inductance"),
    "F": ("F", D(1), "pnμµm", "capacitance"),
    "S": ("S", D(1), "m", "conductance"),
    "rad": ("rad", D(1), "mμµ", "angle"),
    "bit": ("bit", D(1), "kMGT", "information"),
    "l": ("m3", D("0.001"), "m", "volume"),
    "L": ("m3", D("0.001"), "m", "volume"),
    "Sv": ("Sv", D(1), "mμµ", "dose equivalent"),
}
PREFIX = {"f": D("1e-15"), "p": D("1e-12"), "n": D("1e-9"), "μ": D("1e-6"), "µ": D("1e-6"), "m": D("1e-3"),
          "c": D("1e-2"), "k": D("1e3"), "M": D("1e6"), "G": D("1e9"), "T": D("1e12")}

# whole symbols or words -> (code, factor, kind); offset handled for °C / °F
WORDS = {
    "%": ("%", D(1), "fraction"), "percent": ("%", D(1), "fraction"), "per cent": ("%", D(1), "fraction"),
    "ppm": ("ppm", D(1), "fraction"), "parts per million": ("ppm", D(1), "fraction"),
    "ppb": ("ppm", D("0.001"), "fraction"), "parts per billion": ("ppm", D("0.001"), "fraction"),
    "dB": ("dB", D(1), "level"), "decibels": ("dB", D(1), "level"), "dBm": ("dBm", D(1), "power level"),
    "dBc": ("dBc", D(1), "level"), "dBi": ("dBi", D(1), "gain"), "dBc/Hz": ("dBc/Hz", D(1), "phase noise"),
    "dB/Hz": ("dB/Hz", D(1), "level"),
    "K": ("K", D(1), "temperature"), "kelvin": ("K", D(1), "temperature"), "mK": ("K", D("0.001"), "temperature"),
    "°": ("rad", PI_180, "angle"), "degrees": ("rad", PI_180, "angle"), "degree": ("rad", PI_180, "angle"),
    "deg": ("rad", PI_180, "angle"), "arc second": ("rad", PI_180 / 3600, "angle"),
    "arc seconds": ("rad", PI_180 / 3600, "angle"), "arc sec": ("rad", PI_180 / 3600, "angle"),
    "arcsec": ("rad", PI_180 / 3600, "angle"), "arc minute": ("rad", PI_180 / 60, "angle"),
    "arc minutes": ("rad", PI_180 / 60, "angle"), "radians": ("rad", D(1), "angle"),
    "min": ("s", D(60), "time"), "minute": ("s", D(60), "time"), "minutes": ("s", D(60), "time"),
    "h": ("s", D(3600), "time"), "hr": ("s", D(3600), "time"), "hour": ("s", D(3600), "time"),
    "hours": ("s", D(3600), "time"), "seconds": ("s", D(1), "time"), "second": ("s", D(1), "time"),
    "sec": ("s", D(1), "time"), "milliseconds": ("s", D("0.001"), "time"), "millisecond": ("s", D("0.001"), "time"),
    "microseconds": ("s", D("1e-6"), "time"), "nanoseconds": ("s", D("1e-9"), "time"),
    "picoseconds": ("s", D("1e-12"), "time"), "days": ("s", D(86400), "time"), "day": ("s", D(86400), "time"),
    "year": ("s", D(31557600), "time"), "years": ("s", D(31557600), "time"),
    "metres": ("m", D(1), "length"), "meters": ("m", D(1), "length"), "metre": ("m", D(1), "length"),
    "meter": ("m", D(1), "length"), "millimetres": ("m", D("0.001"), "length"),
    "millimeters": ("m", D("0.001"), "length"), "micrometres": ("m", D("1e-6"), "length"),
    "micrometers": ("m", D("1e-6"), "length"), "microns": ("m", D("1e-6"), "length"),
    "micron": ("m", D("1e-6"), "length"), "micrometer": ("m", D("1e-6"), "length"),
    "micrometre": ("m", D("1e-6"), "length"), "nanometer": ("m", D("1e-9"), "length"),
    "nanometre": ("m", D("1e-9"), "length"), "millimeter": ("m", D("0.001"), "length"),
    "millimetre": ("m", D("0.001"), "length"), "arc-second": ("rad", PI_180 / 3600, "angle"),
    "arc-seconds": ("rad", PI_180 / 3600, "angle"), "arc-minute": ("rad", PI_180 / 60, "angle"),
    "arc-minutes": ("rad", PI_180 / 60, "angle"), "nanometres": ("m", D("1e-9"), "length"),
    "nanometers": ("m", D("1e-9"), "length"), "kilometres": ("m", D(1000), "length"),
    "kilometers": ("m", D(1000), "length"), "inches": ("m", D("0.0254"), "length"),
    "inch": ("m", D("0.0254"), "length"), "feet": ("m", D("0.3048"), "length"), "ft": ("m", D("0.3048"), "length"),
    "foot": ("m", D("0.3048"), "length"), "nautical miles": ("m", D(1852), "length"),
    "kilograms": ("kg", D(1), "mass"), "kilogram": ("kg", D(1), "mass"), "grams": ("kg", D("0.001"), "mass"),
    "tonnes": ("kg", D(1000), "mass"), "tonne": ("kg", D(1000), "mass"), "t": ("kg", D(1000), "mass"),
    "metric tons": ("kg", D(1000), "mass"), "pounds": ("kg", D("0.45359237"), "mass"),
    "lb": ("kg", D("0.45359237"), "mass"), "lbs": ("kg", D("0.45359237"), "mass"),
    "watts": ("W", D(1), "power"), "watt": ("W", D(1), "power"), "kilowatts": ("W", D(1000), "power"),
    "megawatts": ("W", D(1000000), "power"), "milliwatts": ("W", D("0.001"), "power"),
    "volts": ("V", D(1), "voltage"), "kilovolts": ("V", D(1000), "voltage"), "amperes": ("A", D(1), "current"),
    "amps": ("A", D(1), "current"), "hertz": ("Hz", D(1), "frequency"), "joules": ("J", D(1), "energy"),
    "kilojoules": ("J", D(1000), "energy"), "pascals": ("Pa", D(1), "pressure"),
    "psi": ("Pa", D("6894.757293168361"), "pressure"), "atm": ("Pa", D(101325), "pressure"),
    "newtons": ("N", D(1), "force"), "knots": ("m/s", D(1852) / D(3600), "speed"),
    "rpm": ("rpm", D(1), "rotational speed"), "revolutions per minute": ("rpm", D(1), "rotational speed"),
    "r.p.m.": ("rpm", D(1), "rotational speed"),
    "bits": ("bit", D(1), "information"), "bytes": ("bit", D(8), "information"), "byte": ("bit", D(8), "information"),
    "kB": ("bit", D(8000), "information"), "MB": ("bit", D(8000000), "information"),
    "GB": ("bit", D(8000000000), "information"), "TB": ("bit", D(8000000000000), "information"),
    "Kbyte": ("bit", D(8000), "information"), "Mbyte": ("bit", D(8000000), "information"),
    "Gbyte": ("bit", D(8000000000), "information"), "gigabytes": ("bit", D(8000000000), "information"),
    "Gbps": ("bit/s", D("1e9"), "data rate"), "Mbps": ("bit/s", D("1e6"), "data rate"),
    "kbps": ("bit/s", D("1e3"), "data rate"), "bps": ("bit/s", D(1), "data rate"),
    "MSPS": ("Sa/s", D("1e6"), "sample rate"), "GSPS": ("Sa/s", D("1e9"), "sample rate"),
    "MS/s": ("Sa/s", D("1e6"), "sample rate"), "GS/s": ("Sa/s", D("1e9"), "sample rate"),
    "samples per second": ("Sa/s", D(1), "sample rate"),
    "TOPS": ("op/s", D("1e12"), "operation rate"), "GOPS": ("op/s", D("1e9"), "operation rate"),
    "GFLOPS": ("FLOP/s", D("1e9"), "operation rate"), "TFLOPS": ("FLOP/s", D("1e12"), "operation rate"),
    "Weighted TeraFLOPS": ("WT", D(1), "adjusted peak performance"), "WT": ("WT", D(1), "adjusted peak performance"),
    "atomic mass units": ("u", D(1), "mass"), "amu": ("u", D(1), "mass"),
    "ohms": ("ohm", D(1), "resistance"), "ohm": ("ohm", D(1), "resistance"), "Ω": ("ohm", D(1), "resistance"),
    "mΩ": ("ohm", D("0.001"), "resistance"), "kΩ": ("ohm", D(1000), "resistance"),
    "ohms/square": ("ohm/sq", D(1), "sheet resistance"), "ohm-cm": ("ohm.m", D("0.01"), "resistivity"),
    "ohm cm": ("ohm.m", D("0.01"), "resistivity"), "Mach": ("Mach", D(1), "Mach number"),
    "gauss": ("T", D("1e-4"), "magnetic induction"), "lux": ("lx", D(1), "illuminance"),
    "g/cm3": ("kg/m3", D(1000), "density"), "g/cm 3": ("kg/m3", D(1000), "density"),
    "n/cm2": ("1/m2", D(10000), "fluence"), "n/cm 2": ("1/m2", D(10000), "fluence"),
    "cm-1": ("1/m", D(100), "wavenumber"), "cm−1": ("1/m", D(100), "wavenumber"),
    "Rads (Si)": ("Gy", D("0.01"), "absorbed dose"), "rads (Si)": ("Gy", D("0.01"), "absorbed dose"),
    "rad (Si)": ("Gy", D("0.01"), "absorbed dose"), "rad(Si)": ("Gy", D("0.01"), "absorbed dose"),
    "Gy (Si)": ("Gy", D(1), "absorbed dose"), "Gy(Si)": ("Gy", D(1), "absorbed dose"),
    "Gy (silicon)": ("Gy", D(1), "absorbed dose"), "Gy(silicon)": ("Gy", D(1), "absorbed dose"),
    "MNs": ("N.s", D("1e6"), "impulse"), "kNs": ("N.s", D("1e3"), "impulse"), "Ns": ("N.s", D(1), "impulse"),
    "N·s": ("N.s", D(1), "impulse"), "Nm": ("N.m", D(1), "torque"), "N·m": ("N.m", D(1), "torque"),
    "mm/year": ("m/s", D("0.001") / D(31557600), "rate"),
    "in.": ("m", D("0.0254"), "length"), "millicuries": ("Bq", D("3.7e7"), "activity"),
    "curie": ("Bq", D("3.7e10"), "activity"), "curies": ("Bq", D("3.7e10"), "activity"),
    "atmospheres": ("Pa", D(101325), "pressure"), "grains": ("kg", D("0.00006479891"), "mass"),
    "square meters": ("m2", D(1), "area"), "square metres": ("m2", D(1), "area"),
    "square millimeters": ("m2", D("1e-6"), "area"), "square millimetres": ("m2", D("1e-6"), "area"),
    "square centimeters": ("m2", D("1e-4"), "area"), "square centimetres": ("m2", D("1e-4"), "area"),
    "cubic meters": ("m3", D(1), "volume"), "cubic metres": ("m3", D(1), "volume"),
    "litres": ("m3", D("0.001"), "volume"), "liters": ("m3", D("0.001"), "volume"),
    "litre": ("m3", D("0.001"), "volume"), "liter": ("m3", D("0.001"), "volume"),
    "r.p.m": ("rpm", D(1), "rotational speed"), "u": ("u", D(1), "mass"),
    "milliradians": ("rad", D("0.001"), "angle"), "microradians": ("rad", D("1e-6"), "angle"),
    "milliradian": ("rad", D("0.001"), "angle"), "microradian": ("rad", D("1e-6"), "angle"),
    "mGal": ("m/s2", D("1e-5"), "acceleration"), "mgal": ("m/s2", D("1e-5"), "acceleration"),
    "milligal": ("m/s2", D("1e-5"), "acceleration"), "Gal": ("m/s2", D("0.01"), "acceleration"),
    "frames per second": ("1/s", D(1), "frame rate"), "full frames per second": ("1/s", D(1), "frame rate"),
    "/K": ("1/K", D(1), "per kelvin"), "/°C": ("1/K", D(1), "per kelvin"), "per °C": ("1/K", D(1), "per kelvin"),
    "K-1": ("1/K", D(1), "per kelvin"),
}
TEMPS = {"°C": ("C", "°C"), "° C": ("C", "°C"), "oC": ("C", "°C"), "degrees C": ("C", "°C"),
         "degrees Celsius": ("C", "°C"), "°F": ("F", "°F"), "degrees F": ("F", "°F"),
         "degrees Fahrenheit": ("F", "°F")}
PER_WORDS = {"second": ("s", D(1)), "s": ("s", D(1)), "sec": ("s", D(1)), "minute": ("s", D(60)),
             "min": ("s", D(60)), "hour": ("s", D(3600)), "hr": ("s", D(3600)), "h": ("s", D(3600)),
             "day": ("s", D(86400))}
KINDS = {v[0]: v[2] for v in WORDS.values()}
KINDS.update({v[0]: v[3] for v in BASES.values()})
KINDS.update({"m2": "area", "m3": "volume", "m/s": "speed", "m/s2": "acceleration", "rad/s": "angular rate",
              "1": "number", "kg/s": "mass flow", "m3/s": "flow rate", "Hz/s": "frequency rate"})

# standard gravity units (accelerometers, shock): only where the line talks about acceleration
GRAVITY_CONTEXT = re.compile(r"accelerat|acceleromet|\bbias\b|\bshock\b|vibration|\bg[- ]level|\bg rms\b|"
                             r"scale factor|gravit", re.I)
MASS_CONTEXT = re.compile(r"\bmass\b|weigh|quantit|\bNEQ\b|explosive|\bload\b|\bpowder|capacity|per hour|"
                          r"\bof fluorine\b|\bcharge\b", re.I)

# count nouns: a number of things ("200 actuators") is a dimensionless count
COUNT_NOUNS = ("actuators", "pixels", "elements", "channels", "qubits", "physical qubits", "axes", "particles",
               "non-metallic particles", "alloy particles", "beams", "lines", "layers", "cells", "detectors",
               "stages", "turns", "transmit channels", "receive channels", "ether or thio-ether functions",
               "nodes", "transistors", "gates", "ports", "cores", "lanes", "wafers", "antennas", "modules",
               "subarrays", "waveguides", "independent sources", "failures", "errors", "operations",
               "revolutions", "bars", "blades", "passes", "samples", "points", "spots", "fibres", "fibers",
               "emitters", "lasers", "diodes", "dies", "chips", "memory cells", "bit cells", "tracks",
               "mirrors", "heads", "nozzles", "ions", "atoms", "photons", "electrons", "times", "terminals",
               "active pixels", "frames", "steps", "positions", "cycles")


def _unit_table():
    table: dict[str, tuple[str, Decimal, str]] = {}
    for base, (code, f, prefixes, kind) in BASES.items():
        table[base] = (code, f, kind)
        for p in prefixes:
            table[p + base] = (code, f * PREFIX[p], kind)
    table.update(WORDS)
    for k in ("Gbit/s", "Mbit/s", "kbit/s", "Tbit/s"):
        table[k] = ("bit/s", PREFIX[k[0] if k[0] != "k" else "k"], "data rate")
    table["bit/s"] = ("bit/s", D(1), "data rate")
    return table


UNITS = _unit_table()
SIMPLE = sorted(UNITS, key=len, reverse=True)
SIMPLE_RE = "|".join(re.escape(u) for u in SIMPLE)
EXPO = r"(?:\s?[23²³](?![\d.,]))?"
UNIT_ATOM = rf"(?:{SIMPLE_RE}){EXPO}"
# a unit: atom, optionally "/atom" or " per atom" (one level), or a temperature
UNIT_RE = re.compile(
    rf"(?P<temp>{'|'.join(re.escape(t) for t in sorted(TEMPS, key=len, reverse=True))})(?![A-Za-z])"
    rf"|(?P<u>{UNIT_ATOM}(?:\s?/\s?{UNIT_ATOM}|\s+per\s+(?:square\s+)?(?:{UNIT_ATOM}))?)"
    rf"(?![A-Za-z0-9µμ°Ω/·²³])")


def _atom_value(atom: str):
    """(code, factor, kind) of one unit atom with an optional exponent, or None."""
    atom = atom.strip()
    m = re.match(rf"^({SIMPLE_RE})\s?([23²³])?$", atom)
    if not m:
        return None
    code, f, kind = UNITS[m.group(1)]
    e = m.group(2)
    if e:
        n = 2 if e in "2²" else 3
        if code not in ("m",):
            return None
        return (f"m{n}", f ** n, "area" if n == 2 else "volume")
    return code, f, kind


def read_unit(s: str):
    """(code, factor, kind, written, offset) of a unit written at the start of s, or None."""
    m = UNIT_RE.match(s)
    if not m:
        return None
    if m.group("temp"):
        scale, sym = TEMPS[m.group("temp")]
        return ("K", D(1) if scale == "C" else D(5) / D(9), "temperature", m.group(0), scale)
    text = m.group("u")
    if text in UNITS:
        code, f, kind = UNITS[text]
        return code, f, kind, text, None
    parts = re.split(r"\s?/\s?|\s+per\s+(?:square\s+)?", text)
    if len(parts) == 1:
        one = _atom_value(text)
        return (*one, text, None) if one else None
    if len(parts) != 2:
        return None
    num = _atom_value(parts[0])
    sq = " per square " in text
    den = _atom_value(parts[1] + (" 2" if sq else "")) if not sq else _atom_value(parts[1] + "2")
    if num is None or den is None:
        return None
    dcode = den[0]
    if dcode == "1" or num[0] in ("%", "ppm", "dB", "dBm", "rpm"):
        return None
    code = f"{num[0]}/{dcode}"
    code = {"N/m2": "Pa", "J/s": "W", "W.s": "J"}.get(code, code)
    kind = "angular rate" if num[0] == "rad" and dcode == "s" else KINDS.get(code, f"{num[2]} per {den[2]}")
    return code, num[1] / den[1], kind, text, None


# ------------------------------------------------------------------ numbers and references

EU_NUM = r"\d{1,3}(?:[\u2009\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
US_NUM = r"\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?"
POW = r"(?:\s?[×x]\s?10\s?\^?\s?(?P<esign>[-−])?\s?(?P<exp>\d{1,2}))?"

REFS = [
    r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*\.?",                       # list codes 3A001.a.1
    r"\b\d\.[A-E]\.\d+(?:\.[a-z0-9]+)*",                          # WA codes 3.A.1.a
    r"\b\d[A-E](?:\d{3})?\b",                                      # groups and entries: 2A, 2B, 3A001
    r"\b(?:CAS|C\.A\.S\.)\s*(?:No\.?|#)?\s*[\d\s,-]+\d",          # CAS numbers
    r"\b\d{2,7}-\d{2}-\d\b",
    r"\b(?:Notes?|Part|Parts|Category|Categories|Cat\.|No\.|Nos\.|Schedule|Table|Annex|Article|Art\.|Supplement|"
    r"Section|Sections|paragraph|paragraphs|ISO|IEC|ASTM|EN|DIN|NIJ|Level|level|Class|class|Group|Groups|Type|"
    r"Chapter|Figure|Step|Standard|standard|version|Version|Rev\.|Revision|Rule|FAR|RTCA|JEDEC|SAE|ICAO|"
    r"Recommendation|Items?|items?|Columns?|columns?|Categories|Appendix|Regulation|Directive|Decision|part|"
    r"Sub-category|sub-paragraph|subparagraph|Title|title|Nos|ECCN|ECCNs|USML|CFR|U\.S\.C\.|Unit|Stage|stage|"
    r"Annexes|Tier|tier|Volume|vol\.|Method|method|Specification|specification|Protocol|protocol|"
    r"Release|release|List|list|Sub-paragraphs|Resolution|Schedules)"
    r"\s+(?:[A-Z]{1,3}[-\s])?\d+[A-Za-z]?(?:[.:()\-]\d*[A-Za-z]?)*(?:\s*(?:,|and|or|to|through)\s*\d+[A-Za-z]?)*",
    r"§+\s*\d+(?:\.\d+)*(?:\([a-z0-9]+\))*",
    r"\b(?:MIL|STD|DO|AMS|AS|ANSI|IEEE|ITU|NEMA|NACE|MPIF|MIL-[A-Z]+|SAE-[A-Z]+|[A-Z]{1,5})-\d[\w.\-/]*",
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\d{1,2},?)?\s+(?:19|20)\d\d\b",
    r"\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(?:19|20)\d\d\b",
    r"\b[A-D]:\d\b",
    r"\b\d\s?(?:sigma|σ)\b",
    r"(?<!\d\s)\b(?:H|N|O|C|Si|Ge|Al|Ga|As|In|P|F|Cl|S|B|Ti|Zr|Hf|Nb|Ta|Mo|Co|Ni|Cu|Fe|Li|Be|Mg|Ca|Sr|Ba|U|Pu|Th)"
    r"\s\d{1,2}\b(?!\s*(?:[%°]|[a-zA-Zμµ]{1,3}\b(?<!\band)(?<!\bor)))",      # formulas as rendered: (H 2 ), (NH 3 )
    r"\b\d+(?:,\d+)*-(?=[A-Za-z(\[])",                            # chemical locants: 1,2-Diethyl, 3,6-di
    r"\b\d+\s+series\b|\b\d+\s+CFR\s+[\d.]+|\bType\s+\d+(?:\s*(?:and|or|,)\s*\d+)*",                                       # mean + 3 sigma
    r"(?<=[A-Za-z])-\d+\b",                                      # isotopes: silicon-28, U-235                                              # country groups D:5
    r"\(\s*(?:\d{1,2}|[ivx]+|[a-z])\s*\)",                         # list markers (1) (ii) (a)
    r"\b[A-Z][a-z]?\d+(?:\.\d+)?(?=[A-Z(\s,;.)]|$)",              # formulas: UF6, H2S, Si0.70 (letter+digits)
]
REF_RE = re.compile("|".join(f"(?:{r})" for r in REFS))

# ------------------------------------------------------------------ comparators

PRE = [
    (r"(?:greater|more|higher|larger) than or equal(?: to)?|equal to or (?:more|greater|higher|larger) than|"
     r"equal to or exceeding|equal to or greater|not less than|no less than|at least|a minimum of|"
     r"minimum of|≥|=>|>=", "ge"),
    (r"(?:less|lower|smaller|fewer) than or equal(?: to)?|equal to or (?:less|lower|smaller|fewer) than|"
     r"equal to or (?:less|lower|smaller)(?: \(better\))? than|not exceeding|not to exceed|does not exceed|"
     r"do not exceed|not more than|no more than|no greater than|not greater than|up to and including|up to|"
     r"a maximum of|maximum of|≤|=<|<=", "le"),
    (r"equal to or (?:longer|wider|thicker|faster) than|equal to or above", "ge"),
    (r"equal to or below", "le"),
    (r"equal to or (?:shorter|narrower|thinner|slower) than", "le"),
    (r"exceeding|exceeds|exceed|in excess of|(?:more|greater|higher|larger|longer|wider|thicker|faster) than|"
     r"above|>", "gt"),
    (r"(?:less|lower|smaller|fewer|shorter|narrower|thinner|slower) than|below|<", "lt"),
]
PRE_RE = [(re.compile(rf"(?:^|(?<=[\s(\"'“‘]))(?:{p})\s*(?:of\s+|than\s+)?(?:±\s*)?$", re.I), c) for p, c in PRE]
POST_RE = [
    (re.compile(r"^\s*(?:or|and) (?:more|greater|higher|larger|above|over)\b(?!\s+than)", re.I), "ge"),
    (re.compile(r"^\s*(?:or|and) (?:less|lower|smaller|fewer|below|under)\b(?!\s+than)", re.I), "le"),
]
NOT_EQ = re.compile(r"(?:than|better|worse|within|±|approximately|about|around|nominal(?:ly)?|typical(?:ly)?|"
                    r"times|ratio of|by|per|[×x+*=/-])\s*(?:of\s+)?$", re.I)
RANGE_PRE = re.compile(r"(?:from|between|range(?: of)?|ranges? from|in the range(?: of)?|within the range(?: of)?|"
                       r"range(?:s)? (?:of|from))\s*$", re.I)
RANGE_MID = re.compile(r"^\s*(?:to|and|-|–|through)\s*$", re.I)
BOUND_MID = re.compile(r"^\s*,?\s*(?:but|and|,)?\s*$", re.I)
CONJ = re.compile(r"\b(and/or|and|or|but)\b", re.I)
STOP_LEAD = {"a", "an", "maximum", "minimum", "total", "the", "having", "with", "of", "and", "or", "any", "for", "at", "in", "within", "to", "by",
             "than", "but", "is", "are", "which", "that", "its", "their", "each", "all", "both", "either", "as",
             "when", "while", "specified", "capable", "rated"}
STOP_TAIL = {"of", "a", "an", "the", "is", "be", "being", "having", "with", "to", "at", "and", "or", "in", "for",
             "by", "equal", "not", "than", "are", "which", "that", "has", "have", "its", "rated", "capable",
             "designed", "specified", "any", "frequency range", "measured", "per", "as"}


@dataclass
class Threshold:
    parameter: str
    comparator: str           # gt ge lt le eq range
    value: Decimal            # SI-normalised (the lower bound of a range)
    upper: Decimal | None     # upper bound of a range
    unit: str                 # normalised unit code ('1' for a dimensionless number or a count)
    symbol: str | None        # the unit as written
    group: int | None = None  # condition group: same group = 'and', different = 'or'; None = not known
    span: tuple[int, int] = (0, 0)
    kind: str = ""            # quantity kind of the unit (frequency, length ...)


@dataclass
class LineResult:
    thresholds: list[Threshold] = field(default_factory=list)
    status: str = "no-quantity"    # whole | partial | none | no-quantity
    numbers: int = 0
    captured: int = 0
    uncaptured: list[str] = field(default_factory=list)
    grouping: str = ""             # and | or | single | mixed (not known)


def to_decimal(num: str, decimal_comma: bool) -> Decimal:
    s = re.sub(r"[\u2009\u202f ]", "", num)
    s = s.replace(",", ".") if decimal_comma else s.replace(",", "")
    return Decimal(s)


def normalise(text: str) -> str:
    t = text.replace("\u2212", "-").replace("\u00a0", " ").replace("*", "")
    t = re.sub(r"(?<=\d)[\u2009\u202f](?=\d{3}\b)", "\u2009", t)
    t = re.sub(r"[ \t\r\n]+", " ", t)
    # "less (better) than", "better (less) than", "equal to or better (less) than": the word in or before
    # the brackets says which way; "better than" alone is not read (it depends on the parameter)
    t = re.sub(r"\b(less|lower|smaller|fewer|more|greater|higher) \((?:better|worse|lower|higher)\)( than)", r"\1\2", t)
    t = re.sub(r"\b(?:better|worse) \((less|lower|smaller|more|greater|higher)\)( than)", r"\1\2", t)
    t = re.sub(r"\bequal to or (less|lower|more|greater) \((?:better|worse)\)", r"equal to or \1", t)
    t = re.sub(r"\bGiga Samples Per Second \(GSPS\)", "GSPS", t)
    t = re.sub(r"\bMega Samples Per Second \(MSPS\)", "MSPS", t)
    return t


def mask(text: str) -> str:
    """The text with references (codes, notes, standards, dates, formulas) replaced by '_' (same length)."""
    return REF_RE.sub(lambda m: "_" * len(m.group(0)), text)


@dataclass
class _Atom:
    start: int
    end: int
    value: Decimal
    unit: tuple | None     # (code, factor, kind, written, temp-scale)
    raw: str
    numbers: list[int]     # start offsets of the numbers it consumes


def _atoms(t: str, m: str, decimal_comma: bool, gravity: bool | None):
    num = EU_NUM if decimal_comma else US_NUM
    pat = re.compile(rf"(?<![A-Za-z0-9_.,])10(?P<bexp>[-−]\d{{1,2}})(?![\d,.])"
                     rf"|(?<![A-Za-z0-9_.,\u2009])(?P<neg>[-+]\s?)?(?P<pm>±\s?)?(?P<n>{num}){POW}")
    out = []
    for a in pat.finditer(m):
        nstart = a.start("n") if a.group("n") else a.start()
        if a.group("bexp"):
            value = D(10) ** int(a.group("bexp").replace("−", "-"))
            rest_at = a.end()
        else:
            value = to_decimal(a.group("n"), decimal_comma)
            if a.group("exp"):
                e = int(a.group("exp"))
                value = value * (D(10) ** (-e if a.group("esign") else e))
            if a.group("neg") == "-" and (a.start() == 0 or m[a.start() - 1] in " (,"):
                value = -value
            rest_at = a.end()
        rest = m[rest_at:]
        # ratio A:B
        r = re.match(r"^:(\d+(?:[.,]\d+)?)(?![\d])", rest)
        if r:
            den = to_decimal(r.group(1), decimal_comma)
            if den == 0:
                continue
            out.append(_Atom(a.start(), rest_at + r.end(), value / den, ("1", D(1), "ratio", None, None),
                             t[a.start():rest_at + r.end()], [nstart, rest_at + 1]))
            continue
        sp = re.match(r"^[\s-]?", rest).group(0)
        u = read_unit(rest[len(sp):]) if not rest.startswith("-") or len(sp) else None
        before_unit = False
        if u is None and re.search(r"\bMach\s$", m[:a.start()]):
            u, sp = ("Mach", D(1), "Mach number", "Mach", None), ""
            before_unit = True
        if u is None and rest[:1] in " -":
            u = read_unit(rest[1:])
            sp = rest[:1]
        unit = None
        end = rest_at
        if u is not None and before_unit:
            unit, u = u, None
        if u is not None:
            code, f, kind, written, scale = u
            if code == "kg" and written.rstrip("s") in ("g", "mg", "μg", "µg", "kg") and written in ("g", "mg", "μg", "µg"):
                if gravity is None:
                    unit = ("?", D(1), "ambiguous g", written, None)
                elif gravity:
                    unit = ("m/s2", G0 * (D("0.001") if written == "mg" else D("1e-6") if written in ("μg", "µg") else D(1)),
                            "acceleration", written, None)
                else:
                    unit = u
            else:
                unit = u
            end = rest_at + len(sp) + len(written)
            # trailing (Si) for doses written 'Gy (Si)' was in the table; skip '(silicon)' etc. not needed
        if re.match(r"^\s*(?:[×*/]|sec\(|per\s+(?:square|cubic|second|minute|hour|day|year|"
                    r"(?:[kmcμµn]?m|s|h|kg|g|l|K|Hz|W|V|A)\b|kilogram|gram|met(?:er|re)|mill|centi|micro|kilo|"
                    r"litre|liter|unit|sqrt|root))", m[end:]):
            continue                                      # a formula (15 cm × GHz × N/f), not a threshold
        out.append(_Atom(a.start(), end, value, unit, t[a.start():end], [nstart]))
        if a.group("pm"):
            out[-1].pm = True  # type: ignore[attr-defined]
            if unit is not None and unit[4] == "C":
                out[-1].unit = (*unit[:4], "pm")
    return out


def _quantity_numbers(m: str, decimal_comma: bool) -> list[int]:
    """Start offsets of the quantity-like numbers of the masked text (not part of a word or reference)."""
    num = EU_NUM if decimal_comma else US_NUM
    out = []
    for a in re.finditer(rf"(?<![A-Za-z0-9_.,])10[-−]\d{{1,2}}(?![\d,.])|(?<![A-Za-z0-9_.,\u2009])(?:{num}){POW}", m):
        after = m[a.end():a.end() + 12]
        if re.match(r"^[A-Za-z]", after) and not read_unit(after):
            continue                                      # 3D, 5G, 2nd
        if re.match(r"^-[A-Za-z]", after) and not read_unit(after[1:]):
            continue                                      # 2-dimensional, 3-axis
        out.append(a.start())
    return out


def _param(before: str, kind: str) -> str:
    """A few words naming what the threshold measures, from the text of its clause before the comparator:
    a quoted term that ends the clause ("'adjusted update rate' exceeding"), else its last words."""
    before = re.sub(r"_+", " ", before)
    before = re.sub(r"\bMach\s*$", "", before)
    parts = [p for p in re.split(r",|;|:|\(|\)|\[|\]|\b(?:and|or|but|with|having|at|when|while|for|where)\b",
                                 before) if p.strip()]
    part = parts[-1] if parts else ""
    q = list(re.finditer(r"[\"“'‘]([^\"”'’]{2,80})[\"”'’]", part))
    if q and len(part[q[-1].end():].split()) <= 3:
        return q[-1].group(1).strip()
    words = re.sub(r"[\"“”'‘’]", "", part).split()
    words = [w for w in words if not re.search(r"\d", w)]

    def strip(ws):
        while ws and ws[0].lower() in STOP_LEAD:
            ws = ws[1:]
        while ws and ws[-1].lower() in STOP_TAIL:
            ws = ws[:-1]
        return ws
    words = strip(strip(words)[-6:])
    out = " ".join(words).strip(" .-")
    return out or kind


def parse_line(text: str, decimal_comma: bool = False) -> LineResult:
    """Parse one line. EU texts use the decimal comma (decimal_comma=True); US texts the decimal point."""
    t = normalise(text)
    t = re.sub(r"[;,.]?\s*(?:;\s*)?(?:and|or)\s*$", "", t).rstrip(" ;.:")
    m = mask(t)
    res = LineResult()
    numbers = _quantity_numbers(m, decimal_comma)
    res.numbers = len(numbers)
    if not numbers:
        return res
    gravity = True if GRAVITY_CONTEXT.search(t) else False if MASS_CONTEXT.search(t) else None
    atoms = _atoms(t, m, decimal_comma, gravity)
    # merge parenthetical equivalents "373 K (100 °C)", "40 W (46 dBm)", "(1 × 103 Gy(Si))"
    merged: list[_Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        j = i + 1
        while (j < len(atoms) and a.unit is not None and atoms[j].unit is not None
               and re.fullmatch(r"\s*\(\s*", m[a.end:atoms[j].start])
               and re.match(r"^\s*\)", m[atoms[j].end:])):
            close = m.index(")", atoms[j].end) + 1
            a = _Atom(a.start, a.end, a.value, a.unit, a.raw, a.numbers + atoms[j].numbers)
            a.eqv_end = close  # type: ignore[attr-defined]
            j += 1
        merged.append(a)
        i = j
    atoms = merged

    def tail_end(a):
        return getattr(a, "eqv_end", a.end)

    found: list[Threshold] = []
    consumed: set[int] = set()
    k = 0
    prev_end = 0
    while k < len(atoms):
        a = atoms[k]
        before = re.sub(r"\bMach\s*$", "", m[prev_end:a.start])
        after = m[tail_end(a):]
        nxt = atoms[k + 1] if k + 1 < len(atoms) else None
        comp = None
        for rx, c in PRE_RE:
            mm = rx.search(before)
            if mm:
                comp, cstart = c, prev_end + mm.start()
                break
        post = None
        for rx, c in POST_RE:
            pm = rx.match(re.sub(r"^\s*\((?:better|worse)\)", "", after))
            if pm:
                post = c
                break
        unit = a.unit
        # ranges: "from X to Y unit", "X to Y unit", "between X and Y unit"
        if nxt is not None and RANGE_MID.match(m[tail_end(a):nxt.start]) and comp is None and post is None:
            rp = RANGE_PRE.search(before)
            u1, u2 = a.unit, nxt.unit
            mid = m[tail_end(a):nxt.start].strip().lower()
            if (rp or mid in ("to", "-", "–", "through")) and u2 is not None and (u1 is None or u1[0] == u2[0]) \
                    and u2[0] != "?" and not (mid == "and" and not rp):
                lo = _convert(a.value, u1 or u2)
                hi = _convert(nxt.value, u2)
                if lo is not None and hi is not None and lo <= hi:
                    pstart = prev_end + rp.start() if rp else a.start
                    found.append(Threshold(_param(m[prev_end:pstart], u2[2]), "range", lo, hi, u2[0],
                                           _symbol(u2), span=(pstart, tail_end(nxt)), kind=u2[2]))
                    consumed.update(a.numbers + nxt.numbers)
                    prev_end = tail_end(nxt)
                    k += 2
                    continue
        if comp is None and post is not None:
            comp, cstart = post, a.start
        if unit is not None and unit[0] == "?":
            k += 1
            prev_end = tail_end(a)
            continue
        if re.search(r"\d\s$", m[:a.start]) or (unit is None and re.search(r"(?:/[A-Za-z]+|\b[A-Z])\s?$", before)):
            k += 1                                        # "10 5 Pa", "MJ/M 3": a lost superscript
            prev_end = tail_end(a)
            continue
        if unit is None:
            # a dimensionless number after a comparator, if no unknown word follows
            if comp is None:
                k += 1
                prev_end = tail_end(a)
                continue
            cn = _count_noun(after)
            if cn:
                unit = ("1", D(1), "count", cn, None)
                a.end = a.end + after.index(cn) + len(cn)
            elif re.match(r"^\s*(?:$|[;,.)\]]|(?:and|or|but|in|at|for|with|when|over|under|on|from|to|"
                          r"of the|is|are|as|\()\b|\(|or more|or less|and more|and less)", after, re.I) \
                    or (post and re.match(r"^\s*(?:or|and) \w+", after)):
                unit = ("1", D(1), "number", None, None)
            else:
                k += 1
                prev_end = tail_end(a)
                continue
        if comp is None:
            if NOT_EQ.search(before) or re.search(r"\bthan\s*\S*\s*$", before, re.I) \
                    or getattr(a, "pm", False) or re.match(r"^\s*[<>≤≥±]", after) or re.search(r"[<>≤≥±]\s*\S*\s*$", before):
                k += 1
                prev_end = tail_end(a)
                continue
            comp, cstart = "eq", a.start
            # "more than 25 % nickel and 20 % chromium": the comparator carries over one noun and "and"
            if found and found[-1].unit == unit[0] and found[-1].comparator in ("gt", "ge", "lt", "le") \
                    and found[-1].span[1] == prev_end and re.fullmatch(r"\s*[A-Za-z-]+\s+and\s*", before):
                comp = found[-1].comparator
        value = _convert(a.value, unit)
        if value is None:
            k += 1
            prev_end = tail_end(a)
            continue
        end = tail_end(a)
        if post is not None:
            pm2 = re.match(r"^\s*(?:\((?:better|worse)\)\s*)?(?:or|and) \w+", m[end:])
            end += pm2.end() if pm2 else 0
        th = Threshold(_param(m[prev_end:cstart], unit[2]), comp, value, None, unit[0], _symbol(unit),
                       span=(cstart, end), kind=unit[2])
        # "exceeding X but not exceeding Y", "X or more and less than Y", "≥ X and ≤ Y": a bounded range
        if nxt is not None and comp in ("gt", "ge") and BOUND_MID.match(_strip_mid(m[end:nxt.start])):
            nb = m[end:nxt.start]
            ncomp = None
            for rx, c in PRE_RE:
                if rx.search(nb):
                    ncomp = c
                    break
            nu = nxt.unit or (unit if unit[0] in ("1",) else None)
            if ncomp in ("lt", "le") and nu is not None and nu[0] == unit[0]:
                hi = _convert(nxt.value, nu)
                if hi is not None and hi >= value:
                    th.comparator, th.upper = "range", hi
                    th.span = (cstart, tail_end(nxt))
                    if nxt.unit is None and unit[0] == "1":
                        pass
                    found.append(th)
                    consumed.update(a.numbers + nxt.numbers)
                    prev_end = tail_end(nxt)
                    k += 2
                    continue
        found.append(th)
        consumed.update(a.numbers)
        prev_end = end
        k += 1
    res.thresholds = found
    for th in found:
        consumed.update(n for n in numbers if th.span[0] <= n < th.span[1])
    res.captured = len([n for n in numbers if n in consumed])
    res.uncaptured = [t[n:n + 20] for n in numbers if n not in consumed]
    if not found:
        res.status = "none"
        return res
    res.status = "whole" if res.captured == res.numbers else "partial"
    # condition groups from the words between consecutive thresholds
    conns = []
    for x, y in zip(found, found[1:]):
        gap = m[x.span[1]:y.span[0]]
        c = CONJ.search(gap)
        w = c.group(1).lower() if c else "and"
        conns.append("and" if w == "but" else w)
    if not conns:
        res.grouping = "single"
    elif all(c == "and" for c in conns):
        res.grouping = "and"
    elif all(c == "or" for c in conns):
        res.grouping = "or"
    else:
        res.grouping = "mixed"
    if res.status == "whole" and res.grouping != "mixed":
        g = 1
        for n, th in enumerate(found):
            if n and conns[n - 1] == "or":
                g += 1
            th.group = g
    return res


def _strip_mid(s: str) -> str:
    """The connector between a lower and an upper bound, without the upper bound's comparator."""
    for rx, _c in PRE_RE:
        mm = rx.search(s)
        if mm:
            return s[:mm.start()]
    return "§"


def _count_noun(after: str):
    s = after.lstrip()
    for n in sorted(COUNT_NOUNS, key=len, reverse=True):
        if re.match(rf"^(?:[\"'‘“]?)(?:{re.escape(n)})\b", s, re.I):
            return s[:len(n) + (1 if s[:1] in "\"'‘“" else 0)]
    return None


def _convert(value: Decimal, unit) -> Decimal | None:
    if unit is None:
        return value
    code, f, kind, written, scale = unit
    if scale == "C":
        return value + D("273.15")
    if scale == "F":
        return (value - 32) * D(5) / D(9) + D("273.15")
    if scale == "pm":     # ± a temperature: a difference, no offset
        return value * f
    return value * f


def _symbol(unit) -> str | None:
    return unit[3] if unit else None


def fmt_decimal(d: Decimal):
    """A number for the YAML file: int when integral, else a float when it round-trips, else a string."""
    try:
        d = Decimal(format(d, ".15g"))
    except InvalidOperation:
        return str(d)
    d = d.normalize()
    if d == d.to_integral_value():
        return int(d)
    f = float(d)
    if Decimal(repr(f)) == d and "e" not in repr(f):
        return f
    return format(d, "f")


class Tally:
    """Counts of lines by status, comparators and units, for the import scripts' headers."""

    def __init__(self):
        self.lines = Counter()
        self.comparators = Counter()
        self.units = Counter()
        self.grouping = Counter()

    def add(self, res: LineResult, written: bool = True) -> None:
        self.lines[res.status] += 1
        if written and res.thresholds:
            self.grouping[res.grouping] += 1
            for th in res.thresholds:
                self.comparators[th.comparator] += 1
                self.units[th.unit] += 1

    def summary(self) -> dict[str, int]:
        total = sum(v for k, v in self.lines.items() if k != "no-quantity")
        return {"lines": total, "whole": self.lines["whole"], "partial": self.lines["partial"],
                "none": self.lines["none"]}
