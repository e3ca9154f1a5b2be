"""Validate stage, part one: the shapes of the YAML files and of the values in them.

Field names are the snake_case a person writes; ``documents`` maps them to
the specs' camelCase. Each field's ``description`` doubles as the README
reference and as the hint shown when the field is missing or wrong, and the
published JSON Schemas are generated from these models.
"""

from __future__ import annotations

import calendar
import difflib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator

from badgepress.domain import SLUG_PATTERN, NameVisibility
from badgepress.load.validation import Strict

ACHIEVEMENT_TYPES = [
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
]
ALIGNMENT_TYPES = (
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
)
RESULT_TYPES = [
    "GradePointAverage",
    "LetterGrade",
    "Percent",
    "PerformanceLevel",
    "PredictedScore",
    "RawScore",
    "Result",
    "RubricCriterion",
    "RubricCriterionLevel",
    "RubricScore",
    "ScaledScore",
    "Status",
]
_EXTENSION = re.compile(r"^ext:[A-Za-z0-9.\-_]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_HASH = re.compile(r"^sha256\$[0-9a-f]{64}$")
_DURATION = re.compile(r"^(\d{1,6})\s*(day|week|month|year)s?$")


def _enum_ext(allowed: list[str], what: str):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        if value in allowed or _EXTENSION.match(value):
            return value
        close = difflib.get_close_matches(value, allowed, n=3, cutoff=0.6)
        if close:
            raise ValueError(f"is not a known {what}; did you mean {' or '.join(close)}?")
        raise ValueError(f"is not a known {what}; use one of {', '.join(allowed)}, or an extension ext:Name")

    return check


# RFC 3987 (IRI) §2.2: the characters an IRI may hold besides ASCII letters and digits.
_IRI_ASCII = frozenset("-._~:/?#[]@!$&'()*+,;=%")
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane, plane + 0xFFFD) for plane in range(0x10000, 0xE0001, 0x10000)),
    (0xE1000, 0xEFFFD),
)
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AUTHORITY = re.compile(r"^(?:[^@\[\]]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^:@\[\]]+)(?::[0-9]*)?$")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) IRI (RFC 3987), or None when it is one.

    Signing needs this: an IRI with a space, ``<``, ``|``, ``^``, ``{`` and the
    like is canonicalized differently by each JSON-LD processor, so its proof
    would verify in one and fail in the others.
    """
    if not value.lower().startswith(("https://", "http://")):
        return "is not a web address (it must start with https:// or http://)"
    for char in value:
        code = ord(char)
        if char.isspace():
            return f"has a space (U+{code:04X}) in it; write a space as %20"
        if char.isascii():
            if not (char.isalnum() or char in _IRI_ASCII):
                shown = repr(char) if char.isprintable() else f"U+{code:04X}"
                return f"has a character not allowed in a web address: {shown} (write it as %{code:02X})"
        elif not any(low <= code <= high for low, high in _UCSCHAR):
            return f"has a character not allowed in a web address: U+{code:04X}"
    if not _URL.match(value):
        return "is not a web address (it must start with https:// or http://)"
    if _PERCENT.search(value):
        return "has a % that does not start an escape such as %20"
    rest = value.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not _AUTHORITY.match(authority):
        return "has no valid host after the //"
    if "[" in rest[len(authority) :] or "]" in rest[len(authority) :] or value.count("#") > 1:
        return "has [, ] or a second # outside where a web address allows them (write them as %5B, %5D, %23)"
    return None


def _url(value: str) -> str:
    problem = iri_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# DID Core §3.1: did:<method>:<method-specific-id>, each idchar a letter, digit, . - _ or %XX
_DID = r"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$"


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("is not a valid email address") from None


# Every date a file gives: from the Unix epoch (nothing Badgepress issues is older) to well
# before the year 9999, where adding a time zone or a validity period would overflow.
DATE_MIN = datetime(1970, 1, 1, tzinfo=UTC)
DATE_MAX = datetime(3000, 1, 1, tzinfo=UTC)
MAX_PERIOD_DAYS = 100 * 366  # the longest period: a validity, a status list refresh


def _timestamp(value: object) -> object:
    """Dates become midnight UTC; times must carry a time zone (determinism, VC 2.0 §4.9)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                day = date.fromisoformat(text)
                parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00") from None
    else:
        raise ValueError("is not a date; write YYYY-MM-DD")
    if parsed.tzinfo is None:
        raise ValueError("has a time but no time zone; add one, e.g. 2026-03-14T10:00:00Z")
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is in the year 10000 in UTC
        in_utc = DATE_MAX
    if not DATE_MIN <= in_utc < DATE_MAX:
        raise ValueError(f"is out of range: dates go from {DATE_MIN:%Y-%m-%d} to {DATE_MAX.year - 1}-12-31")
    return parsed


def parse_timestamp(text: str) -> datetime:
    """A date or a time as a file gives it, in UTC; ValueError says what is wrong with it."""
    moment = _timestamp(text)
    assert isinstance(moment, datetime)
    return moment.astimezone(UTC)


_TYPE_LABELS = {
    "CoCurricular": "Co-curricular",
    "GeneralEducationDevelopment": "General Education Development",
}


def type_label(achievement_type: str) -> str:
    """An OB 3.0 achievement type as a person reads it: CommunityService → Community Service."""
    name = achievement_type.removeprefix("ext:")
    if name in _TYPE_LABELS:
        return _TYPE_LABELS[name]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def add_period(moment: datetime, text: str) -> datetime:
    """``moment`` plus a period such as '2 years': calendar months and years, clamped to the month's end."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError("is not a period; write e.g. '365 days', '18 months' or '2 years'")
    parse_duration(text)  # bounded: the result stays far from the year 9999
    count, unit = int(match.group(1)), match.group(2)
    if unit in {"day", "week"}:
        return moment + parse_duration(text)
    months = moment.month - 1 + count * (12 if unit == "year" else 1)
    year, month = moment.year + months // 12, months % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError("is not a period; write e.g. '365 days', '18 months' or '2 years'")
    count, unit = int(match.group(1)), match.group(2)
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * count
    if days > MAX_PERIOD_DAYS:
        raise ValueError("is longer than 100 years")
    return timedelta(days=days)


def _duration(value: str) -> str:
    parse_duration(value)
    return value


Url = Annotated[str, AfterValidator(_url)]
Email = Annotated[str, AfterValidator(_email)]
Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
Text = Annotated[str, Field(min_length=1)]
Period = Annotated[str, AfterValidator(_duration)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


# ---------------------------------------------------------------- achievements


class AlignmentIn(Strict):
    name: Text = Field(description="the name of the skill or competency aligned to")
    url: Url = Field(description="its page in the public framework")
    framework: str | None = Field(None, description="the framework's name, e.g. ESCO")
    code: str | None = Field(None, description="the item's code in the framework")
    description: str | None = Field(None, description="a short description of the item")
    type: Annotated[str, AfterValidator(_enum_ext(ALIGNMENT_TYPES, "alignment type"))] | None = Field(
        None, description="ceasn:Competency, CTDL, CFItem, … or ext:Name"
    )


class ResultSpec(Strict):
    name: Text = Field(description="what the result measures, e.g. 'Final grade'")
    type: Annotated[str, AfterValidator(_enum_ext(RESULT_TYPES, "result type"))] = Field(
        "Result", description="LetterGrade, Percent, Status, … or ext:Name"
    )
    values: list[str] | None = Field(None, description="the allowed values, best first")


class RelatedIn(Strict):
    prerequisites: list[Slug] = Field(default_factory=list, description="achievements to earn first")
    pathway: str | None = Field(None, description="the name of the pathway this achievement belongs to")


class AchievementIn(Strict):
    """An achievement file: ``achievements/<slug>.yaml``."""

    name: Text = Field(description="the badge's title (plain text)")
    description: Text = Field(
        description="what the badge recognizes, one paragraph (Markdown on its page, plain text on cards)"
    )
    criteria: Text = Field(description="how to earn it (Markdown)")
    achievement_type: Annotated[str, AfterValidator(_enum_ext(ACHIEVEMENT_TYPES, "achievement type"))] = (
        Field(
            "Badge", description="Badge, Course, Certificate, Competency, … (OB 3.0 vocabulary) or ext:Name"
        )
    )
    image: str | None = Field(
        None, description="image file beside this YAML (PNG or SVG); default: generated"
    )
    image_caption: str | None = Field(None, description="alt text of the image")
    tags: list[Text] = Field(default_factory=list, description="keywords for the catalog filters")
    alignments: list[AlignmentIn] = Field(default_factory=list, description="skills in public frameworks")
    credits: Annotated[float, Field(ge=0)] | None = Field(
        None, description="credit hours or points available"
    )
    field_of_study: str | None = Field(None, description="e.g. Computer Science")
    specialization: str | None = Field(None, description="a narrower field")
    code: str | None = Field(None, description="a human-readable code, e.g. CS-101")
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = Field(
        None, description="BCP 47 language of the texts, e.g. en"
    )
    valid_for: Period | None = Field(
        None, description="default validity of awards, e.g. '2 years' (sets validUntil)"
    )
    result: ResultSpec | None = Field(None, description="the result an award may carry (grade, score…)")
    related: RelatedIn | None = Field(None, description="prerequisites and pathway")


# ---------------------------------------------------------------- awards


class EvidenceIn(Strict):
    url: Url | None = Field(None, description="where the evidence can be seen")
    name: str | None = Field(None, description="its title")
    description: str | None = Field(None, description="what it shows")
    narrative: str | None = Field(None, description="the story of the work (Markdown, no raw HTML)")

    @model_validator(mode="after")
    def _something(self) -> EvidenceIn:
        if not (self.url or self.name or self.narrative):
            raise ValueError("an evidence entry needs a url, a name or a narrative")
        return self


class RevocationIn(Strict):
    date: Timestamp = Field(description="when it was revoked")
    reason: Text = Field(description="why (shown on the credential page unless public is false)")
    public: bool = Field(True, description="false keeps the reason off the public pages")


class AwardFields(Strict):
    """Fields an award file sets for all its recipients and each recipient may override."""

    issued: Timestamp | None = Field(
        None, description="the date awarded (validFrom), YYYY-MM-DD; required here or per recipient"
    )
    expires: Timestamp | None = Field(None, description="the date it expires (validUntil)")
    evidence: list[EvidenceIn] | None = Field(None, description="links or narratives that support the award")
    narrative: str | None = Field(None, description="what this recipient did (Markdown, no raw HTML)")
    result: str | None = Field(None, description="the result, e.g. a grade, among the achievement's values")
    show_name: NameVisibility | None = Field(
        None, description="full, initial or none (overrides the program)"
    )
    learner_record: bool | None = Field(None, description="opt in to a Comprehensive Learner Record page")


class RecipientIn(AwardFields):
    name: str | None = Field(None, description="the recipient's name as it should appear (plain text)")
    email: Email | None = Field(None, description="plain email: only in private repositories")
    identity: Annotated[str, Field(pattern=_HASH.pattern)] | None = Field(
        None, description="sha256$<hex> of email+salt, as `badgepress award` writes it"
    )
    salt: Annotated[str, Field(min_length=8)] | None = Field(
        None, description="the salt of the identity hash"
    )
    did: Annotated[str, Field(pattern=_DID)] | None = Field(
        None, description="the recipient's DID (did:method:id, DID Core syntax)"
    )
    revoked: RevocationIn | None = Field(None, description="set to revoke this credential")
    learner: Slug | None = Field(
        None, description="a learner handle grouping this person's awards (for learner records)"
    )

    @model_validator(mode="after")
    def _one_identity(self) -> RecipientIn:
        if not (self.email or self.identity or self.did):
            raise ValueError("a recipient needs an email, an identity hash or a did")
        if self.email and self.identity:
            raise ValueError("give either email or identity, not both")
        if bool(self.identity) != bool(self.salt):
            raise ValueError("identity and salt go together")
        return self


class AwardIn(AwardFields):
    """An award file: ``credentials/**/<name>.yaml``, one recipient or a cohort."""

    achievement: Slug = Field(description="the achievement's file name without .yaml")
    recipient: RecipientIn | None = Field(None, description="the one person awarded")
    recipients: list[RecipientIn] | None = Field(None, description="a cohort: everyone awarded")

    @model_validator(mode="after")
    def _one_or_many(self) -> AwardIn:
        if (self.recipient is None) == (self.recipients is None):
            raise ValueError("an award file needs exactly one of 'recipient' or 'recipients'")
        if self.recipients is not None and not self.recipients:
            raise ValueError("'recipients' is empty")
        return self


# ---------------------------------------------------------------- endorsements given


def _url_or_did(value: str) -> str:
    if re.match(r"^https?://\S+$", value) or re.match(r"^did:[a-z0-9]+:\S+$", value):
        return value
    raise ValueError("is not the id of an achievement or profile (an https:// address or a DID)")


class GivenEndorsement(Strict):
    """``endorsements/given/<name>.yaml``: the program endorses someone else's achievement or profile."""

    subject: Annotated[str, AfterValidator(_url_or_did)] = Field(
        description="the id of the achievement or profile endorsed (its JSON address, or a DID)"
    )
    subject_name: Text = Field(description="what is endorsed, as people read it (shown on the issuer page)")
    comment: Text = Field(description="what the program says about it (Markdown, no raw HTML)")
    issued: Timestamp = Field(description="the date of the endorsement, YYYY-MM-DD")
    name: str | None = Field(None, description="a title (default: '<program> endorses <subject_name>')")
