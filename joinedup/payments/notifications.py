"""The messages the payments module sends (GOV.UK Notify templates)."""

from joinedup.integrations.govuk_notify.templates_registry import NotifyTemplate, register_template

PAYMENT_RECEIPT = register_template(
    NotifyTemplate(
        name="payment_receipt",
        kind="email",
        subject={
            "en": "Payment received: ((description))",
            "cy": "Taliad wedi dod i law: ((description))",
        },
        body={
            "en": (
                "((organisation)) has received your payment.\n\n"
                "Amount: ((amount))\nFor: ((description))\nReference: ((reference))\n"
                "Payment ID: ((payment_id))\nDate: ((date))\n\n"
                "Keep this email as your receipt."
            ),
            "cy": (
                "Mae ((organisation)) wedi cael eich taliad.\n\n"
                "Swm: ((amount))\nAr gyfer: ((description))\nCyfeirnod: ((reference))\n"
                "ID y taliad: ((payment_id))\nDyddiad: ((date))\n\n"
                "Cadwch yr e-bost hwn fel eich derbynneb."
            ),
        },
    )
)
