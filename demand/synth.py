"""A synthetic police force: every extract table of demand.schema, with realistic repeats.

``generate(out_dir, scale, seed, end)`` writes one parquet file per table plus
``synth_manifest.json`` (what was planted, so tests and the calibration report can find it).

How the data gets its shape (all vectorised numpy, no per-event Python loops):

* Places and people are drawn with a *rank trick*: within a ward, entity rank
  ``floor(S * U**gamma)`` for uniform U. A gamma above 1 piles draws onto low ranks, which
  gives the heavy tails practitioners see (a few places, victims, offenders and callers
  carry a large share of demand) with a single readable knob per entity.
* Events come in *chains*: a first event at a background time (season x weekday x hour
  profile), then follow-ups at the same place, often with the same people, after
  mostly short gaps. That is what makes repeats cluster soon after the previous event.
* Stories (emerging hotspots, a rising crime type, a repeat-caller cohort whose calls fall
  after an intervention, a care home with many missing episodes) are planted on top and
  recorded in the manifest, as are the data defects real extracts carry.

Same seed, scale and end give the same content: numpy.random.default_rng(seed) is the only
source of randomness and nothing reads the clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from demand import geography, stats, synth_powers
from demand.schema import (
    CALL_GRADES,
    CRIME_CATEGORIES,
    GEOCODE_PRECISIONS,
    LINK_ROLES,
    LOCATION_TYPES,
    MISSING_RISKS,
    TABLES,
)

# Fixed so that output never depends on when it is generated; pass end= to override.
DEFAULT_END = date(2026, 10, 31)

# Heavy-tail knobs, tuned against the calibration report. Places: a share of events goes
# to the ward's few busy places (the first HOT_PLACES of its gazetteer, by the rank trick),
# the rest anywhere in the ward, so most places see one event and a few see dozens.
HOT_PLACES = 0.006
P_HOT_CRIME = 0.50
P_HOT_CALL = 0.62
P_CROWD_VICTIM = 0.5  # personal crime away from home: victim from the night-time crowd
P_VULNERABLE = 0.30  # victim from the ward's pool of people targeted again and again
GAMMA_VULNERABLE = 5.0
P_SAME_VICTIM = 0.3  # a follow-up crime in a chain has the same victim
MISSING_RATE_SCALE = 1.6  # scale of the gamma-distributed yearly missing rate
GAMMA_HOT = 1.5
RISING_P = 2e-5  # the planted rising crime type's E-test p, latest 90 days against the 90 before
GAMMA_OFFENDER = 4.5  # rank trick exponent for offenders: higher = more concentrated

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class Scale:
    districts: tuple[str, ...]
    years: int
    crimes: int
    calls: int
    missing: int
    cohort: int  # repeat callers in the intervention cohort
    frequent_caller_rates: tuple[int, ...]  # calls a year of the planted very frequent callers
    knife_carriers: int
    hotspots: int = 3
    rising_wards: int = 3


SCALES: dict[str, Scale] = {
    "small": Scale(
        districts=("E06000016", "E07000135"),
        years=3,
        crimes=50_000,
        calls=150_000,
        missing=3_600,
        cohort=20,
        frequent_caller_rates=(140, 170, 210, 260, 340),
        knife_carriers=4,
    ),
    "force": Scale(
        districts=tuple(geography.DISTRICTS),
        years=5,
        crimes=1_750_000,
        calls=7_500_000,
        missing=110_000,
        cohort=60,
        frequent_caller_rates=tuple(int(r) for r in np.geomspace(130, 420, 16)),
        knife_carriers=30,
    ),
}

# --- vocabularies ----------------------------------------------------------------------

CAT = {c: i for i, c in enumerate(CRIME_CATEGORIES)}
LTYPE = {t: i for i, t in enumerate(LOCATION_TYPES)}

# Home Office-style offence descriptions per police.uk category, with rough weights.
OFFENCES: dict[str, list[tuple[str, float]]] = {
    "Violence and sexual offences": [
        ("Common assault and battery", 0.30), ("Assault occasioning actual bodily harm", 0.20),
        ("Harassment", 0.12), ("Malicious communications", 0.10), ("Stalking", 0.04),
        ("Controlling or coercive behaviour", 0.04), ("Threats to kill", 0.03),
        ("Wounding with intent to do grievous bodily harm", 0.03),
        ("Sexual assault on a female aged 13 and over", 0.05),
        ("Rape of a female aged 16 and over", 0.03), ("Assault with injury on a constable", 0.02),
        ("Exposure and voyeurism", 0.04),
    ],
    "Bicycle theft": [("Theft or unauthorised taking of a pedal cycle", 1.0)],
    "Burglary": [("Burglary - residential", 0.62), ("Burglary - business and community", 0.25),
                 ("Attempted burglary - residential", 0.13)],
    "Criminal damage and arson": [("Criminal damage to a dwelling", 0.30),
                                  ("Criminal damage to a vehicle", 0.35),
                                  ("Other criminal damage", 0.28), ("Arson not endangering life", 0.07)],
    "Drugs": [("Possession of cannabis", 0.60), ("Possession of controlled drugs (excluding cannabis)", 0.22),
              ("Trafficking in controlled drugs", 0.18)],
    "Other crime": [("Breach of a restraining or non-molestation order", 0.35),
                    ("Perverting the course of justice", 0.10), ("Obscene publications", 0.15),
                    ("Other notifiable offences", 0.40)],
    "Other theft": [("Other theft", 0.45), ("Theft from a dwelling", 0.20),
                    ("Making off without payment", 0.25), ("Theft by an employee", 0.10)],
    "Possession of weapons": [("Possession of article with blade or point", 0.70),
                              ("Possession of offensive weapon", 0.25), ("Possession of firearms offences", 0.05)],
    "Public order": [("Public fear, alarm or distress", 0.70),
                     ("Racially or religiously aggravated public fear, alarm or distress", 0.15),
                     ("Violent disorder", 0.05), ("Affray", 0.10)],
    "Robbery": [("Robbery of personal property", 0.85), ("Robbery of business property", 0.15)],
    "Shoplifting": [("Shoplifting", 1.0)],
    "Theft from the person": [("Theft from the person", 1.0)],
    "Vehicle crime": [("Theft from a motor vehicle", 0.55),
                      ("Theft or unauthorised taking of a motor vehicle", 0.30),
                      ("Interfering with a motor vehicle", 0.15)],
}
OFFENCE_NAMES = [o for c in CRIME_CATEGORIES if c in OFFENCES for o, _ in OFFENCES[c]]

# Crime category by the type of place (shoplifting happens in shops, burglary in buildings).
# No "Anti-social behaviour": that is a call type, never a recorded crime.
_PLACE_MIX = {
    "dwelling": {"Violence and sexual offences": .40, "Criminal damage and arson": .14, "Burglary": .13,
                 "Other theft": .08, "Public order": .07, "Vehicle crime": .10, "Other crime": .05,
                 "Drugs": .02, "Bicycle theft": .01},
    "shop": {"Shoplifting": .70, "Violence and sexual offences": .08, "Public order": .06, "Other theft": .06,
             "Criminal damage and arson": .04, "Robbery": .03, "Burglary": .03},
    "licensed premises": {"Violence and sexual offences": .50, "Public order": .18, "Other theft": .12,
                          "Drugs": .06, "Criminal damage and arson": .06, "Theft from the person": .08},
    "outdoor": {"Violence and sexual offences": .28, "Public order": .14, "Vehicle crime": .13,
                "Theft from the person": .06, "Robbery": .05, "Drugs": .11, "Criminal damage and arson": .11,
                "Bicycle theft": .05, "Possession of weapons": .04, "Other theft": .03},
    "institution": {"Violence and sexual offences": .38, "Other theft": .25, "Criminal damage and arson": .14,
                    "Burglary": .08, "Public order": .10, "Other crime": .05},
}
_PLACE_GROUP = {"dwelling": "dwelling", "shop": "shop", "licensed premises": "licensed premises",
                "public space": "outdoor", "street": "outdoor", "transport": "outdoor",
                "care home": "institution", "school": "institution", "hospital": "institution",
                "other": "institution"}

NIGHT_CATEGORIES = {"Violence and sexual offences", "Public order", "Criminal damage and arson", "Drugs",
                    "Possession of weapons", "Robbery"}
PERSONAL_CATEGORIES = {"Violence and sexual offences", "Public order", "Robbery", "Theft from the person"}
PROPERTY_CATEGORIES = {"Shoplifting", "Burglary", "Criminal damage and arson", "Other theft"}
NO_VICTIM_CATEGORIES = {"Drugs", "Possession of weapons"}
# Probability that a suspect or offender is identified, by category.
SUSPECT_RATE = {"Violence and sexual offences": .55, "Public order": .50, "Criminal damage and arson": .20,
                "Burglary": .12, "Vehicle crime": .08, "Robbery": .25, "Theft from the person": .08,
                "Bicycle theft": .05, "Other theft": .15, "Other crime": .60, "Shoplifting": .50,
                "Drugs": 1.0, "Possession of weapons": 1.0}

OUTCOMES_SUSPECT = [("Offender charged", .28), ("Offender given a caution", .08), ("Local resolution", .12),
                    ("Offender given penalty notice", .04), ("Unable to prosecute suspect", .38),
                    ("Further investigation is not in the public interest", .05),
                    ("Formal action is not in the public interest", .05)]
OUTCOMES_NO_SUSPECT = [("Investigation complete; no suspect identified", .86),
                       ("Unable to prosecute suspect", .14)]
OUTCOME_NAMES = [o for o, _ in OUTCOMES_SUSPECT] + [OUTCOMES_NO_SUSPECT[0][0]]
# Outcomes after which the suspect is recorded as the offender.
OFFENDER_OUTCOMES = {"Offender charged", "Offender given a caution", "Local resolution",
                     "Offender given penalty notice", "Formal action is not in the public interest"}

# Call incident types: weight among background calls, time profile, qualifiers, grade mix
# (emergency, priority, scheduled, resolved without deployment).
INCIDENT_TYPES: list[tuple[str, float, str, float, float, float, tuple[float, ...]]] = [
    # name, weight, profile, P(asb), P(mental health), P(domestic), grades
    ("Anti-social behaviour", .21, "night", 1, .03, 0, (.03, .30, .40, .27)),
    ("Suspicious circumstances", .09, "night", .05, .02, 0, (.10, .40, .30, .20)),
    ("Concern for welfare", .10, "calls", 0, .22, .03, (.22, .45, .15, .18)),
    ("Domestic incident", .07, "night", 0, .05, 1, (.30, .50, .17, .03)),
    ("Violence", .05, "night", 0, .03, 0, (.35, .45, .15, .05)),
    ("Theft", .06, "day", 0, 0, 0, (.05, .25, .45, .25)),
    ("Burglary", .035, "day", 0, 0, 0, (.15, .45, .35, .05)),
    ("Road traffic collision", .05, "day", 0, 0, 0, (.35, .35, .10, .20)),
    ("Highway disruption", .03, "day", 0, 0, 0, (.10, .40, .10, .40)),
    ("Mental health", .05, "calls", 0, 1, 0, (.20, .45, .15, .20)),
    ("Criminal damage", .04, "night", .25, 0, 0, (.05, .30, .45, .20)),
    ("Alarm activation", .03, "day", 0, 0, 0, (.05, .45, .20, .30)),
    ("Abandoned call", .05, "calls", 0, 0, 0, (.02, .08, .05, .85)),
    ("Public safety", .03, "calls", 0, .05, 0, (.15, .40, .20, .25)),
    ("Shoplifting", .03, "day", 0, 0, 0, (.03, .30, .50, .17)),
    ("Sexual offence", .01, "night", 0, 0, .15, (.30, .45, .22, .03)),
    ("Drugs", .02, "night", .20, 0, 0, (.03, .25, .45, .27)),
    ("Fraud", .02, "day", 0, 0, 0, (.00, .05, .40, .55)),
    ("Weapons", .005, "night", 0, 0, 0, (.70, .25, .05, .00)),
    ("Missing person", 0.0, "calls", 0, .05, 0, (.15, .55, .25, .05)),  # only from episodes
]
ITYPE = {t[0]: i for i, t in enumerate(INCIDENT_TYPES)}
# The call a recorded crime usually starts from.
CALL_FOR_CATEGORY = {"Violence and sexual offences": "Violence", "Bicycle theft": "Theft", "Burglary": "Burglary",
                     "Criminal damage and arson": "Criminal damage", "Drugs": "Drugs", "Other crime":
                     "Suspicious circumstances", "Other theft": "Theft", "Possession of weapons": "Weapons",
                     "Public order": "Anti-social behaviour", "Robbery": "Violence", "Shoplifting": "Shoplifting",
                     "Theft from the person": "Theft", "Vehicle crime": "Theft"}
CLOSING_CODES = ["Crime recorded", "No further action", "Advice given", "Words of advice given",
                 "No trace on arrival", "Referred to partner agency", "Unfounded", "Resolved by telephone",
                 "Duplicate incident", "Person located"]
_CLOSE_DEPLOYED = (0, .30, .25, .10, .15, .12, .08, 0, 0, 0)
_CLOSE_PHONE = (0, .05, .20, 0, 0, .05, 0, .60, .10, 0)

FIRST_F = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily", "Ella",
           "Poppy", "Priya", "Aisha", "Fatima", "Zara", "Chloe", "Jessica", "Sarah", "Emma", "Hannah",
           "Laura", "Rebecca", "Karen", "Susan", "Margaret", "Julie", "Nicola", "Anjali", "Maya"]
FIRST_M = ["Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie",
           "Jacob", "Thomas", "James", "William", "Daniel", "Ryan", "Liam", "Adam", "Mohammed", "Ravi",
           "Arjun", "Imran", "David", "Paul", "Mark", "Steven", "Andrew", "Kevin", "Gary", "Connor"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
            "Clarke", "Mistry", "Khan", "Hussain", "Begum", "Shah", "Parmar", "Lewis", "Hughes", "Harrison",
            "Cooper", "King", "Lee", "Martin", "Baker", "Turner", "Hill", "Ward", "Moore", "Morris", "Clark",
            "Cook", "Bennett", "Watson", "Carter", "Phillips", "Mitchell", "Kaur", "Singh", "Ali", "Ahmed",
            "Chauhan", "Lakhani", "Bailey", "Cox", "Richardson", "Howard", "Marshall", "Owen", "Palmer",
            "Gill", "Atkinson", "Pearson", "Dixon", "Kelly", "Fletcher", "Nowak", "Kowalski", "Okafor", "Mensah"]
STREET_STEMS = ["Ashby", "Belvoir", "Charnwood", "Danvers", "Evington", "Fosse", "Gipsy", "Hinckley",
                "Ivanhoe", "Jarrom", "Kenilworth", "Lutterworth", "Melton", "Narborough", "Oakham", "Pares",
                "Queens", "Regent", "Sandringham", "Tudor", "Uppingham", "Victoria", "Welford", "Abbey",
                "Braunstone", "Catherine", "Desford", "Elmfield", "Forest", "Granby", "Highfield", "Keyham",
                "Loughborough", "Mere", "Newarke", "Orchard", "Park", "Rutland", "Saxby", "Thurmaston",
                "Uxbridge", "Wigston", "York", "Beaumont", "Church", "Mill", "Station", "School", "Chapel",
                "Manor", "Meadow", "Willow", "Linden", "Hawthorn", "Birch", "Cedar", "Beech", "Holly",
                "Kingfisher", "Swallow", "Heron", "Lark", "Wren", "Grange", "Glebe", "Spinney"]
STREET_SUFFIXES = ["Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Crescent", "Gardens", "Walk"]
PLACE_WORDS = ["Red Lion", "Crown", "Black Horse", "Royal Oak", "White Hart", "Bell", "Swan", "Fox",
               "Globe", "Anchor", "Plough", "Wheatsheaf"]


# --- small helpers ---------------------------------------------------------------------


def _norm(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return w / w.sum()


def _choice(rng, n_or_values, size, p):
    """Vectorised weighted choice of indices (or values)."""
    return rng.choice(n_or_values, size=size, p=_norm(p))


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, 28))


def _place_pick(rng, ward, sizes, offsets, p_hot):
    """A place in each event's ward: a busy place with probability p_hot, else any place."""
    hot = np.maximum(1, (sizes * HOT_PLACES).astype(np.int64))
    r = np.where(rng.random(len(ward)) < p_hot,
                 (hot[ward] * rng.random(len(ward)) ** GAMMA_HOT).astype(np.int64),
                 (sizes[ward] * rng.random(len(ward))).astype(np.int64))
    return offsets[ward] + np.minimum(r, sizes[ward] - 1)


