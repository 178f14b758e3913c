"""The book build task moved from proceedings/tasks.py to proceedings/builds.py: builds still
waiting in the database queue name it by its new path, so a worker runs them after the upgrade."""

from django.db import migrations

OLD = "proceedings.tasks.build_book"
NEW = "proceedings.builds.build_book"


def rename(old, new):
    def forwards(apps, schema_editor):
        apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
            task_path=old, status="READY"
        ).update(task_path=new)

    return forwards


class Migration(migrations.Migration):
    dependencies = [
        ("proceedings", "0002_proceedings_and_book_builds"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
