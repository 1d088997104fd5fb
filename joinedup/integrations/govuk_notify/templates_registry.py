"""The message templates the platform sends. In GOV.UK Notify a template lives in the
service's Notify account and is named by its id; here each has a name, its text (used
by the sandbox and shown in the outbox) and the live template id, which comes from
settings (`NOTIFY_TEMPLATE_IDS`, name or `name.cy` → id), never from code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")  # Notify's ((placeholder)) syntax


class MissingPersonalisation(ValueError):
    pass


@dataclass(frozen=True)
class NotifyTemplate:
    name: str
    kind: str  # "email" or "sms"
    subject: dict[str, str]  # by language; empty for SMS
    body: dict[str, str]

    def placeholders(self, language: str) -> set[str]:
        text = self.subject.get(language, "") + self.body[language]
        return {m.strip() for m in PLACEHOLDER.findall(text)}

    def render(self, language: str, personalisation: dict) -> tuple[str, str]:
        language = language if language in self.body else "en"
        missing = self.placeholders(language) - set(personalisation)
        if missing:
            # Notify answers 400 "Missing personalisation: …" (BadRequestError).
            raise MissingPersonalisation(f"Missing personalisation: {', '.join(sorted(missing))}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1).strip()]), text)

        return fill(self.subject.get(language, "")), fill(self.body[language])

    def template_id(self, language: str) -> str:
        ids = getattr(settings, "NOTIFY_TEMPLATE_IDS", {}) or {}
        return ids.get(f"{self.name}.{language}") or ids.get(self.name, "")


_TEMPLATES: dict[str, NotifyTemplate] = {}


def register_template(template: NotifyTemplate) -> NotifyTemplate:
    _TEMPLATES[template.name] = template
    return template


def get_template(name: str) -> NotifyTemplate:
    return _TEMPLATES[name]