def _rank_pick(rng, ward, sizes, offsets, gamma):
    """The rank trick: entity index within each ward, heavy-tailed towards low ranks."""
    u = rng.random(len(ward))
    r = np.minimum((sizes[ward] * u**gamma).astype(np.int64), sizes[ward] - 1)
    return offsets[ward] + r


class _People:
    """Hands out blocks of person numbers and remembers what kind of person each block is."""

    def __init__(self):
        self.starts: list[int] = []
        self.kinds: list[str] = []
        self.n = 0

    def alloc(self, n: int, kind: str) -> int:
        self.starts.append(self.n)
        self.kinds.append(kind)
        self.n += int(n)
        return self.n - int(n)

    def fresh(self, n: int, kind: str = "adult") -> np.ndarray:
        return self.alloc(n, kind) + np.arange(n, dtype=np.int64)


# --- time ------------------------------------------------------------------------------


class _Clock:
    """Background timing: season x weekday (per day) and hour of day given the weekday."""

    # Relative call/crime volume per hour, all with the 04:00-06:00 trough.
    HOURS: ClassVar[dict[str, list[float]]] = {
        "night": [5, 4, 3, 2, 1.2, 1, 1.5, 2.5, 3.5, 4, 4.5, 5, 5.5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9, 8, 6.5],
        "day": [2, 1.5, 1, .8, .6, .6, 1, 2.5, 4, 5.5, 6.5, 7, 7.5, 7.5, 7.5, 7.5, 7.5, 7, 6.5, 6, 5, 4, 3.5, 2.5],
        "calls": [4, 3, 2.2, 1.6, 1.1, 1, 1.4, 2.5, 4, 5, 5.5, 6, 6.2, 6.4, 6.6, 7, 7.4, 7.8, 8.2, 8.4, 8.2,
                  7.5, 6.5, 5.2],
    }
    WEEKDAYS: ClassVar[dict[str, list[float]]] = {"night": [.9, .9, .95, 1, 1.1, 1.15, 1.05], "day": [1.05, 1.05, 1.05, 1.05, 1.05, .95, .8],
                "calls": [1, 1, 1, 1, 1.05, 1.05, .95]}
    # (amplitude, day of year of the peak): violence/ASB peak in summer, burglary in winter.
    SEASON: ClassVar[dict[str, tuple[float, int]]] = {"night": (.18, 196), "day": (.06, 350), "calls": (.12, 196)}

    def __init__(self, start: date, n_days: int):
        self.n_days = n_days
        days = np.datetime64(start, "D") + np.arange(n_days)
        self.dow = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        doy = (days - days.astype("datetime64[Y]")).astype(np.int64)
        self.day_p, self.hour_cdf = {}, {}
        for name, hours in self.HOURS.items():
            hw = np.outer(self.WEEKDAYS[name], hours)
            if name == "night":  # Friday and Saturday nights (and the small hours after them)
                hw[4:6, 19:] *= 1.8
                hw[5:7, :4] *= 1.8
            amp, peak = self.SEASON[name]
            season = 1 + amp * np.cos(2 * np.pi * (doy - peak) / 365.25)
            self.day_p[name] = _norm(season * hw.sum(axis=1)[self.dow])
            cdf = np.cumsum(hw / hw.sum(axis=1, keepdims=True), axis=1)
            cdf[:, -1] = 1.0
            self.hour_cdf[name] = (cdf + np.arange(7)[:, None]).ravel()

    def days(self, rng, n: int, profile: str) -> np.ndarray:
        return rng.choice(self.n_days, size=n, p=self.day_p[profile])

    def stamp(self, rng, day: np.ndarray, profile) -> np.ndarray:
        """Microseconds since the start for events on `day`, with an hour from the profile.

        profile is one name or an array of names (one per event)."""
        hour = np.zeros(len(day), dtype=np.int64)
        profiles = np.broadcast_to(np.asarray(profile), (len(day),))
        for name in self.HOURS:
            m = profiles == name
            if m.any():
                w = self.dow[day[m]]
                idx = np.searchsorted(self.hour_cdf[name], w + rng.random(m.sum()), side="right")
                hour[m] = idx - 24 * w
        secs = rng.integers(0, 3600, len(day))
        return day.astype(np.int64) * US_PER_DAY + hour * US_PER_HOUR + secs * 1_000_000


