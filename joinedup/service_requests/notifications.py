"""The messages service requests send (GOV.UK Notify templates), in English and Welsh."""

from joinedup.integrations.govuk_notify.templates_registry import NotifyTemplate, register_template

RECEIVED_EMAIL = register_template(
    NotifyTemplate(
        name="service_request_received",
        kind="email",
        subject={
            "en": "We have your report: ((service)) (reference ((reference)))",
            "cy": "Mae eich adroddiad gennym: ((service)) (cyfeirnod ((reference)))",
        },
        body={
            "en": (
                "Thank you. ((organisation)) has your report.\n\n"
                "What: ((service))\nWhere: ((location))\nReference: ((reference))\n"
                "We aim to deal with it by: ((due))\n\n"
                "Follow its progress, or tell us if it is not fixed: ((tracking_url))"
            ),
            "cy": (
                "Diolch. Mae eich adroddiad gan ((organisation)).\n\n"
                "Beth: ((service))\nBle: ((location))\nCyfeirnod: ((reference))\n"
                "Rydym yn anelu at ddelio ag ef erbyn: ((due))\n\n"
                "Dilynwch ei hynt, neu dywedwch wrthym os nad yw wedi'i drwsio: ((tracking_url))"
            ),
        },
    )
)

RECEIVED_SMS = register_template(
    NotifyTemplate(
        name="service_request_received_sms",
        kind="sms",
        subject={},
        body={
            "en": "((organisation)) has your report of ((service)), reference ((reference)). Track it: ((tracking_url))",
            "cy": "Mae eich adroddiad am ((service)) gan ((organisation)), cyfeirnod ((reference)). Dilynwch ef: ((tracking_url))",
        },
    )
)

UPDATED_EMAIL = register_template(
    NotifyTemplate(
        name="service_request_updated",
        kind="email",
        subject={
            "en": "Update on your report ((reference)): ((status))",
            "cy": "Diweddariad ar eich adroddiad ((reference)): ((status))",
        },
        body={
            "en": (
                "There is news about the report of ((service)) at ((location)) "
                "(reference ((reference))).\n\n"
                "Status: ((status))\nDealt with by: ((organisation))\n\n((update))\n\n"
                "See the whole history: ((tracking_url))"
            ),
            "cy": (
                "Mae newyddion am yr adroddiad am ((service)) yn ((location)) "
                "(cyfeirnod ((reference))).\n\n"
                "Statws: ((status))\nYn cael ei drin gan: ((organisation))\n\n((update))\n\n"
                "Gweld yr hanes i gyd: ((tracking_url))"
            ),
        },
    )
)

UPDATED_SMS = register_template(
    NotifyTemplate(
        name="service_request_updated_sms",
        kind="sms",
        subject={},
        body={
            "en": "Report ((reference)) (((service))): ((status)). ((update)) More: ((tracking_url))",
            "cy": "Adroddiad ((reference)) (((service))): ((status)). ((update)) Mwy: ((tracking_url))",
        },
    )
)
