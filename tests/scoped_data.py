"""Crafted extracts for the access tests: two districts, three wards, and people and places
whose every name and reference says where they belong, so an out-of-scope row is easy to spot
anywhere on a page, in a count or in a message.

Northtown: Abbey (E05000001), Beacon (E05000002). Southvale: Castle (E05000003).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from demand.fixtures import ABBEY, BEACON, CASTLE

AS_OF = date(2026, 6, 30)
WARD_NAMES = {ABBEY: "Abbey", BEACON: "Beacon", CASTLE: "Castle"}
DISTRICTS = {"Northtown": {ABBEY, BEACON}, "Southvale": {CASTLE}}


def at(days_before: int) -> str:
    return (datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=12) - timedelta(days=days_before)).isoformat(" ")


def _crimes(prefix: str, ward: str | None, location: str, days: list[int], category: str = "Burglary") -> list[dict]:
    return [{"crime_id": f"{prefix}{n}", "recorded_at": at(d), "ward_code": ward, "location_id": location,
             "category": category} for n, d in enumerate(days)]


CRIMES = (
    _crimes("RAB", ABBEY, "LAB1", [1, 3, 10, 20, 40, 60, 100, 200, 400])
    + _crimes("RBE", BEACON, "LBE1", [2, 15, 30, 50, 300])
    + _crimes("RCA", CASTLE, "LCA1", [1, 4, 8, 12, 33, 70, 120, 500], category="Robbery")
    + _crimes("RNW", None, "LNW1", [5, 25])  # events with no ward: the force's only
)
LINKS = (
    [{"crime_id": f"RAB{n}", "person_id": "PAB1", "role": "victim"} for n in range(5)]
    + [{"crime_id": f"RAB{n}", "person_id": "PAB2", "role": "offender"} for n in range(3)]
    + [{"crime_id": f"RBE{n}", "person_id": "PBE1", "role": "victim"} for n in range(3)]
    + [{"crime_id": f"RCA{n}", "person_id": "PCA1", "role": "victim"} for n in range(5)]
    # PBOTH: a victim in Abbey and in Castle; an officer of Abbey sees only the Abbey half
    + [{"crime_id": c, "person_id": "PBOTH", "role": "victim"} for c in ("RAB5", "RAB6", "RCA5", "RCA6")]
    + [{"crime_id": f"RNW{n}", "person_id": "PNW1", "role": "victim"} for n in range(2)]
)
CALLS = (
    [{"incident_id": f"CAB{n}", "received_at": at(d), "ward_code": ABBEY, "caller_id": "PAB3", "location_id": "LAB1",
      "asb": True} for n, d in enumerate([0, 2, 9, 45])]
    + [{"incident_id": f"CCA{n}", "received_at": at(d), "ward_code": CASTLE, "caller_id": "PCA2",
        "location_id": "LCA1", "mental_health": True} for n, d in enumerate([1, 3, 6, 40, 80])]
    + [{"incident_id": "CNW0", "received_at": at(7), "ward_code": None, "caller_id": "PNW1", "location_id": "LNW1"}]
)
MISSING = (
    [{"episode_id": f"MAB{n}", "person_id": "PAB4", "reported_at": at(d), "ward_code": ABBEY,
      "from_location_id": "LAB2"} for n, d in enumerate([4, 12])]
    + [{"episode_id": f"MCA{n}", "person_id": "PCA3", "reported_at": at(d), "ward_code": CASTLE,
        "from_location_id": "LCA2", "risk": "high"} for n, d in enumerate([5, 13, 90])]
)
# Powers used and people wanted: PWCA appears only here, wanted in Castle.
POWERS = [
    {"power_id": "WAB0", "used_at": at(2), "power": "dispersal direction", "ward_code": ABBEY,
     "location_id": "LAB1", "person_id": "PAB2"},
    {"power_id": "WAB1", "used_at": at(20), "power": "stop and search", "ward_code": ABBEY, "location_id": "LAB1",
     "outcome": "No further action"},
    {"power_id": "WCA0", "used_at": at(3), "power": "community protection warning", "ward_code": CASTLE,
     "location_id": "LCA1", "person_id": "PWCA"},
    {"power_id": "WNW0", "used_at": at(5), "power": "stop and search", "ward_code": None, "location_id": "LNW1",
     "person_id": "PNW1"},
]
WANTED = [
    {"wanted_id": "NAB0", "person_id": "PAB2", "since": at(30), "reason": "Failed to appear at court",
     "ward_code": ABBEY, "location_id": "LAB1"},
    {"wanted_id": "NCA0", "person_id": "PWCA", "since": at(10), "reason": "Recall to prison", "ward_code": CASTLE,
     "location_id": "LCA1", "warnings": "weapons"},
    {"wanted_id": "NCA1", "person_id": "PCA1", "since": at(100), "ended_at": at(50), "reason": "Suspect circulated",
     "ward_code": CASTLE},
]
PERSONS = [
    {"person_id": p, "name": f"Name-{p}", "birth_year": 1980, "gender": "F"}
    for p in ("PAB1", "PAB2", "PAB3", "PAB4", "PBE1", "PCA1", "PCA2", "PCA3", "PBOTH", "PNW1", "PWCA")
]
LOCATIONS = [
    {"location_id": loc, "address": f"Addr-{loc}", "street": f"Street-{loc}", "location_type": kind,
     "ward_code": ward, "lat": 52.63 + i * 0.0005, "lon": -1.13, "precision": "address"}
    for i, (loc, ward, kind) in enumerate([
        ("LAB1", ABBEY, "dwelling"), ("LAB2", ABBEY, "care home"), ("LBE1", BEACON, "shop"),
        ("LCA1", CASTLE, "dwelling"), ("LCA2", CASTLE, "care home"), ("LNW1", None, "street"),
    ])
]


def write(directory):
    from demand.fixtures import write_extracts

    return write_extracts(directory, crimes=CRIMES, crime_people=LINKS, calls=CALLS, missing_episodes=MISSING,
                          persons=PERSONS, locations=LOCATIONS, powers=POWERS, wanted=WANTED)


def ward_of_event() -> dict[str, str | None]:
    wards = {c["crime_id"]: c["ward_code"] for c in CRIMES}
    wards.update({c["incident_id"]: c["ward_code"] for c in CALLS})
    wards.update({m["episode_id"]: m["ward_code"] for m in MISSING})
    wards.update({p["power_id"]: p["ward_code"] for p in POWERS})
    wards.update({w["wanted_id"]: w["ward_code"] for w in WANTED})
    return wards


def events_of_person() -> dict[str, set[str]]:
    events: dict[str, set[str]] = {}
    for link in LINKS:
        events.setdefault(link["person_id"], set()).add(link["crime_id"])
    for call in CALLS:
        events.setdefault(call["caller_id"], set()).add(call["incident_id"])
    for episode in MISSING:
        events.setdefault(episode["person_id"], set()).add(episode["episode_id"])
    for row, key in [(p, "power_id") for p in POWERS if p.get("person_id")] + [(w, "wanted_id") for w in WANTED]:
        events.setdefault(row["person_id"], set()).add(row[key])
    return events


def events_at_location() -> dict[str, set[str]]:
    events: dict[str, set[str]] = {}
    for row, key, loc in ([(c, "crime_id", "location_id") for c in CRIMES]
                          + [(c, "incident_id", "location_id") for c in CALLS]
                          + [(m, "episode_id", "from_location_id") for m in MISSING]
                          + [(p, "power_id", "location_id") for p in POWERS]
                          + [(w, "wanted_id", "location_id") for w in WANTED if w.get("location_id")]):
        events.setdefault(row[loc], set()).add(row[key])
    return events


def forbidden(wards: set[str] | None) -> set[str]:
    """Every reference and name a user who may read ``wards`` (None: the whole force) must
    never be shown: events outside them, and people and places with no event inside them."""
    if wards is None:
        return set()
    ward_of = ward_of_event()
    inside = {e for e, w in ward_of.items() if w in wards}
    hidden = {e for e in ward_of if e not in inside}
    for person, events in events_of_person().items():
        if not events & inside:
            hidden |= {person, f"Name-{person}"}
    for location, events in events_at_location().items():
        ward = next(loc["ward_code"] for loc in LOCATIONS if loc["location_id"] == location)
        if not events & inside and ward not in wards:
            hidden |= {location, f"Addr-{location}", f"Street-{location}"}
    hidden |= {WARD_NAMES[w] for w in WARD_NAMES if w not in wards}
    hidden |= {d for d, ws in DISTRICTS.items() if not ws & wards}
    return hidden