def _chains(rng, n_target, sizes, start_days, n_days, short=5.0, long=60.0, p_short=0.65):
    """Expand chains into events: a first event, then follow-ups after gaps in days.

    Gaps mix short (repeat soon after) and long ones. Returns (chain index, day) for the
    events inside the range, cut at a chain boundary once n_target events are reached.
    """
    chain = np.repeat(np.arange(len(sizes)), sizes)
    first = np.cumsum(sizes) - sizes
    gaps = np.where(rng.random(len(chain)) < p_short, rng.exponential(short, len(chain)),
                    rng.exponential(long, len(chain)))
    gaps[first] = 0
    cs = np.cumsum(gaps)
    t = start_days[chain] + cs - cs[first][chain]
    keep = t < n_days
    kept = np.cumsum(np.bincount(chain[keep], minlength=len(sizes)))
    last = np.searchsorted(kept, n_target)
    keep &= chain <= last
    return chain[keep], np.floor(t[keep]).astype(np.int64)


# --- geography and locations -----------------------------------------------------------


def _wards(rng, districts):
    """Ward table plus an activity weight: city wards busier, the city centre most of all."""
    rows = geography.ward_table(districts)
    wards = pd.DataFrame(rows)
    pop = wards["population"].astype(float)
    pop = pop.fillna(pop.mean())
    factor = np.where(wards["district_code"] == "E06000016", 1.7, 1.0)
    factor = factor * np.where(wards["district_code"] == "E06000017", 0.6, 1.0)
    factor = factor * np.where(wards["ward_name"] == "Castle", 3.5, 1.0)  # Leicester city centre
    factor = factor * np.where(wards["ward_name"].str.startswith("Braunstone Park"), 1.6, 1.0)
    weight = pop * factor * rng.lognormal(0, 0.35, len(wards))
    wards["share"] = weight / weight.sum()
    return wards


