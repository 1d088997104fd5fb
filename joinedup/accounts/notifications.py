"""The message template for account email (GOV.UK Notify). Its subject and text are
written, and translated, by the accounts module, so the template only carries them: in
Notify the template is the subject ((subject)) and the body ((body))."""

from joinedup.integrations.govuk_notify.templates_registry import NotifyTemplate, register_template

ACCOUNT_EMAIL = register_template(
    NotifyTemplate(
        name="account_email",
        kind="email",
        subject={"en": "((subject))", "cy": "((subject))"},
        body={"en": "((body))", "cy": "((body))"},
    )
)
