"""A crafted force for the briefing tests, as at Tuesday 30 June 2026 (the 90 days run from
2 April, the 90 before from 2 January to 1 April; the previous briefing, 7 days earlier, is
as at 23 June).

Abbey (Northtown) is busy: 30 vehicle crimes this period against 2 before (a real rise), six
repeat victims tied on the cut of the top five, a victim new to the list since 23 June (PN:
burglaries on 25 and 28 June), a repeat caller, powers used and people wanted. Beacon
(Northtown) had crimes, but none in the last 7 days, and no one and nowhere twice: an empty
week and a ward with no repeats. Castle (Southvale) is another district's.

Coverage: the crime source lacks May 2026 (a missing month), and the missing-person source
covers nothing after March 2026, so this period has no missing-episode figure at all.
"""

from __future__ import annotations

from datetime import date

from demand.fixtures import ABBEY, BEACON, CASTLE, coverage_rows, write_extracts

AS_OF = date(2026, 6, 30)
PREVIOUS_BRIEFING = date(2026, 6, 23)


def crime(cid: str, day: str, ward: str = ABBEY, category: str = "Shoplifting", location: str = "LA1", **extra):
    offences = {"Shoplifting": "Theft from shop", "Burglary": "Burglary - residential",
                "Vehicle crime": "Theft from a motor vehicle", "Robbery": "Robbery of personal property"}
    return {"crime_id": cid, "recorded_at": f"{day} 12:00", "ward_code": ward, "category": category,
            "offence": offences.get(category, "Other"), "location_id": location, **extra}


VEHICLE_DAYS = [f"2026-04-{d:02d}" for d in range(3, 18)] + [f"2026-06-{d:02d}" for d in range(1, 16)]
CRIMES = (
    [crime(f"RV{n:02d}", day, category="Vehicle crime", location=f"LV{n % 4}") for n, day in enumerate(VEHICLE_DAYS)]
    + [crime("RP1", "2026-02-10", category="Vehicle crime"), crime("RP2", "2026-02-11", category="Vehicle crime"),
       crime("RP3", "2026-03-01"), crime("RP4", "2026-03-02"), crime("RP5", "2026-03-03")]
    # PA: three; PB, PT, PU, PV: two each, all last on 21 April at noon (a tie broken by id)
    + [crime("RA1", "2026-04-10"), crime("RA2", "2026-06-10"), crime("RA3", "2026-06-20")]
    + [crime(f"R{p}{n}", day, location=f"L{p}") for p in ("B", "T", "U", "V")
       for n, day in ((1, "2026-04-20"), (2, "2026-04-21"))]
    # PN: two burglaries at home since the previous briefing
    + [crime("RN1", "2026-06-25", category="Burglary", location="LN"),
       crime("RN2", "2026-06-28", category="Burglary", location="LN", domestic=True)]
    + [crime("RR1", "2026-06-29", category="Robbery", location="LR", weapon=True)]
    # Beacon: three crimes, none in the last 7 days, each a different person and place
    + [crime(f"RBE{n}", day, ward=BEACON, location=f"LB{n}") for n, day in enumerate(("2026-04-15", "2026-06-01",
                                                                                      "2026-06-10"))]
    # Castle: another district's repeat victim
    + [crime("RC1", "2026-06-05", ward=CASTLE, location="LC"), crime("RC2", "2026-06-06", ward=CASTLE, location="LC"),
       crime("RC0", "2025-06-15", ward=CASTLE, location="LC")]
)
LINKS = (
    [{"crime_id": c, "person_id": "PA", "role": "victim"} for c in ("RA1", "RA2", "RA3")]
    + [{"crime_id": f"R{p}{n}", "person_id": f"P{p}", "role": "victim"} for p in ("B", "T", "U", "V") for n in (1, 2)]
    + [{"crime_id": c, "person_id": "PN", "role": "victim"} for c in ("RN1", "RN2")]
    + [{"crime_id": c, "person_id": "PO", "role": "offender"} for c in ("RN1", "RN2", "RR1")]
    + [{"crime_id": f"RBE{n}", "person_id": f"PBE{n}", "role": "victim"} for n in range(3)]
    + [{"crime_id": c, "person_id": "PZ", "role": "victim"} for c in ("RC1", "RC2")]
)
CALLS = [{"incident_id": f"CA{n}", "received_at": f"{day} 21:00", "incident_type": "Anti-social behaviour",
          "asb": True, "caller_id": "PC", "location_id": "LA1", "ward_code": ABBEY}
         for n, day in enumerate(("2026-06-26", "2026-06-27", "2026-06-29"))] + [
    {"incident_id": "CC0", "received_at": "2026-06-30 08:00", "ward_code": CASTLE}]  # the data's last day
MISSING = [{"episode_id": f"M{n}", "person_id": "PM", "reported_at": f"{day} 18:00", "ward_code": ABBEY,
            "from_location_id": "LH", "risk": "high"} for n, day in enumerate(("2026-02-01", "2026-03-01"))]
POWERS = [
    {"power_id": "W1", "used_at": "2026-06-28 22:00", "power": "dispersal direction", "ward_code": ABBEY,
     "location_id": "LA1", "person_id": "PO"},
    {"power_id": "W2", "used_at": "2026-05-15 22:00", "power": "stop and search", "ward_code": ABBEY,
     "location_id": "LA1", "outcome": "No further action"},
    {"power_id": "W3", "used_at": "2026-06-28 22:00", "power": "stop and search", "ward_code": CASTLE,
     "location_id": "LC", "person_id": "PZ"},
]
WANTED = [
    {"wanted_id": "N1", "person_id": "PO", "since": "2026-06-27 09:00", "reason": "Suspect circulated: burglary",
     "ward_code": ABBEY, "location_id": "LN", "warnings": "weapons"},
    {"wanted_id": "N2", "person_id": "PW", "since": "2026-03-01 09:00", "reason": "Recall to prison",
     "ward_code": ABBEY},
    {"wanted_id": "N3", "person_id": "PZ", "since": "2026-06-01 09:00", "reason": "Failed to appear at court",
     "ward_code": CASTLE},
]
COVERAGE = (coverage_rows("2025-06", "2026-06", tables=("calls",))
            + coverage_rows("2025-06", "2026-06", tables=("crimes",), uncovered={"crimes": ["2026-05"]})
            + coverage_rows("2025-06", "2026-03", tables=("missing_episodes",)))
PERSONS = [{"person_id": p, "name": f"Name-{p}", "birth_year": 1990, "gender": "F"}
           for p in ("PA", "PB", "PT", "PU", "PV", "PN", "PO", "PBE0", "PBE1", "PBE2", "PZ", "PC", "PM", "PW")]


def write(directory, with_optional: bool = True):
    return write_extracts(directory, crimes=CRIMES, crime_people=LINKS, calls=CALLS, missing_episodes=MISSING,
                          coverage=COVERAGE, persons=PERSONS,
                          powers=POWERS if with_optional else None, wanted=WANTED if with_optional else None)
