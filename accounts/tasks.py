from celery import shared_task

from . import services


@shared_task(queue="bulk")
def attempt_counters_expire_task() -> int:
    return services.attempt_counters_expire()
