from joinedup.integrations.govuk_pay.sandbox.delivery import webhook_message_deliver
from joinedup.jobs.registry import task


# GOV.UK Pay retries a webhook that did not get a 2xx; so does the sandbox.
@task("govuk_pay_sandbox.deliver_webhook", max_attempts=8, backoff_base=10)
def deliver_webhook(*, message_id: int) -> None:
    webhook_message_deliver(message_id=message_id)
