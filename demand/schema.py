"""The extract contract: every table a force exports, defined once.

A data directory holds one parquet file per table (``crimes.parquet``) or a folder of
parquet files per table (``crimes/2024-01.parquet`` ...). Columns marked ``required`` must
be present; the others may be left out and are then read as NULL. Everything else in the
product (validation, the snapshot build, the synthetic force, the README table) reads these
definitions rather than repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The 14 street-level categories published by data.police.uk.
CRIME_CATEGORIES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
CALL_GRADES = ("emergency", "priority", "scheduled", "resolved without deployment")
LINK_ROLES = ("victim", "suspect", "offender", "witness", "reporting_person")
MISSING_RISKS = ("high", "medium", "low", "no_apparent_risk")
GEOCODE_PRECISIONS = ("address", "street", "ward")
LOCATION_TYPES = (
    "dwelling",
    "care home",
    "licensed premises",
    "shop",
    "school",
    "hospital",
    "public space",
    "street",
    "transport",
    "other",
)
# Powers an officer uses or applies for (optional table ``powers``): the Anti-social Behaviour,
# Crime and Policing Act 2014's tools, vehicle warnings, and searches.
POWERS_USED = (
    "dispersal direction",
    "community protection warning",
    "community protection notice",
    "criminal behaviour order",
    "closure notice",
    "closure order",
    "civil injunction",
    "section 59 warning",
    "stop and search",
    "other",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of the keys of TYPE_FAMILIES
    description: str
    required: bool = True
    nullable: bool = True
    allowed: tuple[str, ...] | None = None  # closed vocabulary, checked on load


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None  # column that identifies a row, checked for NULLs
    time_column: str | None = None  # the event time, used for ranges and sort order
    optional: bool = False  # a data directory may leave the whole table out

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# Parquet types that are accepted for each contract type (DuckDB's names for them).
TYPE_FAMILIES: dict[str, frozenset[str]] = {
    "VARCHAR": frozenset({"VARCHAR"}),
    "INTEGER": frozenset(
        {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
    ),
    "DOUBLE": frozenset(
        {"FLOAT", "DOUBLE", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL"}
    ),
    "BOOLEAN": frozenset({"BOOLEAN"}),
    "TIMESTAMP": frozenset(
        {"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "DATE"}
    ),
    "DATE": frozenset({"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}),
}


def _ward(required: bool = True) -> Column:
    return Column(
        "ward_code",
        "VARCHAR",
        "ONS ward code (E05...) where the event happened; NULL when it could not be placed",
        required=required,
    )


def _context() -> Column:
    return Column("context", "VARCHAR", "free-text context published with the record (data.police.uk's "
                  "`Context`)", required=False)


WARDS = Table(
    "wards",
    "One row per ward the force polices.",
    (
        Column("ward_code", "VARCHAR", "ONS ward code (E05...)", nullable=False),
        Column("ward_name", "VARCHAR", "ward name", nullable=False),
        Column("district", "VARCHAR", "local authority or command unit name", nullable=False),
        Column("population", "INTEGER", "resident population, for rates per 1,000"),
        Column("district_code", "VARCHAR", "ONS local authority code (E06/E07...)", required=False),
    ),
    key="ward_code",
)

LOCATIONS = Table(
    "locations",
    "Every place an event is recorded at.",
    (
        Column("location_id", "VARCHAR", "the force's location reference", nullable=False),
        Column("address", "VARCHAR", "address or place description"),
        Column("street", "VARCHAR", "street name"),
        Column("location_type", "VARCHAR", "dwelling, care home, licensed premises, shop, ..."),
        _ward(),
        Column("lat", "DOUBLE", "latitude (WGS84)"),
        Column("lon", "DOUBLE", "longitude (WGS84)"),
        Column(
            "precision",
            "VARCHAR",
            "how well it was geocoded: address, street (defaulted to a street) or ward",
            allowed=GEOCODE_PRECISIONS,
        ),
    ),
    key="location_id",
)

PERSONS = Table(
    "persons",
    "People linked to calls, crimes and missing episodes (pseudonymous ids).",
    (
        Column("person_id", "VARCHAR", "pseudonymous person reference", nullable=False),
        Column("name", "VARCHAR", "name as recorded"),
        Column("birth_year", "INTEGER", "year of birth"),
        Column("gender", "VARCHAR", "gender as recorded"),
    ),
    key="person_id",
)

CALLS = Table(
    "calls",
    "Command-and-control incidents (calls for service).",
    (
        Column("incident_id", "VARCHAR", "incident reference", nullable=False),
        Column("received_at", "TIMESTAMP", "when the call was received", nullable=False),
        Column("incident_type", "VARCHAR", "opening incident type"),
        Column("grade", "VARCHAR", "THRIVE/response grade", allowed=CALL_GRADES),
        Column("closing_code", "VARCHAR", "closing code"),
        _ward(),
        Column("location_id", "VARCHAR", "location of the incident"),
        Column("caller_id", "VARCHAR", "person_id of the caller, when known"),
        Column("asb", "BOOLEAN", "anti-social behaviour qualifier"),
        Column("mental_health", "BOOLEAN", "mental health qualifier"),
        Column("domestic", "BOOLEAN", "domestic abuse qualifier"),
        _context(),
    ),
    key="incident_id",
    time_column="received_at",
)

CRIMES = Table(
    "crimes",
    "Recorded crimes.",
    (
        Column("crime_id", "VARCHAR", "crime reference", nullable=False),
        Column("recorded_at", "TIMESTAMP", "when the crime was recorded", nullable=False),
        Column("offence", "VARCHAR", "Home Office offence description"),
        Column("category", "VARCHAR", "police.uk category", allowed=CRIME_CATEGORIES),
        _ward(),
        Column("location_id", "VARCHAR", "location of the offence"),
        Column("outcome", "VARCHAR", "latest outcome, NULL while under investigation"),
        Column("domestic", "BOOLEAN", "domestic abuse flag"),
        Column("weapon", "BOOLEAN", "weapon (knife, firearm, other) involved"),
        _context(),
    ),
    key="crime_id",
    time_column="recorded_at",
)

CRIME_PEOPLE = Table(
    "crime_people",
    "Links between crimes and people; the same link may appear more than once.",
    (
        Column("crime_id", "VARCHAR", "crime reference", nullable=False),
        Column("person_id", "VARCHAR", "person reference", nullable=False),
        Column("role", "VARCHAR", "victim, suspect, offender, witness or reporting_person",
               nullable=False, allowed=LINK_ROLES),
    ),
)

MISSING_EPISODES = Table(
    "missing_episodes",
    "Missing-person episodes.",
    (
        Column("episode_id", "VARCHAR", "episode reference", nullable=False),
        Column("person_id", "VARCHAR", "the missing person", nullable=False),
        Column("reported_at", "TIMESTAMP", "when the person was reported missing", nullable=False),
        Column("found_at", "TIMESTAMP", "when found, NULL while still missing"),
        Column("risk", "VARCHAR", "risk grading", allowed=MISSING_RISKS),
        Column("from_location_id", "VARCHAR", "where the person went missing from"),
        _ward(),
    ),
    key="episode_id",
    time_column="reported_at",
)

COVERAGE = Table(
    "coverage",
    "Which months each source covers; a month marked not covered is reported as missing, "
    "never as zero. When the table is absent every month from a table's first to its last "
    "event counts as covered.",
    (
        Column("table_name", "VARCHAR", "calls, crimes or missing_episodes", nullable=False,
               allowed=("calls", "crimes", "missing_episodes")),
        Column("month", "DATE", "first day of the month", nullable=False),
        Column("covered", "BOOLEAN", "whether the source holds that month", nullable=False),
    ),
    optional=True,
)

POWERS = Table(
    "powers",
    "Powers used: dispersal directions, community protection warnings and notices, orders, "
    "searches. When the table is absent, documents say the powers used are not held (never zero).",
    (
        Column("power_id", "VARCHAR", "reference of this use of a power", nullable=False),
        Column("used_at", "TIMESTAMP", "when the power was used (an order: when it was made)", nullable=False),
        Column("power", "VARCHAR", "which power", nullable=False, allowed=POWERS_USED),
        _ward(),
        Column("location_id", "VARCHAR", "where it was used", required=False),
        Column("person_id", "VARCHAR", "the person it was used on, where recorded", required=False),
        Column("outcome", "VARCHAR", "what followed, as recorded (a search: 'Arrest', 'No further action')",
               required=False),
    ),
    key="power_id",
    time_column="used_at",
    optional=True,
)

WANTED = Table(
    "wanted",
    "People wanted (a warrant, a recall to prison, a suspect circulated), with when it began and "
    "ended. When the table is absent, documents say wanted persons are not held (never zero).",
    (
        Column("wanted_id", "VARCHAR", "reference of the warrant or circulation", nullable=False),
        Column("person_id", "VARCHAR", "the person wanted", nullable=False),
        Column("since", "TIMESTAMP", "when the person became wanted", nullable=False),
        Column("ended_at", "TIMESTAMP", "when arrested or the circulation was cancelled; NULL while still wanted"),
        Column("reason", "VARCHAR", "why: the warrant or offence ('Failed to appear at court', 'Recall to prison')"),
        Column("ward_code", "VARCHAR", "ONS ward code (E05...) of the last known address; NULL when not placed"),
        Column("location_id", "VARCHAR", "last known address", required=False),
        Column("warnings", "VARCHAR", "warning markers that matter on the street, as recorded "
               "('weapons; violence')", required=False),
    ),
    key="wanted_id",
    time_column="since",
    optional=True,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (WARDS, LOCATIONS, PERSONS, CALLS, CRIMES, CRIME_PEOPLE, MISSING_EPISODES, COVERAGE, POWERS, WANTED)
}
EVENT_TABLES = ("calls", "crimes", "missing_episodes")