def _locations(rng, wards, boundaries, sizes, people: _People):
    """Location gazetteer, ward by ward (a loop over wards, vectorised within each)."""
    geoms = {f["properties"]["ward_code"]: f["geometry"] for f in boundaries["features"]}
    parts = []
    street_names = []
    street_base = 0
    for w, code in enumerate(wards["ward_code"]):
        n = int(sizes[w])
        q = np.arange(n) / n  # rank quantile: low ranks are the busy places
        ltype = np.empty(n, dtype=np.int8)
        bands = [
            (q < 0.005, {"licensed premises": .3, "shop": .3, "transport": .1, "public space": .15,
                         "hospital": .02, "street": .08, "other": .05}),
            ((q >= 0.005) & (q < 0.03), {"dwelling": .45, "shop": .15, "licensed premises": .1,
                                         "public space": .1, "street": .1, "school": .03, "other": .07}),
            (q >= 0.03, {"dwelling": .87, "street": .04, "shop": .03, "public space": .02, "school": .01,
                         "other": .03}),
        ]
        for mask, mix in bands:
            ltype[mask] = _choice(rng, [LTYPE[t] for t in mix], mask.sum(), list(mix.values()))
        k = int(min(len(STREET_STEMS) * len(STREET_SUFFIXES), max(15, n // 30)))
        combos = rng.choice(len(STREET_STEMS) * len(STREET_SUFFIXES), k, replace=False)
        street_names += [f"{STREET_STEMS[c // len(STREET_SUFFIXES)]} {STREET_SUFFIXES[c % len(STREET_SUFFIXES)]}"
                         for c in combos]
        s_lon, s_lat = geography.sample_points(geoms[code], k, rng)
        street = rng.integers(0, k, n)
        # Busy places cluster on the first few streets (the local high street).
        street = np.where(q < 0.03, street % min(3, k), street)
        lon = s_lon[street] + rng.normal(0, 0.0015, n)
        lat = s_lat[street] + rng.normal(0, 0.0010, n)
        for _ in range(5):  # re-draw the few jittered points that fell outside the ward
            out = ~geography.contains(geoms[code], lon, lat)
            if not out.any():
                break
            lon[out] = s_lon[street[out]] + rng.normal(0, 0.0008, out.sum())
            lat[out] = s_lat[street[out]] + rng.normal(0, 0.0005, out.sum())
        out = ~geography.contains(geoms[code], lon, lat)
        lon[out], lat[out] = s_lon[street[out]], s_lat[street[out]]
        # Defects: ~10% defaulted to the street centroid, a few placed only at ward level.
        prec = _choice(rng, 3, n, [.895, .10, .005]).astype(np.int8)  # address, street, ward
        lon = np.where(prec == 1, s_lon[street], lon)
        lat = np.where(prec == 1, s_lat[street], lat)
        lon = np.where(prec == 2, s_lon[0], lon)
        lat = np.where(prec == 2, s_lat[0], lat)
        parts.append(pd.DataFrame({"ward": np.full(n, w, np.int32), "ltype": ltype, "street": street + street_base,
                                   "lon": lon, "lat": lat, "prec": prec, "q": q}))
        street_base += k
    loc = pd.concat(parts, ignore_index=True)
    loc["number"] = rng.integers(1, 240, len(loc))
    loc["word"] = rng.integers(0, len(PLACE_WORDS), len(loc))
    loc["stem"] = rng.integers(0, len(STREET_STEMS), len(loc))
    # One resident (or member of staff) per location: victims at home, staff at shops.
    loc["person"] = people.fresh(len(loc), "resident")
    return loc, np.array(street_names, dtype=object)


def _addresses(loc, street_names):
    street = pd.Series(street_names[loc["street"].to_numpy()], dtype=object)
    num = loc["number"].astype(str)
    word = pd.Series(np.array(PLACE_WORDS, dtype=object)[loc["word"].to_numpy()])
    stem = pd.Series(np.array(STREET_STEMS, dtype=object)[loc["stem"].to_numpy()])
    t = pd.Series(np.array(LOCATION_TYPES, dtype=object)[loc["ltype"].to_numpy()])
    addr = num + " " + street
    addr = addr.mask(t == "licensed premises", "The " + word + ", " + num + " " + street)
    addr = addr.mask(t == "shop", stem + " Stores, " + num + " " + street)
    addr = addr.mask(t == "care home", stem + " House care home, " + num + " " + street)
    addr = addr.mask(t == "school", stem + " Primary School, " + street)
    addr = addr.mask(t == "hospital", stem + " Hospital, " + street)
    addr = addr.mask(t == "public space", stem + " Park, " + street)
    addr = addr.mask(t == "transport", stem + " bus station, " + street)
    addr = addr.mask(t == "street", street)
    addr = addr.mask(t == "other", "Unit " + num + ", " + stem + " Business Park, " + street)
    addr = addr.mask(loc["prec"] == 1, street)  # defaulted to the street: street name only
    addr = addr.mask(loc["prec"] == 2, None)
    street = street.mask(loc["prec"] == 2, None)
    return addr, street


# --- the generator ---------------------------------------------------------------------


def generate(out_dir: Path, scale: str = "small", seed: int = 1, end: date = DEFAULT_END) -> dict:
    """Write the synthetic force's extracts to out_dir; return the manifest."""
    sc = SCALES[scale]
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    stop = end + timedelta(days=1)  # exclusive
    start = _add_months(stop, -12 * sc.years)
    n_days = (stop - start).days
    clock = _Clock(start, n_days)
    people = _People()
    per_year = 365.25 / n_days

    # Wards and per-ward pool sizes, all proportional to the ward's volume.
    boundaries = geography.load_ward_boundaries(sc.districts)
    wards = _wards(rng, sc.districts)
    share = wards["share"].to_numpy()
    n_wards = len(wards)
    ward_crimes_yr = share * sc.crimes * per_year
    ward_calls_yr = share * sc.calls * per_year
    loc_sizes = np.maximum(200, np.round(1.2 * ward_crimes_yr + 0.5 * ward_calls_yr)).astype(np.int64)
    loc, street_names = _locations(rng, wards, boundaries, loc_sizes, people)
    loc_off = np.concatenate([[0], np.cumsum(loc_sizes)[:-1]])
    loc_ward = loc["ward"].to_numpy()
    loc_type = loc["ltype"].to_numpy().copy()
    loc_person = loc["person"].to_numpy()

    def set_type(i, t):
        loc.loc[i, ["ltype", "prec"]] = [LTYPE[t], 0]
        loc_type[i] = LTYPE[t]

    # Offenders: a per-ward pool; a quarter of them live at a dwelling whose resident is
    # therefore both a potential victim and an offender (the overlap is real).
    off_sizes = np.maximum(50, np.round(0.5 * ward_crimes_yr)).astype(np.int64)
    off_start = people.alloc(off_sizes.sum(), "offender")
    off_off = off_start + np.concatenate([[0], np.cumsum(off_sizes)[:-1]])

    def pick_offender(ward, gamma=GAMMA_OFFENDER):
        p = _rank_pick(rng, ward, off_sizes, off_off, gamma)
        slot = p - off_off[ward]
        overlap = slot % 4 == 1
        p[overlap] = loc_person[home_of(ward[overlap], slot[overlap])]
        return p

    vul_sizes = np.maximum(30, np.round(0.3 * ward_crimes_yr)).astype(np.int64)
    vul_off = people.alloc(vul_sizes.sum(), "victim") + np.concatenate([[0], np.cumsum(vul_sizes)[:-1]])

    callers_sizes = np.maximum(100, np.round(0.6 * ward_calls_yr)).astype(np.int64)
    cal_start = people.alloc(callers_sizes.sum(), "caller")
    cal_off = cal_start + np.concatenate([[0], np.cumsum(callers_sizes)[:-1]])

    manifest: dict = {"scale": scale, "seed": seed, "start": start.isoformat(), "end": end.isoformat(),
                      "stories": {}, "defects": {}}
    ward_codes = wards["ward_code"].to_numpy()
    last90 = (n_days - 90) * US_PER_DAY
    prev90 = (n_days - 180) * US_PER_DAY

    # ---- story places (chosen before the events so background events may use them) -----
    order = np.argsort(-share, kind="stable")
    busy = order[: max(8, n_wards // 3)]
    story_wards = rng.choice(busy[1:], sc.hotspots + sc.rising_wards + 1, replace=False)
    hot_wards = story_wards[: sc.hotspots]
    rising_wards = story_wards[sc.hotspots: sc.hotspots + sc.rising_wards]
    care_ward = story_wards[-1]
    # A quiet place (high rank, so few background events) that becomes a hotspot.
    hot_locs = loc_off[hot_wards] + (loc_sizes[hot_wards] * rng.uniform(0.6, 0.95, len(hot_wards))).astype(int)
    for i, t in zip(hot_locs, rng.choice(["public space", "shop", "licensed premises"], len(hot_locs))):
        set_type(i, str(t))
    care_home = int(loc_off[care_ward] + int(loc_sizes[care_ward] * 0.5))
    set_type(care_home, "care home")
    # Other care homes, one in every fourth ward, with far fewer episodes.
    other_care = loc_off[::4] + (loc_sizes[::4] * 0.7).astype(int)
    for i in other_care:
        set_type(int(i), "care home")

    # Dwellings per ward, to give people a home (after the story places took their type).
    dwell = np.flatnonzero(loc_type == LTYPE["dwelling"])
    dwell = dwell[np.argsort(loc_ward[dwell], kind="stable")]
    dw_n = np.bincount(loc_ward[dwell], minlength=n_wards)
    dw_off = np.concatenate([[0], np.cumsum(dw_n)[:-1]])

    def home_of(ward, slot):
        return dwell[dw_off[ward] + (slot * 7919 + 13) % dw_n[ward]]

    # ================================ crimes =========================================
    # Domestic abuse: chains at the victim's home, same victim, usually the same partner.
    n_dom = round(0.055 * sc.crimes)
    n_ch = int(n_dom / 2.5) + 100
    dom_sizes = np.minimum(1 + np.floor(rng.pareto(1.6, n_ch) * 1.2).astype(np.int64), 60)
    dom_chain, dom_day = _chains(rng, n_dom, dom_sizes, clock.days(rng, n_ch, "night"), n_days, short=8, long=45)
    dom_ward = _choice(rng, n_wards, n_ch, share)
    dom_loc = home_of(dom_ward, rng.integers(0, 1 << 30, n_ch))
    dom_partner = people.fresh(n_ch, "offender")
    d_cat = _choice(rng, [CAT["Violence and sexual offences"], CAT["Criminal damage and arson"],
                          CAT["Public order"], CAT["Other crime"]], n_ch, [.82, .08, .06, .04])

    # Everything else: chains at places drawn by the rank trick, category by place type.
    n_gen = sc.crimes - len(dom_chain)
    n_ch = int(n_gen / 1.6) + 100
    g_sizes = rng.geometric(0.62, n_ch)
    g_ward = _choice(rng, n_wards, n_ch, share)
    g_loc = _place_pick(rng, g_ward, loc_sizes, loc_off, P_HOT_CRIME)
    g_cat = np.empty(n_ch, dtype=np.int64)
    group = np.array([_PLACE_GROUP[t] for t in LOCATION_TYPES])[loc_type[g_loc]]
    for name, mix in _PLACE_MIX.items():
        m = group == name
        g_cat[m] = _choice(rng, [CAT[c] for c in mix], m.sum(), list(mix.values()))
    night = np.isin(g_cat, [CAT[c] for c in NIGHT_CATEGORIES])
    g_start = np.where(night, clock.days(rng, n_ch, "night"), clock.days(rng, n_ch, "day"))
    gen_chain, gen_day = _chains(rng, n_gen, g_sizes, g_start, n_days)

    # Assemble per-crime arrays (domestic first, then general).
    cr_chain = np.concatenate([dom_chain, gen_chain + len(dom_sizes)])  # global chain id
    cr_day = np.concatenate([dom_day, gen_day])
    cr_loc = np.concatenate([dom_loc[dom_chain], g_loc[gen_chain]])
    cr_cat = np.concatenate([d_cat[dom_chain], g_cat[gen_chain]])
    cr_dom = np.concatenate([np.ones(len(dom_chain), bool), np.zeros(len(gen_chain), bool)])
    n_cr = len(cr_day)
    # Some general violence at home is domestic too.
    viol = cr_cat == CAT["Violence and sexual offences"]
    cr_dom |= viol & (loc_type[cr_loc] == LTYPE["dwelling"]) & (rng.random(n_cr) < 0.07)
    is_night = np.isin(cr_cat, [CAT[c] for c in NIGHT_CATEGORIES])
    cr_t = clock.stamp(rng, cr_day, np.where(is_night, "night", "day"))
    cr_ward = loc_ward[cr_loc]
    first_of_chain = np.r_[True, cr_chain[1:] != cr_chain[:-1]]
    chain_first = np.maximum.accumulate(np.where(first_of_chain, np.arange(n_cr), 0))

    # Victims: residents at home, staff for property crime at businesses, otherwise a
    # passer-by (often from the same night-time crowd as the offenders).
    ltype_c = loc_type[cr_loc]
    victim = people.fresh(n_cr, "adult")
    at_home = ltype_c == LTYPE["dwelling"]
    victim = np.where(at_home & (rng.random(n_cr) < 0.85), loc_person[cr_loc], victim)
    business = ~at_home & ~np.isin(ltype_c, [LTYPE["street"], LTYPE["public space"]])
    prop = np.isin(cr_cat, [CAT[c] for c in PROPERTY_CATEGORIES])
    victim = np.where(business & prop, loc_person[cr_loc], victim)
    crowd = ~at_home & np.isin(cr_cat, [CAT[c] for c in PERSONAL_CATEGORIES]) & (rng.random(n_cr) < P_CROWD_VICTIM)
    victim[crowd] = pick_offender(cr_ward[crowd], gamma=2.0)
    vuln = ~business & (victim >= 0) & (rng.random(n_cr) < P_VULNERABLE)
    victim[vuln] = _rank_pick(rng, cr_ward[vuln], vul_sizes, vul_off, GAMMA_VULNERABLE)
    same = ~first_of_chain & (rng.random(n_cr) < P_SAME_VICTIM)
    victim = np.where(same, victim[chain_first], victim)
    victim[np.isin(cr_cat, [CAT[c] for c in NO_VICTIM_CATEGORIES])] = -1

    # Offenders: identified at a category-dependent rate; prolific ones via the rank trick;
    # domestic chains keep their partner.
    rate = np.array([SUSPECT_RATE.get(c, 0) for c in CRIME_CATEGORIES])[cr_cat]
    rate = np.where(cr_dom, 0.9, rate)
    has_off = rng.random(n_cr) < rate
    offender = pick_offender(cr_ward)
    dom_part = np.concatenate([dom_partner[dom_chain], np.full(len(gen_chain), -1)])
    offender = np.where(cr_dom & (dom_part >= 0), dom_part, offender)
    offender = np.where(~first_of_chain & (rng.random(n_cr) < 0.6), offender[chain_first], offender)
    offender[~has_off] = -1
    planted = np.zeros(n_cr, bool)  # story events: never lose their ward, links or caller
    cr_weapon_planted = np.zeros(n_cr, bool)

    def add_crimes(t, locs, cats, offenders=None, weapon=None):
        nonlocal cr_t, cr_loc, cr_cat, cr_dom, victim, offender, planted, cr_weapon_planted
        k = len(t)
        cr_t = np.concatenate([cr_t, t])
        cr_loc = np.concatenate([cr_loc, locs])
        cr_cat = np.concatenate([cr_cat, cats])
        cr_dom = np.concatenate([cr_dom, np.zeros(k, bool)])
        v = people.fresh(k, "adult")
        v[np.isin(cats, [CAT[c] for c in NO_VICTIM_CATEGORIES])] = -1
        victim = np.concatenate([victim, v])
        if offenders is None:
            offenders = np.where(rng.random(k) < 0.3, pick_offender(loc_ward[locs]), -1)
        offender = np.concatenate([offender, offenders])
        planted = np.concatenate([planted, np.ones(k, bool)])
        cr_weapon_planted = np.concatenate([cr_weapon_planted, np.zeros(k, bool) if weapon is None else weapon])

    # Habitual knife carriers: 3-6 weapon crimes each within the last 24 months.
    knife = people.fresh(sc.knife_carriers, "knife")
    n_each = rng.integers(3, 7, sc.knife_carriers)
    kw = _choice(rng, busy, sc.knife_carriers, share[busy])
    kk = np.repeat(np.arange(sc.knife_carriers), n_each)
    k_day = rng.integers(n_days - 720, n_days, len(kk))
    k_cat = _choice(rng, [CAT["Possession of weapons"], CAT["Violence and sexual offences"], CAT["Robbery"]],
                    len(kk), [.6, .3, .1])
    add_crimes(clock.stamp(rng, k_day, "night"), _place_pick(rng, kw[kk], loc_sizes, loc_off, P_HOT_CRIME), k_cat,
               offenders=knife[kk], weapon=np.ones(len(kk), bool))
    manifest["stories"]["knife_carriers"] = {"rule": ">=3 weapon crimes in 24 months",
                                             "person_ids": [], "_idx": knife.tolist()}

    # (b) A rising category: enough extra vehicle crime in the latest 90 days, in each chosen
    # ward, that the E-test against the previous 90 days gives p below RISING_P: strong enough
    # to stand out in its ward's table and in a force's ward x category grid of a few thousand
    # changes with the false discovery rate held at 5% (noise alone is not flagged there).
    rising_cat = CAT["Vehicle crime"]
    for w in rising_wards:
        in_w = (loc_ward[cr_loc] == w) & (cr_cat == rising_cat)
        cur = int((in_w & (cr_t >= last90)).sum())
        prev = int((in_w & (cr_t >= prev90) & (cr_t < last90)).sum())
        need = max(prev // 2, 10)
        while stats.e_test(cur + need, prev) >= RISING_P:
            need += 1
        day = n_days - 1 - np.floor(90 * (1 - np.sqrt(rng.random(need)))).astype(np.int64)  # ramps up
        locs = loc_off[w] + rng.integers(0, loc_sizes[w], need)  # parked cars: spread over the ward
        add_crimes(clock.stamp(rng, day, "night"), locs, np.full(need, rising_cat))
    manifest["stories"]["rising_category"] = {
        "category": CRIME_CATEGORIES[rising_cat], "ward_codes": [str(ward_codes[w]) for w in rising_wards],
        "window_days": 90, "test": f"E-test p < {RISING_P:g} against the previous 90 days"}

    # (a) Emerging hotspots: a couple of events earlier, then a ramp in the latest 90 days
    # that makes the place the top crime location of its ward by a clear margin.
    hot_cats = [CAT["Public order"], CAT["Criminal damage and arson"], CAT["Drugs"], CAT["Violence and sexual offences"]]
    hotspots = []
    for w, place in zip(hot_wards, hot_locs):
        recent = (loc_ward[cr_loc] == w) & (cr_t >= last90)
        top = np.bincount(cr_loc[recent] - loc_off[w], minlength=loc_sizes[w]).max()
        n_new = int(max(25, top * 2 + 8, 0.12 * recent.sum()))
        day = n_days - 1 - np.floor(90 * (1 - np.sqrt(rng.random(n_new)))).astype(np.int64)
        before = np.array([n_days - 150, n_days - 400, n_days - 700]) - rng.integers(0, 20, 3)
        day = np.concatenate([day, before[before >= 0]])
        add_crimes(clock.stamp(rng, day, "night"), np.full(len(day), place),
                   _choice(rng, hot_cats, len(day), [.4, .25, .2, .15]))
        hotspots.append({"ward_code": str(ward_codes[w]), "_loc": int(place), "planted_crimes_latest_90d": n_new})
    manifest["stories"]["emerging_hotspots"] = hotspots

    # ---- outage: the crime system lost one month in the middle of the range ----------
    months = pd.date_range(date(start.year, start.month, 1), end, freq="MS").date
    gap_month = months[len(months) // 2]
    gap_lo = (gap_month - start).days * US_PER_DAY
    gap_hi = (_add_months(gap_month, 1) - start).days * US_PER_DAY
    keep = (cr_t < gap_lo) | (cr_t >= gap_hi)
    cr_t, cr_loc, cr_cat, cr_dom = cr_t[keep], cr_loc[keep], cr_cat[keep], cr_dom[keep]
    victim, offender, planted, cr_weapon_planted = victim[keep], offender[keep], planted[keep], cr_weapon_planted[keep]
    n_cr = len(cr_t)
    cr_ward = loc_ward[cr_loc]
    manifest["defects"]["coverage_gap"] = {"table": "crimes", "month": gap_month.isoformat()}

    # Offences, weapon, outcomes.
    cr_off = np.zeros(n_cr, dtype=np.int64)
    for c, offs in OFFENCES.items():
        m = cr_cat == CAT[c]
        names = [OFFENCE_NAMES.index(o) for o, _ in offs]
        cr_off[m] = _choice(rng, names, m.sum(), [w for _, w in offs])
    knife_offence = OFFENCE_NAMES.index("Possession of article with blade or point")
    cr_off[cr_weapon_planted & (cr_cat == CAT["Possession of weapons"])] = knife_offence
    cr_off[cr_weapon_planted & (cr_cat == CAT["Violence and sexual offences"])] = OFFENCE_NAMES.index(
        "Wounding with intent to do grievous bodily harm")
    weapon = cr_weapon_planted | (cr_cat == CAT["Possession of weapons"])
    weapon |= (cr_cat == CAT["Violence and sexual offences"]) & (rng.random(n_cr) < 0.04)
    weapon |= (cr_cat == CAT["Robbery"]) & (rng.random(n_cr) < 0.15)

    has_off = offender >= 0
    o_sus = _choice(rng, len(OUTCOMES_SUSPECT), n_cr, [w for _, w in OUTCOMES_SUSPECT])
    o_none = np.where(rng.random(n_cr) < OUTCOMES_NO_SUSPECT[0][1], len(OUTCOMES_SUSPECT),
                      OUTCOME_NAMES.index("Unable to prosecute suspect"))
    outcome = np.where(has_off, o_sus, o_none)
    age_days = (n_days * US_PER_DAY - cr_t) / US_PER_DAY
    outcome[rng.random(n_cr) < np.exp(-age_days / 45)] = -1  # still under investigation
    as_offender = np.isin(outcome, [OUTCOME_NAMES.index(o) for o in OFFENDER_OUTCOMES])

    # Links, with the defects of real extracts.
    no_links = ~planted & (rng.random(n_cr) < 0.04)
    has_victim = (victim >= 0) & ~no_links
    only_reporter = has_victim & ~planted & (rng.random(n_cr) < 0.08 / max(has_victim.mean(), 0.01))
    link_parts = []

    def link(mask, persons, role):
        link_parts.append((np.flatnonzero(mask), persons[mask], np.full(mask.sum(), LINK_ROLES.index(role))))

    link(has_victim & ~only_reporter, victim, "victim")
    link(has_victim & only_reporter, victim, "reporting_person")
    off_ok = has_off & ~no_links
    link(off_ok & as_offender, offender, "offender")
    link(off_ok & ~as_offender, offender, "suspect")
    second = off_ok & (rng.random(n_cr) < 0.12)
    second_p = pick_offender(cr_ward)
    link(second & as_offender, second_p, "offender")
    link(second & ~as_offender, second_p, "suspect")
    rep = ~no_links & (rng.random(n_cr) < 0.30)
    link(rep, people.fresh(n_cr, "adult"), "reporting_person")
    wit = ~no_links & (rng.random(n_cr) < 0.30)
    link(wit, people.fresh(n_cr, "adult"), "witness")
    l_crime = np.concatenate([p[0] for p in link_parts])
    l_person = np.concatenate([p[1] for p in link_parts])
    l_role = np.concatenate([p[2] for p in link_parts])
    dup = np.flatnonzero(rng.random(len(l_crime)) < 0.005)
    l_crime, l_person, l_role = (np.concatenate([a, a[dup]]) for a in (l_crime, l_person, l_role))

    # ================================ missing persons ================================
    # Children in care: the planted home's residents go missing again and again; the other
    # homes have a resident or two at a much lower rate.
    res_rates = rng.uniform(9, 24, 8)  # episodes a year each
    care_res = people.fresh(len(res_rates), "care_child")
    oc_res = people.fresh(len(other_care), "care_child")
    c_loc = np.concatenate([np.full(len(res_rates), care_home), other_care])
    c_rate = np.concatenate([res_rates, rng.uniform(1, 5, len(other_care))])
    c_pers = np.concatenate([care_res, oc_res])
    ci = np.repeat(np.arange(len(c_rate)), rng.poisson(c_rate * n_days / 365.25))
    c_day = rng.integers(0, n_days, len(ci))

    # Everyone else: a heavy-tailed rate during an active spell of months; mostly children.
    m_target = sc.missing - len(ci)
    n_p = int(m_target / 1.4) + 200
    m_kind = rng.random(n_p) < 0.8  # True: child
    m_person = people.fresh(n_p, "missing_child")
    adults = ~m_kind
    span = rng.uniform(120, 700, n_p)
    a = rng.uniform(-200, n_days, n_p)
    lam = rng.gamma(0.45, MISSING_RATE_SCALE, n_p) / 365.25  # episodes per day while active
    pid = np.repeat(np.arange(n_p), 1 + rng.poisson(lam * span))
    ep_day = np.floor(a[pid] + rng.random(len(pid)) * span[pid]).astype(np.int64)
    inside = (ep_day >= 0) & (ep_day < n_days)
    cum = np.cumsum(np.bincount(pid[inside], minlength=n_p))
    inside &= pid <= np.searchsorted(cum, m_target)
    pid, ep_day = pid[inside], ep_day[inside]
    m_ward = _choice(rng, n_wards, n_p, share)
    m_home = home_of(m_ward, rng.integers(0, 1 << 30, n_p))
    ep_from = np.where(rng.random(len(pid)) < 0.9, m_home[pid],
                       _place_pick(rng, m_ward[pid], loc_sizes, loc_off, 0.5))

    ep_day = np.concatenate([ep_day, c_day])
    ep_person = np.concatenate([m_person[pid], c_pers[ci]])
    ep_from = np.concatenate([ep_from, c_loc[ci]])
    ep_child = np.concatenate([m_kind[pid], np.ones(len(ci), bool)])
    ep_planted = np.concatenate([np.zeros(len(pid), bool), c_loc[ci] == care_home])
    ep_t = clock.stamp(rng, ep_day, "calls")
    by_time = np.argsort(ep_t, kind="stable")
    ep_t, ep_person, ep_from, ep_child, ep_planted = (
        x[by_time] for x in (ep_t, ep_person, ep_from, ep_child, ep_planted))
    n_ep = len(ep_t)
    risk = np.where(ep_child, _choice(rng, 4, n_ep, [.12, .58, .25, .05]), _choice(rng, 4, n_ep, [.10, .50, .32, .08]))
    found = ep_t + (rng.lognormal(np.log(9), 1.1, n_ep) * US_PER_HOUR).astype(np.int64)
    found[found >= n_days * US_PER_DAY] = -1  # not yet found when the extract was taken
    found[rng.random(n_ep) < 0.0008] = -1  # long-term missing
    manifest["stories"]["care_home"] = {"_loc": int(care_home), "ward_code": str(ward_codes[care_ward]),
                                        "person_ids": [], "_idx": care_res.tolist()}
    manifest["notes"] = {"missing_adult_episode_share": float(round(1 - ep_child.mean(), 3))}

    # ================================ calls ==========================================
    call_parts = []  # dicts of equal-length arrays

    def calls(t, locs, itype, caller, planted_flag=False, crime=False):
        call_parts.append({"t": t, "loc": locs, "itype": itype, "caller": caller,
                           "planted": np.full(len(t), planted_flag), "crime": np.full(len(t), crime)})

    # A call behind most recorded crimes (not drugs/weapons found by officers on patrol).
    from_call = (rng.random(n_cr) < 0.55) & ~np.isin(cr_cat, [CAT["Drugs"], CAT["Possession of weapons"]])
    c_itype = np.array([ITYPE[CALL_FOR_CATEGORY[c]] if c in CALL_FOR_CATEGORY else 0 for c in CRIME_CATEGORIES])
    ci_type = np.where(cr_dom, ITYPE["Domestic incident"], c_itype[cr_cat])
    lead = (rng.exponential(1.5, n_cr) * US_PER_HOUR).astype(np.int64)
    calls(np.maximum(cr_t - lead, 0)[from_call], cr_loc[from_call], ci_type[from_call],
          np.where(victim >= 0, victim, -1)[from_call], crime=True)
    # A call for every missing episode (the care home's staff ring in).
    # A call for every missing episode: a parent at home; at care homes and elsewhere
    # whoever is on shift.
    ep_caller = np.where(loc_type[ep_from] == LTYPE["dwelling"], loc_person[ep_from], people.fresh(n_ep, "adult"))
    calls(np.maximum(ep_t - (rng.exponential(1, n_ep) * US_PER_HOUR).astype(np.int64), 0), ep_from,
          np.full(n_ep, ITYPE["Missing person"]), ep_caller)

    # Very frequent callers: hundreds of calls a year, nearly all from home.
    fc_rates = np.array(sc.frequent_caller_rates, dtype=float)
    fc = people.fresh(len(fc_rates), "frequent_caller")
    fc_ward = _choice(rng, busy, len(fc), share[busy])
    fc_home = home_of(fc_ward, rng.integers(0, 1 << 30, len(fc)))
    fi = np.repeat(np.arange(len(fc)), rng.poisson(fc_rates * n_days / 365.25))
    welfare = [ITYPE[t] for t in ("Concern for welfare", "Mental health", "Anti-social behaviour",
                                  "Suspicious circumstances", "Abandoned call", "Public safety")]
    calls(clock.stamp(rng, rng.integers(0, n_days, len(fi)), "calls"), fc_home[fi],
          _choice(rng, welfare, len(fi), [.3, .25, .2, .1, .1, .05]), fc[fi], planted_flag=True)
    manifest["stories"]["frequent_callers"] = {"person_ids": [], "_idx": fc.tolist(),
                                               "calls_per_year": fc_rates.tolist()}

    # (c) The repeat-caller cohort: a peer-mentoring intervention cuts their calls by ~70%.
    intervention = _add_months(date(stop.year, stop.month, 1), -15)
    iv_day = (intervention - start).days
    co = people.fresh(sc.cohort, "cohort")
    co_rate = np.clip(rng.lognormal(np.log(35), 0.4, sc.cohort), 15, 80)
    co_ward = _choice(rng, busy, sc.cohort, share[busy])
    co_home = home_of(co_ward, rng.integers(0, 1 << 30, sc.cohort))
    pre = rng.poisson(co_rate * max(iv_day, 0) / 365.25)
    post = rng.poisson(0.3 * co_rate * (n_days - iv_day) / 365.25)
    ci = np.repeat(np.arange(sc.cohort), pre + post)
    after = np.concatenate([np.r_[np.zeros(p, bool), np.ones(q, bool)] for p, q in zip(pre, post)])
    day = np.where(after, rng.integers(iv_day, n_days, len(ci)), rng.integers(0, max(iv_day, 1), len(ci)))
    locs = np.where(rng.random(len(ci)) < 0.85, co_home[ci], _place_pick(rng, co_ward[ci], loc_sizes, loc_off, 0.5))
    calls(clock.stamp(rng, day, "calls"), locs, _choice(rng, welfare, len(ci), [.3, .25, .2, .1, .1, .05]),
          co[ci], planted_flag=True)
    manifest["stories"]["cohort"] = {"intervention_date": intervention.isoformat(), "person_ids": [],
                                     "_idx": co.tolist(), "expected_fall": 0.7}

    # Hotspot places also generate ASB calls.
    for h in hotspots:
        n_new = int(h["planted_crimes_latest_90d"] * 1.5)
        day = n_days - 1 - np.floor(90 * (1 - np.sqrt(rng.random(n_new)))).astype(np.int64)
        calls(clock.stamp(rng, day, "night"), np.full(n_new, h["_loc"]), np.full(n_new, ITYPE["Anti-social behaviour"]),
              people.fresh(n_new, "adult"), planted_flag=True)

    # Background calls: chains (the same problem rung in again) at places drawn with a
    # steeper rank trick than crimes, so calls are more concentrated than crimes.
    n_bg = sc.calls - sum(len(p["t"]) for p in call_parts)
    n_ch = int(n_bg / 1.9) + 100
    b_sizes = rng.geometric(0.5, n_ch)
    b_ward = _choice(rng, n_wards, n_ch, share)
    b_loc = _place_pick(rng, b_ward, loc_sizes, loc_off, P_HOT_CALL)
    bg_w = np.array([t[1] for t in INCIDENT_TYPES])
    b_type = _choice(rng, len(INCIDENT_TYPES), n_ch, bg_w)
    prof = np.array([t[2] for t in INCIDENT_TYPES])[b_type]
    b_start = np.zeros(n_ch, np.int64)
    for name in _Clock.HOURS:
        m = prof == name
        b_start[m] = clock.days(rng, m.sum(), name)
    b_caller = np.where(loc_type[b_loc] == LTYPE["dwelling"], loc_person[b_loc],
                        _rank_pick(rng, b_ward, callers_sizes, cal_off, 1.5))
    bc, b_day = _chains(rng, n_bg, b_sizes, b_start, n_days, short=4, long=40)
    # A different person sometimes rings about the same problem.
    b_call_caller = np.where(rng.random(len(bc)) < 0.8, b_caller[bc], people.fresh(len(bc), "adult"))
    calls(clock.stamp(rng, b_day, prof[bc]), b_loc[bc], b_type[bc], b_call_caller)

    by_time = np.argsort(np.concatenate([p["t"] for p in call_parts]), kind="stable")  # ids follow time order
    cl = {k: np.concatenate([p[k] for p in call_parts])[by_time] for k in call_parts[0]}
    call_parts.clear()  # the largest temporaries, freed early
    del by_time, bc, b_day, b_call_caller
    n_calls = len(cl["t"])
    # Keep background callers below the planted ones: anyone averaging more than 40 calls
    # a year outside the stories has the excess handed to other (one-off) callers.
    bgc = ~cl["planted"] & (cl["caller"] >= 0)
    _ids, inv, counts = np.unique(cl["caller"][bgc], return_inverse=True, return_counts=True)
    cap = 40 * n_days / 365.25
    p_keep = np.minimum(1.0, cap / counts)[inv]
    move = np.flatnonzero(bgc)[rng.random(bgc.sum()) >= p_keep]
    cl["caller"][move] = people.fresh(len(move), "adult")
    # Caller not recorded on about a quarter of calls (never on the planted stories).
    unknown = ~cl["planted"] & (rng.random(n_calls) < 0.25 / max((~cl["planted"]).mean(), 0.01))
    cl["caller"][unknown] = -1

    it = cl["itype"]
    asb_p = np.array([t[3] for t in INCIDENT_TYPES])[it]
    mh_p = np.array([t[4] for t in INCIDENT_TYPES])[it]
    dom_p = np.array([t[5] for t in INCIDENT_TYPES])[it]
    u = rng.random((3, n_calls))
    cl["asb"], cl["mh"], cl["dom"] = u[0] < asb_p, u[1] < mh_p, u[2] < dom_p
    del u, asb_p, mh_p, dom_p
    grades = np.zeros(n_calls, np.int8)
    for i, t in enumerate(INCIDENT_TYPES):
        m = it == i
        grades[m] = _choice(rng, 4, m.sum(), t[6])
    phone = grades == CALL_GRADES.index("resolved without deployment")
    closing = np.where(phone, _choice(rng, len(CLOSING_CODES), n_calls, _CLOSE_PHONE),
                       _choice(rng, len(CLOSING_CODES), n_calls, _CLOSE_DEPLOYED))
    closing = np.where(cl["crime"], 0, closing)
    closing = np.where((it == ITYPE["Missing person"]) & ~phone, CLOSING_CODES.index("Person located"), closing)
    cl["grade"], cl["closing"] = grades, closing

    # ================================ ward NULLs (not on planted events) =============
    def ward_or_null(locs, protected):
        w = loc_ward[locs].astype(np.int32)
        w[~protected & (rng.random(len(w)) < 0.01)] = -1
        return w

    cr_wardn = ward_or_null(cr_loc, planted)
    cl_wardn = ward_or_null(cl["loc"], cl["planted"])
    ep_wardn = ward_or_null(ep_from, ep_planted)

    # ================================ persons ========================================
    refs = np.concatenate([l_person, cl["caller"][cl["caller"] >= 0], ep_person, knife, fc, co, care_res])
    used = np.unique(refs)
    kinds = np.array(people.kinds, dtype=object)[np.searchsorted(people.starts, used, side="right") - 1]
    n_per = len(used)

    def new_id(old):
        return np.where(old >= 0, np.searchsorted(used, old) + 1, -1)

    child = np.isin(kinds, ["missing_child", "care_child"])
    is_off = np.isin(kinds, ["offender", "knife"])
    female_p = np.where(is_off, 0.2, np.where(child, 0.55, 0.54))
    g = np.where(rng.random(n_per) < female_p, 0, 1)
    g = np.where(rng.random(n_per) < 0.01, 2, g)  # not recorded
    age = np.where(is_off, rng.normal(29, 10, n_per), rng.normal(44, 18, n_per))
    age = np.where(np.isin(kinds, ["frequent_caller", "cohort"]), rng.normal(52, 12, n_per), age)
    age = np.clip(age, 13, 95)
    birth = (end.year - age).astype(np.int32)
    birth = np.where(child, rng.integers(2008, 2015, n_per), birth)
    # Some missing people are adults (the "missing_child" block holds both).
    birth = np.where(np.isin(used, m_person[adults]), (end.year - np.clip(rng.normal(34, 14, n_per), 18, 90)).astype(np.int32), birth)
    first = np.where(g == 0, rng.integers(0, len(FIRST_F), n_per), len(FIRST_F) + rng.integers(0, len(FIRST_M), n_per))
    first = np.where(g == 2, rng.integers(0, len(FIRST_F) + len(FIRST_M), n_per), first)
    surname = rng.integers(0, len(SURNAMES), n_per)

    # ================================ write ==========================================
    loc_addr, loc_street = _addresses(loc, street_names)

    def ts(t_us):
        return pa.array(np.datetime64(start, "us") + t_us.astype("timedelta64[us]"))

    def opt_ts(t_us):
        arr = np.datetime64(start, "us") + np.maximum(t_us, 0).astype("timedelta64[us]")
        return pa.array(arr, mask=t_us < 0)

    def codes(idx):  # vocabulary columns travel as small ints (NULL where negative)
        idx = np.asarray(idx)
        return pa.array(idx.astype(np.int16), mask=idx < 0)

    def vocab(column, values):  # ... and become strings in SQL, after the sort
        items = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
        return f"([{items}])[{column} + 1]"

    crime_n = np.empty(n_cr, np.int64)
    crime_n[np.argsort(cr_t, kind="stable")] = np.arange(n_cr) + 1  # crime ids follow time order
    itypes = [t[0] for t in INCIDENT_TYPES]
    cov = [(t, m, not (t == "crimes" and m == gap_month)) for t in ("calls", "crimes", "missing_episodes")
           for m in months]

    # Per table: the source (built only when written, to bound memory), the SELECT that
    # sorts the narrow integer source and then formats ids and vocabularies in schema order.
    plan = {
        "wards": (lambda: pa.table({
            "ward_code": wards["ward_code"], "ward_name": wards["ward_name"], "district": wards["district"],
            "population": pa.array(wards["population"].astype("Int32"), pa.int32()),
            "district_code": wards["district_code"]}),
            "SELECT ward_code, ward_name, district, population, district_code FROM src ORDER BY ward_code"),
        "locations": (lambda: pa.table({
            "location_n": np.arange(len(loc)) + 1,
            "address": pa.array(loc_addr, pa.string(), from_pandas=True),
            "street": pa.array(loc_street, pa.string(), from_pandas=True),
            "ltype": codes(loc_type), "ward": codes(loc_ward),
            "lat": loc["lat"].round(6), "lon": loc["lon"].round(6), "prec": codes(loc["prec"])}),
            f"""SELECT printf('L%06d', location_n) AS location_id, address, street,
                {vocab('ltype', LOCATION_TYPES)} AS location_type, {vocab('ward', ward_codes)} AS ward_code,
                lat, lon, {vocab('prec', GEOCODE_PRECISIONS)} AS precision
                FROM (SELECT * FROM src ORDER BY location_n)"""),
        "persons": (lambda: pa.table({
            "person_n": np.arange(n_per) + 1, "first_name": codes(first), "surname": codes(surname),
            "birth_year": pa.array(birth, pa.int32()), "gender": codes(g)}),
            f"""SELECT printf('P%07d', person_n) AS person_id,
                {vocab('first_name', FIRST_F + FIRST_M)} || ' ' || {vocab('surname', SURNAMES)} AS name,
                birth_year, {vocab('gender', ['F', 'M', 'U'])} AS gender
                FROM (SELECT * FROM src ORDER BY person_n)"""),
        "calls": (lambda: pa.table({
            "call_n": np.arange(n_calls) + 1, "received_at": ts(cl["t"]), "itype": codes(it),
            "grade": codes(cl["grade"]), "closing": codes(cl["closing"]), "ward": codes(cl_wardn),
            "location_n": cl["loc"] + 1, "caller_n": pa.array(new_id(cl["caller"]), mask=cl["caller"] < 0),
            "asb": cl["asb"], "mental_health": cl["mh"], "domestic": cl["dom"]}),
            f"""SELECT printf('C%08d', call_n) AS incident_id, received_at,
                {vocab('itype', itypes)} AS incident_type, {vocab('grade', CALL_GRADES)} AS grade,
                {vocab('closing', CLOSING_CODES)} AS closing_code, {vocab('ward', ward_codes)} AS ward_code,
                printf('L%06d', location_n) AS location_id, printf('P%07d', caller_n) AS caller_id,
                asb, mental_health, domestic, NULL::VARCHAR AS context
                FROM (SELECT * FROM src ORDER BY received_at, call_n)"""),
        "crimes": (lambda: pa.table({
            "crime_n": crime_n, "recorded_at": ts(cr_t), "offence": codes(cr_off), "category": codes(cr_cat),
            "ward": codes(cr_wardn), "location_n": cr_loc + 1, "outcome": codes(outcome), "domestic": cr_dom,
            "weapon": weapon}),
            f"""SELECT printf('R%08d', crime_n) AS crime_id, recorded_at, {vocab('offence', OFFENCE_NAMES)} AS offence,
                {vocab('category', CRIME_CATEGORIES)} AS category, {vocab('ward', ward_codes)} AS ward_code,
                printf('L%06d', location_n) AS location_id, {vocab('outcome', OUTCOME_NAMES)} AS outcome,
                domestic, weapon, NULL::VARCHAR AS context
                FROM (SELECT * FROM src ORDER BY recorded_at, crime_n)"""),
        "crime_people": (lambda: pa.table({"crime_n": crime_n[l_crime], "person_n": new_id(l_person),
                                           "role": codes(l_role)}),
            f"""SELECT printf('R%08d', crime_n) AS crime_id, printf('P%07d', person_n) AS person_id,
                {vocab('role', LINK_ROLES)} AS role
                FROM (SELECT * FROM src ORDER BY crime_n, role, person_n)"""),
        "missing_episodes": (lambda: pa.table({
            "episode_n": np.arange(n_ep) + 1, "person_n": new_id(ep_person), "reported_at": ts(ep_t),
            "found_at": opt_ts(found), "risk": codes(risk), "from_location_n": ep_from + 1,
            "ward": codes(ep_wardn)}),
            f"""SELECT printf('M%06d', episode_n) AS episode_id, printf('P%07d', person_n) AS person_id,
                reported_at, found_at, {vocab('risk', MISSING_RISKS)} AS risk,
                printf('L%06d', from_location_n) AS from_location_id, {vocab('ward', ward_codes)} AS ward_code
                FROM (SELECT * FROM src ORDER BY reported_at, episode_n)"""),
        "coverage": (lambda: pa.table({
            "table_name": [c[0] for c in cov], "month": pa.array([c[1] for c in cov], pa.date32()),
            "covered": [c[2] for c in cov]}),
            "SELECT table_name, month, covered FROM src ORDER BY table_name, month"),
    }
    con = duckdb.connect()
    # Ordered, bounded and quiet: the output must not depend on threads or the terminal.
    con.execute("SET preserve_insertion_order = true; SET enable_progress_bar = false; SET memory_limit = '2GB'")
    for name, (source, select) in plan.items():
        table = TABLES[name]
        con.register("src", source())
        target = out_dir / f"{name}.parquet"
        con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        con.unregister("src")
        got = [d[0] for d in con.execute(f"DESCRIBE SELECT * FROM '{target}'").fetchall()]
        assert got == table.column_names, (name, got)

    # Resolve internal indices in the manifest to the ids written.
    def pids(idx):
        return [f"P{i:07d}" for i in new_id(np.asarray(idx, dtype=np.int64))]

    st = manifest["stories"]
    for key in ("knife_carriers", "frequent_callers", "cohort", "care_home"):
        st[key]["person_ids"] = pids(st[key].pop("_idx"))
    st["care_home"]["location_id"] = f"L{st['care_home'].pop('_loc') + 1:06d}"
    for h in st["emerging_hotspots"]:
        h["location_id"] = f"L{h.pop('_loc') + 1:06d}"
    # The optional tables, drawn from the events just written (demand.synth_powers).
    manifest["powers_and_wanted"] = synth_powers.write_powers_and_wanted(
        rng, out_dir, start, end, [{"ward_code": h["ward_code"], "location_id": h["location_id"]}
                                   for h in st["emerging_hotspots"]])
    manifest["defects"].update({
        "crimes_victim_only_as_reporting_person": 0.08, "crimes_without_person_links": 0.04,
        "locations_defaulted_to_street": 0.10, "events_without_ward": 0.01, "duplicated_links": 0.005})
    manifest["counts"] = {name: int(con.execute(f"SELECT count(*) FROM '{out_dir / (name + '.parquet')}'").fetchone()[0])
                          for name in TABLES}
    con.close()
    (out_dir / "synth_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
