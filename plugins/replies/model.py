"""The reply record: one validated reply file, with the values its rules derive."""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass, field, fields

from . import schema

# "李伟（衡阳代表团）" names a co-signer together with the delegation that tells same-name deputies apart.
_NAME_WITH_DELEGATION = re.compile(r"^\s*(?P<name>[^（(]+?)\s*[（(](?P<delegation>[^）)]+)[）)]\s*$")


@dataclass(frozen=True)
class Person:
    """A deputy, member or body as named on a reply; the delegation is None when not given."""

    name: str
    delegation: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Person":
        match = _NAME_WITH_DELEGATION.match(text)
        if match:
            return cls(match["name"], match["delegation"].strip())
        return cls(text.strip())

    def __str__(self) -> str:
        return f"{self.name}（{self.delegation}）" if self.delegation else self.name


@dataclass(frozen=True)
class Attachment:
    file: str  # path relative to the content folder
    title: str


@dataclass(slots=True)  # no per-reply attribute dict: a third of a stored reply's memory
class Reply:
    """One reply as written by staff; optional values carry the defaults of the format."""

    source: str  # path relative to the content folder, with forward slashes
    title: str
    kind: str
    level: str
    session: str
    year: int
    number: str
    lead: str
    role: str
    category: str
    reply_date: datetime.date
    disclosure: str
    co_signers: list[str] = field(default_factory=list)
    delegation: str | None = None
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    division: str | None = None
    key_group: str | None = None
    doc_no: str | None = None
    reply_class: str | None = None
    assigned_date: datetime.date | None = None
    publish_date: datetime.date | None = None
    feedback: str = "未反馈"
    nondisclosure_reason: str | None = None
    disclosure_form: str = "全文"
    summary: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # The letter in Markdown; never published for withheld or summary-only replies.  None once the
    # reader has rendered a published letter (release_body): the article's HTML holds it from then on.
    body: str | None = ""
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line in the file

    def __post_init__(self):
        if self.publish_date is None:
            self.publish_date = self.reply_date

    def __reduce__(self):
        # Pickled (the build cache) as the arguments that make it again: the default for a dataclass
        # with slots builds its state field by field in Python, which takes half as long again.
        return Reply, _field_values(self)

    def release_body(self) -> None:
        """Forget the letter's Markdown: kept beside its rendered HTML for the whole build, every
        letter was in memory twice (some 300 MB at 100,000 replies)."""
        self.body = None

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What makes a reply unique: (level, kind, session, number)."""
        return (self.level, self.kind, self.session, self.number)

    @property
    def slug(self) -> str:
        """Readable, title-independent address part, e.g. 'sheng-jianyi-1418'."""
        return f"{schema.LEVEL_CODES[self.level]}-{schema.KIND_CODES[self.kind]}-{self.number}"

    @property
    def is_public(self) -> bool:
        return self.disclosure == schema.PUBLIC

    @property
    def is_summary_only(self) -> bool:
        return self.disclosure_form == schema.SUMMARY_FORM

    @property
    def answers_deputy(self) -> bool:
        return self.role in schema.ANSWERING_ROLES

    @property
    def is_key(self) -> bool:
        return bool(self.key_group)

    @property
    def reply_class_meaning(self) -> str:
        return schema.reply_class_meaning(self.reply_class)

    @property
    def lead_label(self) -> str:
        return schema.lead_label(self.kind)

    @property
    def lead_person(self) -> Person:
        return Person(self.lead, self.delegation)

    @property
    def co_signer_people(self) -> list[Person]:
        return [Person.parse(name) for name in self.co_signers]

    @property
    def number_label(self) -> str:
        """'省十二届人大七次会议第1418号'."""
        return f"{self.session}第{self.number}号"

    @property
    def publication_delay(self) -> int:
        """Days from reply to publication."""
        return (self.publish_date - self.reply_date).days


_field_values = operator.attrgetter(*(f.name for f in fields(Reply)))
