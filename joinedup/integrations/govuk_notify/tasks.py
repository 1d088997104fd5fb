from joinedup.integrations.govuk_notify.services import notify_message_deliver
from joinedup.jobs.registry import task


# Notify's own callbacks retry for about 25 minutes; we retry sends for longer
# (30 s doubling to 6 h, 10 tries ≈ 20 h) because a receipt should survive an outage.
@task("govuk_notify.deliver", max_attempts=10)
def deliver(*, message_id: str) -> None:
    notify_message_deliver(message_id=message_id)
