"""A Celery worker for the fault tests: `python -m tests.reliability._worker -Q QUEUE ...` (arguments as for
`celery worker`).

Two knobs, from the environment, so a test can make a crash land between commits and see redelivery quickly:

* FAULT_CHUNK_SIZE — records per committed chunk of an upload (intake.upload_chunks.CHUNK_SIZE, normally 500);
* FAULT_VISIBILITY_TIMEOUT — seconds after which this worker puts back messages that a dead worker had taken
  but never acknowledged (Redis transport; production keeps kombu's default of one hour).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import intake.upload_chunks
    from config.celery import app

    if chunk := int(os.environ.get("FAULT_CHUNK_SIZE", "0")):
        intake.upload_chunks.CHUNK_SIZE = chunk
    if timeout := int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "0")):
        app.conf.broker_transport_options = {
            "visibility_timeout": timeout,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
