from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The platform's operational wiring that needs Django started: no models."""

    name = "config"
    label = "operations"

    def ready(self) -> None:
        # The worker's log lines carry the id of the task they run for.
        from django_q.signals import post_execute_in_worker, pre_execute

        from config import request_id

        pre_execute.connect(request_id.task_started, dispatch_uid="integra-task-id")
        post_execute_in_worker.connect(request_id.task_finished, dispatch_uid="integra-task-id")
