"""Schedule the daily refresh of open programmes (60 days without contact, final evaluation due/overdue: SPEC §5.6).

01:30 Asia/Tokyo, before the nightly rate computation (02:30) reads the programme states.
"""

from django.db import migrations

TASK_NAME = "guidance: daily refresh of open programmes"
TASK = "guidance.tasks.programmes_refresh_open_task"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Tokyo"
    )
    PeriodicTask.objects.update_or_create(name=TASK_NAME, defaults={"task": TASK, "crontab": crontab, "enabled": True})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0003_add_programme_exclusion_constraints_and_work_list_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
